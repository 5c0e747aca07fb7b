package dev.posenc.bench;

import dev.posenc.attention.KeyRotation;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.bench.plain.PlainKvAppend;
import dev.posenc.bench.plain.PlainRope;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Appending token rows to a KV cache: {@code rows} rows of K and V (1: a decode step; 512: a prompt) of decode's shape,
 * {@value DecodeBenchmark#KV_HEADS} kv heads × {@value DecodeBenchmark#HEAD_DIM} ({@link DecodeBenchmark}), from float
 * arrays into a cache of {@code kv} precision, off-heap or on the heap ({@code storage}), the keys rotated on append by
 * RoPE ({@code rotation=rope}: half-split pairs over the whole head, base 500 000, from a cos/sin table of the rows'
 * positions) or not ({@code none}). One token per row counted ({@link Elements}); the report derives the bytes moved
 * from the row's cost (each float read once, written once in the precision).
 *
 * <p>Each call first truncates the cache to position 0, which only moves its next position (finite rows: nothing to
 * scan), so that every call appends at positions {@code 0 … rows − 1}, into the same memory: the rows written stay in
 * the cache level that holds them (8 KiB of K and V per f32 row), where an engine's decode step writes a row it has
 * not touched before.
 *
 * <p>Sides: {@code vector} is {@link KvCache#append(Tokens, Tokens, KeyRotation)} with the chosen provider's RoPE
 * ({@link KeyRotation#of(RopeKernel, dev.posenc.rope.RopeCache)}), {@code reference} the same call with the reference
 * provider's RoPE: without rotation the two run the same code. {@code plain} is what an engine writes by hand
 * ({@link PlainKvAppend}): RoPE from a float table into a scratch array ({@link PlainRope}), then each row stored
 * element by element, rounded; it keeps none of what the cache writes beside each row (key norms, subnormal flags, the
 * last non-finite position) and checks no value for overflow, so its speed-up is what posenc's append costs an engine
 * over its own loop.
 *
 * <p>Measured with main's {@code KvCache} of 2026-11-30 (4ee08f8; JMH {@code -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc}, this
 * project's Xeon, load 1.6–2.9), µs per row, f32 / F16 / BF16, off-heap: the vector side 4.0 / 8.4 / 9.8 for one row
 * with RoPE and 4.1 / 8.7 / 9.3 without, 5.7 / 10.0 / 11.3 per row of 512 with RoPE; plain Java 0.53 / 0.53 / 2.6 for
 * one row with RoPE and 0.07 / 0.07 / 2.1 without, 1.2 / 1.1 / 2.8 per row of 512 with RoPE. Without RoPE on the heap,
 * the vector side within 4% of off-heap, plain Java's one row up to 9% slower. Paired ({@code PairedCalls}, F16, RoPE,
 * off-heap, load 1.2–1.6), the vector side's speed ÷ plain Java's: 0.067 (quartiles 0.066–0.068) for one row, 0.105
 * (0.102–0.109, 200 pairs) for 512. With RoPE posenc's append allocates 32 B per call, the {@code Positions} its commit
 * hands the rotation (JFR's allocation samples); without, 0 B. With the append's rounding, checks, norms and flags in
 * loops C2 vectorizes ({@code KvCache}'s {@code RowRounding}, same bytes, norms and flags; 174ca69, the same JMH command
 * with RoPE, off-heap, load 1.1–1.3), f32 / F16 / BF16: the vector side 1.01 / 1.35 / 1.61 µs for one row, 2.32 / 2.51 /
 * 2.57 per row of 512; plain Java 0.52 / 0.53 / 2.46 and 1.18 / 1.00 / 2.71 in the same run; 32 B per call as before.
 * Paired against main's {@code KvCache} in one JVM ({@code PairedCalls}, this benchmark in both jars, load 1.4–1.5):
 * 3.89× / 6.12× / 5.94× as fast for one row (quartiles within ±0.2), 2.47× / 4.12× / 4.40× for 512 (200–281 pairs).
 * With the rotation handed a view of the cache's own positions array instead of a new {@code Positions} (the same JMH
 * command, main's 0aea0a8 then the change, 2026-11-30 21:15–21:17, load 1.3–2.2): 0.01 B per call for one row against
 * 32.0 (JMH's own bookkeeping: 0 B in AllocationContract's count per call), 10–11 B per call of 512 rows against 42–43,
 * and the same speed within the runs' spread (one row 958 k / 751 k / 623 k calls/s against 973 k / 730 k / 618 k).
 */
public class KvCacheBenchmark extends KvCacheStorage {
    static final int KV_HEADS = DecodeBenchmark.KV_HEADS;
    static final int HEAD_DIM = DecodeBenchmark.HEAD_DIM;
    /** Floats per token row of K (and of V). */
    static final int WIDTH = KV_HEADS * HEAD_DIM;

    @Param({"1", "512"})
    public int rows;

    /** {@code rope}: keys rotated on append; {@code none}: stored as given. */
    @Param({"none", "rope"})
    public String rotation;

    private float[] k;
    private float[] v;
    private Tokens keys;
    private Tokens values;
    private Arena arena;
    /** The cache posenc's sides append to (null for plain Java). */
    KvCache cache;
    private KeyRotation keyRotation;
    private KvPrecision precision;
    private float[] cos;
    private float[] sin;
    private float[] rotated;
    /** The keys and values plain Java stores (null for posenc's sides). */
    MemorySegment plainKeys;
    MemorySegment plainValues;

    /** Values (K and V) a call appends per token. */
    static long valuesPerToken() {
        return 2L * WIDTH;
    }

    @Setup
    public void setUp() {
        if (impl == Implementation.jlama) {
            throw Implementation.noPeer("KV-cache append");
        }
        precision = precision(kv);
        boolean rope = switch (rotation) {
            case "rope" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("rotation must be none or rope, was " + rotation);
        };
        arena = storageArena();
        SplittableRandom random = new SplittableRandom(42);
        k = AttentionBenchmark.normal(random, rows * WIDTH);
        v = AttentionBenchmark.normal(random, rows * WIDTH);
        RotaryEmbedding embedding = RotaryEmbedding.of(HEAD_DIM, 500_000, RopeLayout.HALF_SPLIT);
        switch (impl) {
            case reference, vector -> {
                cache = cache(KvCacheSpec.of(rows, KV_HEADS, HEAD_DIM, precision), arena);
                keys = Tokens.of(k, rows, KV_HEADS, HEAD_DIM);
                values = Tokens.of(v, rows, KV_HEADS, HEAD_DIM);
                if (rope) {
                    RopeKernel kernel = impl.provider().rope();
                    keyRotation = KeyRotation.of(kernel, kernel.cache(embedding, rows));
                }
            }
            case plain -> {
                long bytes = (long) rows * WIDTH * precision.bytes();
                plainKeys = plainStorage(bytes);
                plainValues = plainStorage(bytes);
                if (rope) {
                    float[] invFreq = new float[HEAD_DIM / 2];
                    for (int i = 0; i < invFreq.length; i++) {
                        invFreq[i] = (float) embedding.frequencies().invFreq(i);
                    }
                    cos = new float[rows * invFreq.length];
                    sin = new float[rows * invFreq.length];
                    PlainRope.angles(invFreq, rows, cos, sin);
                    rotated = new float[k.length];
                }
            }
        }
    }

    private MemorySegment plainStorage(long bytes) {
        if (arena != null) {
            return arena.allocate(bytes, 64);
        }
        return precision == KvPrecision.F32 ? MemorySegment.ofArray(new float[(int) (bytes / Float.BYTES)])
                : MemorySegment.ofArray(new short[(int) (bytes / Short.BYTES)]);
    }

    @Benchmark
    public Object append(Elements tokens) {
        tokens.elements += rows;
        if (impl == Implementation.plain) {
            float[] rowKeys = k;
            if (rotated != null) {
                PlainRope.rotate(cos, sin, true, rows, KV_HEADS, HEAD_DIM, HEAD_DIM, k, rotated);
                rowKeys = rotated;
            }
            store(rowKeys, plainKeys);
            store(v, plainValues);
            return plainKeys;
        }
        cache.truncate(0);
        cache.append(keys, values, keyRotation);
        return cache;
    }

    private void store(float[] x, MemorySegment into) {
        switch (precision) {
            case F32 -> PlainKvAppend.f32(x, 0, x.length, into, 0);
            case F16 -> PlainKvAppend.f16(x, 0, x.length, into, 0);
            case BF16 -> PlainKvAppend.bf16(x, 0, x.length, into, 0);
        }
    }

    @TearDown
    public void tearDown() {
        if (arena != null) {
            arena.close();
        }
    }
}
