package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * The attention suite: agreement with an independent double-precision oracle within the error bound
 * of {@link AttentionOracle} for every scheme, mask, GQA ratio, decode shape and tile size; the
 * conformance data; special values; parallel and concurrent calls; bad input. Subclass it and return
 * your implementation from {@link #kernel()}. Invariants are in {@link AttentionInvariantsContract}.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class AttentionContract {

    /** The implementation under test. */
    protected abstract AttentionKernel kernel();

    /** The library's scalar reference, checked against the oracle alongside. */
    protected AttentionKernel reference() {
        return Kernels.reference().attention();
    }

    /** Runs the kernel on a case's views with the given workspace; returns the output array (sentinel-padded). */
    static float[] run(AttentionKernel kernel, AttentionCase.Inputs in, AttentionWorkspace workspace) {
        float[] out = in.output();
        kernel.attend(in.options(), in.positions(), in.dense(), in.queryTokens(), in.keyTokens(), in.valueTokens(),
                in.outputTokens(out), workspace);
        return out;
    }

    @Test
    public void agreesWithTheOracle() {
        qt(250).forAll(AttentionCase.cases(40, 200, 72, FloatKind.NORMAL, FloatKind.WIDE, FloatKind.GRID))
                .checkAssert(c -> {
                    AttentionCase.Inputs in = c.build();
                    AttentionOracle oracle = AttentionOracle.of(in);
                    float[] actual = run(kernel(), in, in.workspace());
                    Arrays2.assertUntouchedOutside(actual, in.offset(), in.outputLength(), "out");
                    oracle.assertFloatClose(c.toString(), actual, in.offset());
                    oracle.assertDoubleClose("reference " + c, run(reference(), in, in.workspace()), in.offset());
                });
    }

    /**
     * q and k with large common offsets (mean 1e4, std 1e−2: logits ~1e8 that differ by O(1)) and huge
     * magnitudes (1e20..3e38: float dot products overflow) still meet the bound of {@link AttentionOracle}.
     */
    @Test
    public void extremeMagnitudesMeetTheBound() {
        qt(60).forAll(AttentionCase.cases(20, 80, 24, FloatKind.OFFSET, FloatKind.LARGE, FloatKind.MIXED, FloatKind.TINY))
                .checkAssert(c -> {
                    AttentionCase.Inputs in = c.build();
                    AttentionOracle.of(in).assertFloatClose(c.toString(), run(kernel(), in, in.workspace()), in.offset());
                });
    }

    /**
     * Issue 9 item 1: an output row is a convex combination of value rows, so finite values give finite outputs
     * however many keys share the weight. Values of one sign near {@code Float.MAX_VALUE} (their float sum
     * overflows from two keys on) or of both signs, over 1 to 5000 keys with equal or random logits, in decode
     * (one query: the narrow block) and prefill (24 queries: wide blocks), meet the bound of {@link AttentionOracle}
     * (relative to {@code Σ p·|v|}, so an infinity fails it). Summed before normalising, 4096 values of 1e35
     * gave +∞.
     */
    @Test
    public void finiteValuesGiveFiniteOutputs() {
        qt(40).forAll(integers().between(1, 5000), integers().between(1, 40), integers().between(0, 3), longs().all())
                .checkAssert((keys, d, kind, seed) -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    float magnitude = new float[] {1e35f, 3e38f, Float.MAX_VALUE, 2e38f}[kind];
                    boolean equalLogits = kind % 2 == 0;
                    boolean bothSigns = kind == 3;
                    AttentionOptions options = AttentionOptions.of(4, 2, d).withCausal(CausalMask.BOTTOM_RIGHT);
                    for (int queries : new int[] {1, 24}) {
                        float[] q = new float[queries * 4 * d];
                        float[] k = new float[keys * 2 * d];
                        float[] v = new float[keys * 2 * d];
                        for (int i = 0; i < q.length && !equalLogits; i++) {
                            q[i] = (float) random.nextGaussian();
                        }
                        for (int i = 0; i < k.length; i++) {
                            k[i] = equalLogits ? 0f : (float) random.nextGaussian();
                            float size = magnitude * (float) (0.5 + 0.5 * random.nextDouble());
                            v[i] = bothSigns && random.nextBoolean() ? -size : size;
                        }
                        float[] out = new float[q.length];
                        kernel().attend(options, queries, keys, null, null, q, 0, k, 0, v, 0, out, 0, new AttentionWorkspace());
                        AttentionCase.Inputs in = new AttentionCase.Inputs(options, queries, keys, null, null, q, k, v, 0, 0);
                        AttentionOracle.of(in).assertFloatClose(queries + " queries over " + keys + " keys of |v| ≤ " + magnitude
                                + (equalLogits ? ", equal logits" : ""), out, 0);
                    }
                });
    }

    @Test
    public void reusedWorkspacesGiveTheSameResults() {
        AttentionWorkspace shared = new AttentionWorkspace();
        qt(60).forAll(AttentionCase.cases(40, 150, 40, FloatKind.NORMAL)).checkAssert(c -> {
            AttentionCase.Inputs in = c.build();
            float[] fresh = run(kernel(), in, in.keyTile() == 0 ? new AttentionWorkspace() : in.workspace());
            float[] reused = run(kernel(), in, in.keyTile() == 0 ? shared : in.workspace());
            assertArrayEquals(fresh, reused, c.toString());
        });
    }

    @Test
    public void matchesTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("attention")) {
            ConformanceAttention.of(c).check(kernel());
        }
    }

    /**
     * gpt-oss sinks, StreamingLLM, Llama 4 chunks and temperature, KERPLE: {@code attention_modern.json},
     * each case as its scheme, at the tolerances of {@link ConformanceAttention}.
     */
    @Test
    public void modernSchemesMatchTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("attention_modern")) {
            if (c.kind().equals("temperature")) {
                ConformanceAttention.temperatureScales(c);
            }
            ConformanceAttention a = ConformanceAttention.modern(c);
            if (a != null) {
                a.check(kernel());
            }
        }
    }

    /** DeBERTa-v2's disentangled attention: {@code deberta.json}'s attention cases. */
    @Test
    public void debertaMatchesTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("deberta")) {
            if (c.kind().equals("attention")) {
                ConformanceAttention.deberta(c).check(kernel());
            }
        }
    }

    @Test
    public void alibiProbabilitiesMatchTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("alibi")) {
            if (c.kind().equals("bias")) {
                ConformanceAttention.alibiProbabilities(c).check(kernel());
            }
        }
    }

    /**
     * The scheme hooks' non-default paths, prefill and decode: a chunk's earlier keys are never read (NaN
     * there changes no bit); a sink of −1e30 and a temperature of exactly 1 change no bit; a row whose every
     * key is masked gives its weight to the sink: zeros.
     */
    @Test
    public void chunksSinksAndTemperatureTakeTheirPaths() {
        int d = 8;
        int heads = 2;
        int keys = 150;
        float[] k = PositionBiasContract.fill(keys * heads * d, 22);
        float[] v = PositionBiasContract.fill(keys * heads * d, 23);
        float[] hidden = k.clone();
        float[] hiddenValues = v.clone();
        // Bottom-right, chunks of 32: the queries at 110 … 149 see from key 96 on, the decode query at 149 from 128.
        java.util.Arrays.fill(hidden, 0, 96 * heads * d, Float.NaN);
        java.util.Arrays.fill(hiddenValues, 0, 96 * heads * d, Float.NaN);
        AttentionOptions causal = AttentionOptions.of(heads, d).withCausal(CausalMask.BOTTOM_RIGHT);
        AttentionOptions chunked = causal.withScheme(ChunkedAttention.of(32));
        for (int queries : new int[] {40, 1}) {
            float[] q = PositionBiasContract.fill(queries * heads * d, 21);
            float[] plain = attendAll(causal, queries, keys, null, q, k, v);
            assertArrayEquals(attendAll(chunked, queries, keys, null, q, k, v), attendAll(chunked, queries, keys, null, q, hidden,
                    hiddenValues), "keys before the chunk are not read, " + queries + " queries");
            assertArrayEquals(plain, attendAll(causal.withScheme(AttentionSinks.of(new float[] {-1e30f, -1e30f}, 0, 2)), queries,
                    keys, null, q, k, v), "a sink of −1e30, " + queries + " queries");
            assertArrayEquals(plain, attendAll(causal.withScheme(AttentionTemperature.of(1e6, 0.5)), queries, keys, null, q, k, v),
                    "τ = 1 below floor_scale, " + queries + " queries");
            DenseBias none = DenseBias.mask(new boolean[queries * keys], 0, 1, queries, keys);
            assertArrayEquals(new float[queries * heads * d], attendAll(causal.withScheme(AttentionSinks.of(new float[] {3f, -3f},
                    0, 2)), queries, keys, none, q, k, v), "every key masked: the sink takes all, " + queries + " queries");
        }
    }

    private float[] attendAll(AttentionOptions o, int queries, int keys, DenseBias dense, float[] q, float[] k, float[] v) {
        float[] out = new float[queries * o.heads() * o.valueDim()];
        kernel().attend(o, queries, keys, null, dense, q, 0, k, 0, v, 0, out, 0, new AttentionWorkspace());
        return out;
    }

    @Test
    public void fullyMaskedRowsAreZeros() {
        int d = 4;
        float[] q = PositionBiasContract.fill(5 * 2 * d, 1);
        float[] k = PositionBiasContract.fill(3 * 2 * d, 2);
        float[] v = PositionBiasContract.fill(3 * 2 * d, 3);
        AttentionOptions bottomRight = AttentionOptions.of(2, d).withCausal(CausalMask.BOTTOM_RIGHT);
        float[] out = Arrays2.sentinels(5 * 2 * d);
        // 5 queries over 3 keys, bottom-right: query rows 0 and 1 sit at positions −2 and −1 and see nothing.
        kernel().attend(bottomRight, 5, 3, null, null, q, 0, k, 0, v, 0, out, 0, new AttentionWorkspace());
        for (int e = 0; e < 2 * 2 * d; e++) {
            assertEquals(0f, out[e], "row " + e / (2 * d) + " sees no key");
        }
        assertTrue(out[2 * 2 * d] != 0f);
        // Window 1, causal: position 2 sees keys 1, 2 and position 1 keys 0, 1; the dense mask allows only
        // keys outside those. Then an additive −∞ on every key.
        boolean[] allowed = {true, false, false, false, false, true};
        float[] minusInfinity = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        AttentionOptions windowed = AttentionOptions.of(2, d).withCausal(CausalMask.TOP_LEFT).withWindow(1);
        DenseBias[] denses = {DenseBias.mask(allowed, 0, 1, 2, 3), DenseBias.additive(minusInfinity, 0, 1, 1, 3)};
        Positions[] positions = {Positions.of(2, 1), Positions.of(2)};
        for (int t = 0; t < 2; t++) {
            int queries = denses[t].queries();
            float[] o = Arrays2.sentinels(queries * 2 * d);
            kernel().attend(windowed, queries, 3, positions[t], denses[t], q, 0, k, 0, v, 0, o, 0, new AttentionWorkspace());
            assertArrayEquals(new float[queries * 2 * d], o, "every row fully masked: " + denses[t]);
        }
    }

    @Test
    public void specialValuesFollowTheDocumentedConvention() {
        int d = 3;
        int keys = 70;
        float[] q = PositionBiasContract.fill(keys * d, 11);
        float[] k = PositionBiasContract.fill(keys * d, 12);
        float[] v = PositionBiasContract.fill(keys * d, 13);
        AttentionOptions causal = AttentionOptions.of(1, d).withCausal(CausalMask.TOP_LEFT);
        float[] clean = attend(causal, keys, q, k, v);
        // NaN in a key that only later rows see: earlier rows unchanged, later rows NaN.
        float[] kNaN = k.clone();
        kNaN[40 * d + 1] = Float.NaN;
        float[] withNaN = attend(causal, keys, q, kNaN, v);
        for (int i = 0; i < keys; i++) {
            for (int c = 0; c < d; c++) {
                float got = withNaN[i * d + c];
                if (i < 40) {
                    assertEquals(clean[i * d + c], got, "row " + i + " does not see key 40");
                } else {
                    assertTrue(Float.isNaN(got), "row " + i + " sees the NaN logit of key 40: " + got);
                }
            }
        }
        // +∞ in a dense bias makes the row NaN; NaN in a value reaches its column in the rows that see it.
        float[] bias = new float[keys];
        bias[5] = Float.POSITIVE_INFINITY;
        float[] out = new float[d];
        kernel().attend(AttentionOptions.of(1, d), 1, keys, Positions.of(9), DenseBias.additive(bias, 0, 1, 1, keys),
                q, 0, k, 0, v, 0, out, 0, new AttentionWorkspace());
        for (float x : out) {
            assertTrue(Float.isNaN(x), "a +∞ logit makes the row NaN");
        }
        float[] vNaN = v.clone();
        vNaN[3 * d + 2] = Float.NaN;
        float[] nanValue = attend(causal, keys, q, k, vNaN);
        for (int i = 3; i < keys; i++) {
            assertTrue(Float.isNaN(nanValue[i * d + 2]) && !Float.isNaN(nanValue[i * d + 1]), "row " + i + ": NaN in its column only");
        }
    }

    private float[] attend(AttentionOptions options, int n, float[] q, float[] k, float[] v) {
        float[] out = new float[n * options.heads() * options.valueDim()];
        kernel().attend(options, n, n, q, k, v, out);
        return out;
    }

    /**
     * Prefills long enough for several blocks of queries per kv head (257 to 600 queries: 2 to 3 blocks of 256 entries
     * at 512-bit vectors, up to 10 of 64 at 128 bits), whose masks, windows and so visible keys differ from block to
     * block, with every scheme and key tile: agree with the oracle, and a call shared by 1 to 3 workers (which cuts
     * the blocks into other groups) gives the same bits.
     */
    @Test
    public void longPrefillsAgreeWithTheOracleWhateverTheWorkers() {
        Gen<AttentionCase.Shape> shapes = integers().between(1, 2).zip(integers().between(1, 2), integers().between(1, 16),
                integers().between(257, 600), integers().between(0, 200),
                (kv, group, d, queries, extra) -> new AttentionCase.Shape(kv, group, d, d, queries, queries + extra));
        agreeWithTheOracleWhateverTheWorkers(12, shapes, AttentionCase.maskings(), AttentionCase.data(FloatKind.NORMAL));
    }

    /**
     * Decode steps (1 to 4 query rows of up to 4 heads per kv head, 1 to 10 kv heads) over 100 to 700 keys with key
     * tiles of 1 to 12 keys, so that a kernel reading the keys in chunks (the vector kernel's, chunks of at least 14
     * tiles) cuts them into 2 to 8, with every masking (windows up to the keys, which leave some rows nothing in a
     * chunk) and every scheme: agree with the oracle, and a call shared by 1 to 3 workers gives the same bits.
     */
    @Test
    public void longDecodesAgreeWithTheOracleWhateverTheWorkers() {
        Gen<AttentionCase.Shape> shapes = integers().between(1, 10).zip(integers().between(1, 4), integers().between(1, 40),
                integers().between(1, 4), integers().between(100, 700),
                (kv, group, d, queries, keys) -> new AttentionCase.Shape(kv, group, d, d, queries, keys));
        Gen<AttentionCase.Masking> maskings = AttentionCase.maskings().zip(integers().between(-1, 700),
                (m, w) -> new AttentionCase.Masking(m.causal(), m.window() < 0 ? m.window() : w, m.dense(),
                        m.explicitPositions(), m.seed()));
        Gen<AttentionCase.Data> data = AttentionCase.data(FloatKind.NORMAL).zip(integers().between(1, 12),
                (d, tile) -> new AttentionCase.Data(d.q(), d.k(), d.v(), d.offset(), tile));
        agreeWithTheOracleWhateverTheWorkers(16, shapes, maskings, data);
    }

    /** {@code examples} cases of every scheme: agree with the oracle, and a call shared by 1 to 3 workers gives the same bits. */
    private void agreeWithTheOracleWhateverTheWorkers(int examples, Gen<AttentionCase.Shape> shapes,
                                                      Gen<AttentionCase.Masking> maskings, Gen<AttentionCase.Data> data) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            qt(examples).forAll(shapes, maskings, AttentionCase.schemes(AttentionCase.SchemeKind.values()), data)
                    .checkAssert((shape, masking, scheme, d) -> {
                        AttentionCase c = new AttentionCase(shape, masking, scheme, d);
                        AttentionCase.Inputs in = c.build();
                        float[] single = run(kernel(), in, in.workspace());
                        AttentionOracle.of(in).assertFloatClose(c.toString(), single, in.offset());
                        assertWorkersGiveTheSameBits(in, single, 2, 3, pool, c.toString());
                    });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void parallelCallsAreBitIdenticalToSingleThreaded() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            qt(40).forAll(AttentionCase.cases(70, 200, 40, FloatKind.NORMAL)).checkAssert(c -> {
                AttentionCase.Inputs in = c.build();
                float[] single = run(kernel(), in, in.workspace());
                assertWorkersGiveTheSameBits(in, single, 1, 4, pool, c.toString());
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A decode call whose kv head holds a key of +∞ (so that the logit guard refuses its keys and they are computed
     * exactly) gives the single-threaded bits on 2 and 3 workers: a worker's share of the kv heads must not cut what
     * the kernel computes together (before 2026-11-30 the vector kernel cut its parts of 4 kv heads in two here).
     */
    @Test
    public void aKeyOfInfinityGivesTheSameBitsOnAnyWorkers() {
        int heads = 16;
        int kvHeads = 4;
        int d = 64;
        AttentionOptions o = AttentionOptions.of(heads, kvHeads, d).withCausal(CausalMask.BOTTOM_RIGHT)
                .withScheme(AlibiBias.of(heads));
        int keys = 50;
        SplittableRandom random = new SplittableRandom(13);
        float[] q = new float[heads * d];
        float[] k = new float[keys * kvHeads * d];
        float[] v = new float[keys * kvHeads * d];
        for (float[] a : List.of(q, k, v)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        k[(keys / 3 * kvHeads + kvHeads - 1) * d + 5] = Float.POSITIVE_INFINITY;
        float[] single = new float[heads * d];
        kernel().attend(o, 1, keys, null, null, q, 0, k, 0, v, 0, single, 0, new AttentionWorkspace());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int workers = 2; workers <= 3; workers++) {
                AttentionWorkspace[] workspaces = new AttentionWorkspace[workers];
                for (int w = 0; w < workers; w++) {
                    workspaces[w] = new AttentionWorkspace();
                }
                float[] out = new float[heads * d];
                kernel().attend(o, 1, keys, null, null, q, 0, k, 0, v, 0, out, 0, pool, workspaces);
                assertArrayEquals(single, out, workers + " workers");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The call shared by {@code from} to {@code to} workers of {@code pool}, each with its own workspace, gives {@code single}'s bits. */
    private void assertWorkersGiveTheSameBits(AttentionCase.Inputs in, float[] single, int from, int to, ExecutorService pool,
                                              String what) {
        for (int workers = from; workers <= to; workers++) {
            AttentionWorkspace[] workspaces = new AttentionWorkspace[workers];
            for (int w = 0; w < workers; w++) {
                workspaces[w] = in.workspace();
            }
            float[] out = in.output();
            kernel().attend(in.options(), in.queries(), in.keys(), in.positions(), in.dense(), in.q(), in.offset(),
                    in.k(), in.offset(), in.v(), in.offset(), out, in.offset(), pool, workspaces);
            assertArrayEquals(single, out, workers + " workers: " + what);
        }
    }

    @Test
    public void manyThreadsShareOneKernel() throws Exception {
        List<AttentionCase.Inputs> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        qt(12).forAll(AttentionCase.cases(40, 150, 40, FloatKind.NORMAL)).checkAssert(c -> {
            AttentionCase.Inputs in = c.build();
            inputs.add(in);
            expected.add(run(kernel(), in, in.workspace()));
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int start = t;
                futures.add(pool.submit(() -> {
                    AttentionWorkspace workspace = new AttentionWorkspace();
                    for (int r = 0; r < 3 * inputs.size(); r++) {
                        int n = (start + r) % inputs.size();
                        AttentionCase.Inputs in = inputs.get(n);
                        float[] out = run(kernel(), in, in.keyTile() == 0 ? workspace : in.workspace());
                        assertArrayEquals(expected.get(n), out, "thread " + start + ", case " + n);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void rejectsBadInputWithoutTouchingTheOutput() {
        AttentionKernel a = kernel();
        AttentionWorkspace w = new AttentionWorkspace();
        AttentionOptions o = AttentionOptions.of(4, 2, 8);
        float[] q = new float[3 * 4 * 8];
        float[] k = new float[5 * 2 * 8];
        float[] v = new float[5 * 2 * 8];
        float[] out = new float[3 * 4 * 8];
        BadInput.rejects(() -> AttentionOptions.of(6, 4, 8), null, "heads", "6", "kvHeads", "4");
        BadInput.rejects(() -> AttentionOptions.of(0, 8), null, "heads", "0");
        BadInput.rejects(() -> AttentionOptions.of(4, 0), null, "headDim", "0");
        BadInput.rejects(() -> o.withWindow(-1), null, "window", "-1");
        BadInput.rejects(() -> o.withScale(Double.NaN), null, "scale", "NaN");
        BadInput.rejects(() -> o.withSoftCap(0), null, "softCap", "0");
        BadInput.rejects(() -> o.withScale(1e30).withSoftCap(1e-30), null, "scale / softCap", "scale = 1.0E30", "softCap = 1.0E-30");
        BadInput.rejects(() -> o.withSoftCap(1e30).withScale(1e-30), null, "scale / softCap", "scale = 1.0E-30", "softCap = 1.0E30");
        BadInput.rejects(() -> o.withValueDim(0), null, "valueDim", "0");
        BadInput.rejects(() -> o.withScheme(AlibiBias.of(3)), null, "3 heads", "heads = 4");
        BadInput.rejects(() -> o.withScheme(T5RelativeBias.of(T5Buckets.of(true), 2, new float[64], 0)), null, "2 heads");
        BadInput.rejects(() -> o.withScheme(AttentionSinks.of(new float[3], 0, 3)), null, "3 heads", "heads = 4");
        BadInput.rejects(() -> o.withScheme(StreamingWindow.of(4, 8)), null, "causal", "false");
        BadInput.rejects(() -> o.withCausal(CausalMask.TOP_LEFT).withWindow(5).withScheme(StreamingWindow.of(4, 8)), null,
                "window = 5");
        BadInput.rejects(() -> o.withScheme(ChunkedAttention.of(16)), null, "causal");
        BadInput.rejects(() -> o.withScheme(KerpleBias.of(new float[] {1f}, new float[] {1f})), null, "1 heads", "heads = 4");
        BadInput.rejects(() -> o.withScheme(FireBias.of(0.1, 512, 0, new float[1], new float[1], new float[1], new float[1])),
                null, "1 heads", "heads = 4");
        BadInput.rejects(() -> o.withScheme(DebertaPositions.of(4, 4, 0, 3, new float[96], 0, new float[96], 0)), null,
                "headDim = 4", "headDim = 8");
        BadInput.rejects(() -> a.attend(o, 0, 5, null, null, q, 0, k, 0, v, 0, out, 0, w), out, "queries", "0");
        BadInput.rejects(() -> a.attend(o, 3, -1, null, null, q, 0, k, 0, v, 0, out, 0, w), out, "keys", "-1");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, null, q, 1, k, 0, v, 0, out, 0, w), out, "q", "97", "96");
        BadInput.rejects(() -> a.attend(o, 3, 6, null, null, q, 0, k, 0, v, 0, out, 0, w), out, "k", "96", "80");
        BadInput.rejects(() -> a.attend(o.withValueDim(9), 3, 5, null, null, q, 0, k, 0, v, 0, out, 0, w), out, "v", "90", "80");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, null, q, 0, k, 0, v, 0, out, 2, w), out, "out", "98", "96");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, null, q, 0, k, 0, v, 0, q, 0, w), q, "overlaps", "q");
        BadInput.rejects(() -> a.attend(o, 3, 5, Positions.of(1, 2), null, q, 0, k, 0, v, 0, out, 0, w), out,
                "queryPositions.count()", "2", "3");
        BadInput.rejects(() -> a.attend(o, 3, 5, Positions.of(1, 2, 5), null, q, 0, k, 0, v, 0, out, 0, w), out,
                "position 5", "keys = 5");
        BadInput.rejects(() -> a.attend(o, 3, 5, Positions.of(1, -2, 3), null, q, 0, k, 0, v, 0, out, 0, w), out,
                "position -2");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, DenseBias.mask(new boolean[12], 0, 1, 3, 4), q, 0, k, 0, v, 0,
                out, 0, w), out, "dense", "3 × 4", "keys = 5");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, DenseBias.mask(new boolean[30], 0, 2, 3, 5), q, 0, k, 0, v, 0,
                out, 0, w), out, "dense", "heads", "2");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, null, q, 0, k, 0, v, 0, out, 0, (AttentionWorkspace) null), out,
                "workspace");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, null, q, 0, k, 0, v, 0, out, 0, Runnable::run), out,
                "workspaces.length", "0");
        BadInput.rejects(() -> a.attend(o, 3, 5, null, null, q, 0, k, 0, v, 0, out, 0, Runnable::run, w, w), out,
                "same object");
        BadInput.rejects(() -> a.attend(o, 70_000_000, 5, null, null, q, 0, k, 0, v, 0, out, 0, w), out, "overflows");
        // The view forms: the views' own checks, then their shapes against the options.
        Tokens qt = Tokens.of(q, 3, 4, 8);
        Tokens kt = Tokens.of(k, 5, 2, 8);
        Tokens vt = Tokens.of(v, 5, 2, 8);
        Tokens outt = Tokens.of(out, 3, 4, 8);
        BadInput.rejects(() -> Tokens.of(q, 1, 3, 4, 8), null, "array", "97", "96");
        BadInput.rejects(() -> Tokens.of(q, 0, 4, 8), null, "tokens", "0");
        BadInput.rejects(() -> qt.rows(2, 2), null, "count", "2");
        BadInput.rejects(() -> a.attend(o, null, kt, vt, outt, w), out, "q", "null");
        BadInput.rejects(() -> a.attend(o, qt, Tokens.of(k, 5, 4, 4), vt, outt, w), out, "k", "[5 × 4 × 4]", "kvHeads = 2");
        BadInput.rejects(() -> a.attend(o, qt, kt, Tokens.of(v, 4, 2, 8), outt, w), out, "v has 4 tokens", "k has 5");
        BadInput.rejects(() -> a.attend(o, qt, kt, vt, Tokens.of(out, 2, 4, 8), w), out, "out has 2 tokens", "q has 3");
        BadInput.rejects(() -> a.attend(o.withValueDim(4), qt, kt, vt, outt, w), out, "v", "valueDim = 4");
        BadInput.rejects(() -> a.attend(o, qt, kt, vt, qt, w), q, "overlaps", "q");
        BadInput.rejects(() -> a.attend(o, Positions.of(1, 2), null, qt, kt, vt, outt, w), out, "queryPositions.count()");
        BadInput.rejects(() -> a.attend(o, null, null, qt, kt, vt, outt, Runnable::run, w, w), out, "same object");
        // Over a KvCache: DeBERTa's position-to-content term reads key rows the cache form does not hand over.
        KvCache cache = KvCache.onHeap(KvCacheSpec.of(8, 2, 8, KvPrecision.F32));
        cache.append(kt, vt);
        AttentionOptions deberta = o.withScheme(DebertaPositions.of(4, 8, 0, 3, new float[4 * 2 * 3 * 8], 0,
                new float[4 * 2 * 3 * 8], 0));
        BadInput.rejects(() -> a.attend(deberta, qt, cache, outt, w), out, "DebertaPositions", "KvCache");
        // A ring that has overwritten StreamingLLM's first tokens: they stay visible to the query, so it is rejected.
        KvCache ring = KvCache.onHeap(KvCacheSpec.of(4, 2, 8, KvPrecision.F32).asRing());
        ring.append(kt.rows(0, 3), vt.rows(0, 3));
        ring.append(kt.rows(3, 2), vt.rows(3, 2));
        AttentionOptions streaming = o.withCausal(CausalMask.BOTTOM_RIGHT).withScheme(StreamingWindow.of(1, 2));
        BadInput.rejects(() -> a.attend(streaming, qt, ring, outt, w), out, "ring cache holds positions [1, 5)");
    }
}
