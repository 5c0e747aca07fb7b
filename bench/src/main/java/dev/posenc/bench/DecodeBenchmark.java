package dev.posenc.bench;

import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.bench.jlama.JlamaDecode;
import dev.posenc.bench.paired.CallThreads;
import dev.posenc.bench.plain.PlainAttention;
import dev.posenc.bench.plain.PlainAttention.Terms;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One decode step of attention over a KV cache: one query at the last position, 32 query heads over 8
 * kv heads (GQA, Llama 3 8B's shape) of width 128, a cache of {@code keys} positions whose K and V are
 * stored in {@code kv} precision (f32: 32 MiB at 4096 positions, f16 and bf16 half that), with each scheme
 * of {@link Schemes} ({@code none}, as after RoPE: the shape Jlama's attention has). posenc's sides read a
 * {@link KvCache} of that precision (the values rounded to it) off-heap or on the heap ({@code storage});
 * the plain baseline and Jlama read f32 arrays. One token per call; FLOPs {@code 4·heads·headDim} per key the
 * scheme leaves visible (all of them but for {@code streaming} and {@code chunked}). {@link #decodeTwoThreads}
 * runs the same step on two threads: posenc's parallel form (two workspaces sharing its chunks of the keys, or
 * its kv heads when the keys make one chunk), plain Java's heads split in two, the second thread a single-thread pool's
 * ({@link Executors#newSingleThreadExecutor()}), parked between calls.
 * {@link #decodeTwoThreadsPolling} runs it with a {@link PollingExecutor} instead, whose worker polls between calls
 * ({@value #POLL_NANOS} ns after each task): the kernel's scaling once the caller's executor hands off as a hot
 * engine pool's does, not the standard row. {@link #prefillChunk} (for PairedCalls, not a JMH row) attends a chunk of
 * {@value #CHUNK} queries over the same cache.
 */
public class DecodeBenchmark extends KvCacheStorage {
    static final int HEADS = 32;
    static final int KV_HEADS = 8;
    static final int HEAD_DIM = 128;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /**
     * How long {@link #decodeTwoThreadsPolling}'s worker polls after a task: 10 ms, several one-thread steps at 4096
     * positions (1.5–1.9 ms here), so that it still polls when the next two-thread call comes after a one-thread call
     * in a pairing; at 32768 positions a one-thread step (26 ms) outlasts it.
     */
    static final long POLL_NANOS = 10_000_000;
    /** Queries of {@link #prefillChunk}: a chunk of a prompt, at the cache's last positions. */
    static final int CHUNK = 64;

    /** Every scheme but DeBERTa's, an encoder's, which attention over a KvCache rejects (its row is in AttentionBenchmark). */
    @Param({"none", "alibi", "t5", "sinks", "streaming", "chunked", "temperature", "kerple", "fire"})
    public String scheme;

    @Param({"4096", "32768"})
    public int keys;

    private AttentionKernel kernel;
    private JlamaDecode jlama;
    private AttentionOptions options;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private float[] bias;
    private Terms terms;
    private int visible;
    private float[] scores;
    private Arena arena;
    private KvCache cache;
    private Tokens query;
    private Tokens output;
    private float[] chunkOut;
    private Tokens chunkQuery;
    private Tokens chunkOutput;
    private long chunkFlops;
    private final AttentionWorkspace workspace = new AttentionWorkspace();
    private final AttentionWorkspace[] twoWorkspaces = {new AttentionWorkspace(), new AttentionWorkspace()};
    private float[] otherScores;
    private ExecutorService pool;
    private PollingExecutor polling;

    /** Values (K and V) a cache of {@code keys} positions holds. */
    static long cacheValues(int keys) {
        return 2L * keys * KV_HEADS * HEAD_DIM;
    }

    @Setup
    public void setUp() {
        KvPrecision precision = precision(kv);
        if ((precision != KvPrecision.F32 || !storage.equals("offheap"))
                && (impl == Implementation.plain || impl == Implementation.jlama)) {
            // One row per shape: storage names posenc's cache, which these sides do not read.
            throw new UnsupportedOperationException(impl + " reads f32 arrays: run it with kv=f32 and storage=offheap");
        }
        options = Schemes.options(scheme, HEADS, KV_HEADS, HEAD_DIM);
        SplittableRandom random = new SplittableRandom(42);
        q = AttentionBenchmark.normal(random, HEADS * HEAD_DIM);
        k = AttentionBenchmark.normal(random, keys * KV_HEADS * HEAD_DIM);
        v = AttentionBenchmark.normal(random, keys * KV_HEADS * HEAD_DIM);
        out = new float[q.length];
        bias = Schemes.biasByDistance(options, keys);
        terms = Schemes.terms(options);
        visible = Schemes.visibleKeys(options, keys - 1);
        scores = new float[keys];
        otherScores = new float[keys];
        pool = Executors.newSingleThreadExecutor();
        polling = new PollingExecutor("decode-polling", POLL_NANOS);
        switch (impl) {
            case reference, vector -> {
                kernel = impl.provider().attention();
                arena = storageArena();
                cache = cache(KvCacheSpec.of(keys, KV_HEADS, HEAD_DIM, precision), arena);
                cache.append(Tokens.of(k, keys, KV_HEADS, HEAD_DIM), Tokens.of(v, keys, KV_HEADS, HEAD_DIM));
                query = Tokens.of(q, 1, HEADS, HEAD_DIM);
                output = Tokens.of(out, 1, HEADS, HEAD_DIM);
                if (keys >= CHUNK) {
                    chunkOut = new float[CHUNK * HEADS * HEAD_DIM];
                    chunkQuery = Tokens.of(AttentionBenchmark.normal(random, chunkOut.length), CHUNK, HEADS, HEAD_DIM);
                    chunkOutput = Tokens.of(chunkOut, CHUNK, HEADS, HEAD_DIM);
                    for (int position = keys - CHUNK; position < keys; position++) {
                        chunkFlops += 4L * HEADS * Schemes.visibleKeys(options, position) * HEAD_DIM;
                    }
                }
                k = null;
                v = null;
            }
            case plain -> { }
            case jlama -> {
                if (!scheme.equals("none")) {
                    throw new UnsupportedOperationException("Jlama's attention has no " + scheme + " bias; run jlama with scheme=none");
                }
                jlama = new JlamaDecode(HEADS, KV_HEADS, HEAD_DIM, keys, q, k, v);
            }
        }
    }

    @Benchmark
    public Object decode(Elements tokens, Flops flops) {
        tokens.elements += 1;
        flops.flops += 4L * HEADS * visible * HEAD_DIM;
        switch (impl) {
            case plain -> plainDecode(0, HEADS, scores);
            case jlama -> {
                return jlama.run();
            }
            default -> kernel.attend(options, query, cache, output, workspace);
        }
        return out;
    }

    @Benchmark
    @CallThreads(2)
    public Object decodeTwoThreads(Elements tokens, Flops flops) throws Exception {
        return twoThreads(pool, tokens, flops);
    }

    /** {@link #decodeTwoThreads} with the bench's {@link PollingExecutor} as the caller's executor. */
    @Benchmark
    @CallThreads(2)
    public Object decodeTwoThreadsPolling(Elements tokens, Flops flops) throws Exception {
        return twoThreads(polling, tokens, flops);
    }

    private Object twoThreads(Executor executor, Elements tokens, Flops flops) throws Exception {
        tokens.elements += 1;
        flops.flops += 4L * HEADS * visible * HEAD_DIM;
        switch (impl) {
            case plain -> {
                FutureTask<?> other = new FutureTask<>(() -> plainDecode(HEADS / 2, HEADS, otherScores), null);
                executor.execute(other);
                plainDecode(0, HEADS / 2, scores);
                other.get();
            }
            case jlama -> throw Implementation.noPeer("two-thread decode");
            default -> kernel.attend(options, null, null, query, cache, output, executor, twoWorkspaces);
        }
        return out;
    }

    /**
     * A chunk of prefill over the cache: {@value #CHUNK} queries at its last positions (as after appending the chunk's
     * rows), each of the 32 q heads attending to the keys and values the cache holds, read in place. FLOPs as
     * {@link #decode}'s, per visible key of each query. Not a JMH benchmark (the report's rows and probes do not run it): a
     * side for PairedCalls, e.g. after {@code --first 'AttentionBenchmark.prefill:scheme=alibi'} (prefill over arrays
     * first; what that changed: {@code TilePacks}' javadoc). posenc's sides only, at {@value #CHUNK} keys or more.
     */
    public Object prefillChunk(Elements tokens, Flops flops) {
        if (chunkQuery == null) {
            throw new IllegalStateException(impl + " at " + keys + " keys has no chunk: prefillChunk is posenc's sides' (reference,"
                    + " vector), at " + CHUNK + " keys or more");
        }
        tokens.elements += CHUNK;
        flops.flops += chunkFlops;
        kernel.attend(options, chunkQuery, cache, chunkOutput, workspace);
        return chunkOut;
    }

    /** {@link #prefillChunk}'s queries (null below {@value #CHUNK} keys and for plain Java and Jlama), once set up. */
    Tokens chunkQuery() {
        return chunkQuery;
    }

    /** The cache posenc's sides read (null for plain Java and Jlama), once set up. */
    KvCache cache() {
        return cache;
    }

    /**
     * Reads every byte of the cache's K and V once, in order (keys, then values), as the read probe does
     * ({@link BandwidthBenchmark}'s {@code READ}: four vector accumulators, each load the receiver of its add), here in
     * int lanes, so that any precision's bits add alike: the denominator of the paired target "f32 decode reads K/V at
     * the read bandwidth", which reads the bytes the decode step reads, where they live, when both sides call one
     * object ({@code PairedCalls.Side#of}). Not a JMH benchmark: the report's rows and probes do not run it. posenc's
     * sides only (plain Java and Jlama read arrays). Reading the bytes as interleaved streams instead was no faster
     * beyond the spread between runs (a throw-away harness, this loop over 2 × 16 MiB off-heap split into 2 to 32
     * streams read 256 B to 2 KiB per stream per turn, medians of 100–200 alternating rounds, this project's Xeon,
     * 2026-11-30, load 0.8–1.6): in two runs the one stream took 1.21 and 1.14 ms, the fastest interleaving 1.13 ms
     * both times (the slowest 1.47 ms); over 2 × 128 MiB the one stream took 17.7 ms, the interleavings 20.6–27.2 ms.
     */
    public Object readCache(Bytes counter) {
        if (cache == null) {
            throw new IllegalStateException(impl + " reads no KvCache: readCache is posenc's sides' (reference, vector)");
        }
        counter.bytes += cache.keys().byteSize() + cache.values().byteSize();
        return sum(cache.keys()) + sum(cache.values());
    }

    /** {@code Σ} of {@code bytes} as native-order ints, wrapping: its length a multiple of four vectors (a cache row is 4 KiB in f32, 2 KiB in F16). */
    static int sum(MemorySegment bytes) {
        long step = 4L * INTS.vectorByteSize();
        if (bytes.byteSize() % step != 0) {
            throw new IllegalArgumentException("the segment's " + bytes.byteSize() + " bytes are not a multiple of " + step);
        }
        IntVector s0 = IntVector.zero(INTS);
        IntVector s1 = s0;
        IntVector s2 = s0;
        IntVector s3 = s0;
        int v = INTS.vectorByteSize();
        for (long i = 0; i < bytes.byteSize(); i += step) {
            s0 = IntVector.fromMemorySegment(INTS, bytes, i, ByteOrder.nativeOrder()).add(s0);
            s1 = IntVector.fromMemorySegment(INTS, bytes, i + v, ByteOrder.nativeOrder()).add(s1);
            s2 = IntVector.fromMemorySegment(INTS, bytes, i + 2L * v, ByteOrder.nativeOrder()).add(s2);
            s3 = IntVector.fromMemorySegment(INTS, bytes, i + 3L * v, ByteOrder.nativeOrder()).add(s3);
        }
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    }

    private void plainDecode(int firstHead, int lastHead, float[] rowScores) {
        PlainAttention.attend(HEADS, KV_HEADS, HEAD_DIM, 1, keys, 0, 1, firstHead, lastHead, q, k, v, bias, terms, out, rowScores);
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
        polling.close();
        if (arena != null) {
            arena.close();
        }
    }
}
