package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.bench.paired.CallThreads;
import dev.posenc.bench.plain.PlainAttention;
import dev.posenc.bench.plain.PlainAttention.Terms;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Attention with a position bias fused in, float32, layout {@code [seq, heads, dim]}, causal
 * bottom-right, scale 1/√128 for every scheme (T5's own scale is 1; the same scale keeps the logits'
 * range equal across schemes):
 * <ul>
 *   <li>{@code prefill}: 8 heads of width 128, 512 queries (the last positions) over 4096 keys, with
 *       each scheme of {@link Schemes} ({@code none}: no position scheme);
 *   <li>{@code prefillTwoThreads}: the same on the calling thread and a single-thread pool's
 *       ({@link Executors#newSingleThreadExecutor()}), parked between calls;
 *   <li>{@code prefillTwoThreadsPolling}: the same with a {@link PollingExecutor}, whose worker polls for
 *       {@value #POLL_NANOS} ns after each task: the kernel's scaling with a hot caller's pool, not the standard row.
 * </ul>
 * Decode is {@link DecodeBenchmark}.
 * FLOPs count the work that the causal mask and the scheme leave, {@code 4·headDim} per visible (query,
 * key, head) (q·k and p·v; ggml counts every pair, masked or not, which is 6.7% more at this prefill
 * shape): StreamingLLM's keys between its sink tokens and its window and the keys before a Llama 4 chunk
 * are not counted, so a kernel that computes and then masks them shows it. Nor are a scheme's own terms
 * (DeBERTa's two dots, Transformer-XL's {@code (q + v)·r_δ}: 2·headDim more per pair, Shaw's {@code q·aK} and value
 * embeddings per row and distance): their rows' FLOP/s are q·k and p·v done per second.
 * The scalar reference and the plain-Java baseline compute only the last {@value #REFERENCE_ROWS} query
 * rows of prefill, each seeing nearly every key, and count those rows' FLOPs, so that an iteration
 * stays short; every side is measured in the same run.
 */
public class AttentionBenchmark extends KernelBenchmark {
    static final int REFERENCE_ROWS = 8;
    private static final int HEAD_DIM = 128;
    static final int KEYS = 4096;
    private static final int PREFILL_HEADS = 8;
    static final int PREFILL_QUERIES = 512;
    /**
     * How long {@code prefillTwoThreadsPolling}'s worker polls after a task: 200 ms, over twice a one-thread prefill call
     * (76 ms in the quick report of 2026-11-30), so that it still polls when the next two-thread call comes after a
     * one-thread call in a pairing.
     */
    static final long POLL_NANOS = 200_000_000;

    @Param({"none", "alibi", "t5", "sinks", "streaming", "chunked", "temperature", "deberta", "kerple", "fire", "shaw", "xl"})
    public String scheme;

    private AttentionKernel kernel;
    private AttentionOptions prefill;
    private int prefillRows;
    private int firstRow;
    private Positions prefillPositions;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private float[] prefillBias;
    private Terms prefillTerms;
    private final float[][] scores = {new float[KEYS], new float[KEYS]};
    private final AttentionWorkspace workspace = new AttentionWorkspace();
    private final AttentionWorkspace[] twoWorkspaces = {new AttentionWorkspace(), new AttentionWorkspace()};
    private ExecutorService pool;
    private PollingExecutor polling;

    @Setup
    public void setUp() {
        prefill = Schemes.options(scheme, PREFILL_HEADS, PREFILL_HEADS, HEAD_DIM);
        prefillRows = impl == Implementation.vector ? PREFILL_QUERIES : REFERENCE_ROWS;
        firstRow = PREFILL_QUERIES - prefillRows;
        prefillPositions = Positions.range(KEYS - PREFILL_QUERIES + firstRow, prefillRows);
        SplittableRandom random = new SplittableRandom(42);
        q = normal(random, prefillRows * PREFILL_HEADS * HEAD_DIM);
        k = normal(random, KEYS * PREFILL_HEADS * HEAD_DIM);
        v = normal(random, KEYS * PREFILL_HEADS * HEAD_DIM);
        out = new float[q.length];
        prefillBias = Schemes.biasByDistance(prefill, KEYS);
        prefillTerms = Schemes.terms(prefill);
        pool = Executors.newSingleThreadExecutor();
        polling = new PollingExecutor("prefill-polling", POLL_NANOS);
        switch (impl) {
            case reference, vector -> kernel = impl.provider().attention();
            case plain -> { }
            case jlama -> throw Implementation.noPeer("prefill");
        }
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
        polling.close();
    }

    static float[] normal(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    @Benchmark
    public float[] prefill(Elements elements, Flops flops) {
        if (impl == Implementation.plain) {
            plainPrefill(0, PREFILL_HEADS, 0);
        } else {
            kernel.attend(prefill, prefillRows, KEYS, prefillPositions, null, q, 0, k, 0, v, 0, out, 0, workspace);
        }
        countPrefill(elements, flops);
        return out;
    }

    @Benchmark
    @CallThreads(2)
    public float[] prefillTwoThreads(Elements elements, Flops flops) throws Exception {
        return twoThreads(pool, elements, flops);
    }

    /** {@code prefillTwoThreads} with the bench's {@link PollingExecutor} as the caller's executor. */
    @Benchmark
    @CallThreads(2)
    public float[] prefillTwoThreadsPolling(Elements elements, Flops flops) throws Exception {
        return twoThreads(polling, elements, flops);
    }

    private float[] twoThreads(Executor executor, Elements elements, Flops flops) throws Exception {
        if (impl == Implementation.plain) {
            FutureTask<?> other = new FutureTask<>(() -> plainPrefill(PREFILL_HEADS / 2, PREFILL_HEADS, 1), null);
            executor.execute(other);
            plainPrefill(0, PREFILL_HEADS / 2, 0);
            other.get();
        } else {
            kernel.attend(prefill, prefillRows, KEYS, prefillPositions, null, q, 0, k, 0, v, 0, out, 0, executor, twoWorkspaces);
        }
        countPrefill(elements, flops);
        return out;
    }

    private void plainPrefill(int firstHead, int lastHead, int thread) {
        PlainAttention.attend(PREFILL_HEADS, PREFILL_HEADS, HEAD_DIM, PREFILL_QUERIES, KEYS, firstRow, prefillRows,
                firstHead, lastHead, q, k, v, prefillBias, prefillTerms, out, scores[thread]);
    }

    /** Elements: query rows × heads; FLOPs: {@code 4·headDim} per visible (query, key, head). */
    private void countPrefill(Elements elements, Flops flops) {
        elements.elements += (long) PREFILL_HEADS * prefillRows;
        flops.flops += 4L * PREFILL_HEADS * HEAD_DIM * visiblePairs(prefill, PREFILL_QUERIES, KEYS, firstRow, prefillRows);
    }

    /**
     * (query, key) pairs a bottom-right causal mask and the options' scheme leave for query rows
     * {@code [first, first + rows)} of {@code queries} over {@code keys}.
     */
    static long visiblePairs(AttentionOptions options, int queries, int keys, int first, int rows) {
        long pairs = 0;
        for (int row = first; row < first + rows; row++) {
            pairs += Schemes.visibleKeys(options, keys - queries + row);
        }
        return pairs;
    }
}
