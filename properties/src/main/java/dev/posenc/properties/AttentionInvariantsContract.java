package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.attention.Tokens;
import dev.posenc.bias.DenseBias;
import dev.posenc.properties.AttentionCase.SchemeKind;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mathematical invariants of attention, checked on the implementation under test: probabilities sum
 * to 1; causality; permutation equivariance without positions; shift equivariance with relative
 * schemes and with RoPE; GQA as MHA over repeated kv heads; step-by-step decode as prefill; every tile
 * size. Causality is bit-identical (a row's result may not depend on keys it cannot see); the others
 * compare with the exact result of the original call within {@link AttentionOracle}'s bound, since an
 * implementation may sum in another order when it groups heads, rows or keys differently (the
 * library's decode kernel does).
 */
@ExtendWith(ShortStackTraces.class)
public abstract class AttentionInvariantsContract {
    /** Schemes of relative positions only (FIRE when every position is within its threshold; sinks have none). */
    private static final SchemeKind[] RELATIVE = {SchemeKind.ALIBI, SchemeKind.ALIBI_SYMMETRIC, SchemeKind.T5_BIDIRECTIONAL,
            SchemeKind.T5_CAUSAL, SchemeKind.SHAW, SchemeKind.SHAW_KEYS_ONLY, SchemeKind.XL, SchemeKind.DEBERTA,
            SchemeKind.KERPLE, SchemeKind.FIRE_WITHIN, SchemeKind.SINKS};
    private static final SchemeKind[] WITHOUT_VALUE_TERMS = {SchemeKind.NONE, SchemeKind.ALIBI, SchemeKind.ALIBI_SYMMETRIC,
            SchemeKind.T5_BIDIRECTIONAL, SchemeKind.T5_CAUSAL, SchemeKind.XL, SchemeKind.SINKS, SchemeKind.STREAMING,
            SchemeKind.CHUNKED, SchemeKind.TEMPERATURE, SchemeKind.DEBERTA, SchemeKind.KERPLE, SchemeKind.FIRE,
            SchemeKind.FIRE_WITHIN};

    /** The implementation under test. */
    protected abstract AttentionKernel kernel();

    private float[] run(AttentionCase.Inputs in) {
        return AttentionContract.run(kernel(), in, in.workspace());
    }

    /** With one-hot values ({@code v_j = e_j}) the output row is the probability row: it sums to 1 (less a sink's share). */
    @Test
    public void probabilitiesSumToOne() {
        qt(100).forAll(AttentionCase.shapes(30, 120, 40), AttentionCase.maskings(), AttentionCase.schemes(WITHOUT_VALUE_TERMS),
                AttentionCase.data(FloatKind.NORMAL, FloatKind.WIDE)).checkAssert((s, m, sc, d) -> {
                    AttentionCase.Inputs in = oneHotValues(new AttentionCase(s, m, sc, d).build());
                    float[] out = run(in);
                    AttentionOracle oracle = AttentionOracle.of(in);
                    oracle.assertFloatClose("one-hot values", out, in.offset());
                    int keys = in.keys();
                    for (int r = 0; r < in.queries() * in.options().heads(); r++) {
                        double sum = 0;
                        boolean anyVisible = false;
                        for (int j = 0; j < keys; j++) {
                            float p = out[in.offset() + r * keys + j];
                            assertTrue(p >= 0, "probability " + p);
                            sum += p;
                            anyVisible |= AttentionOracle.visible(in, r % in.options().heads(), r / in.options().heads(), j);
                        }
                        // Each p_j is within rowBound·p_j of exact (checked above), so the sum is within rowBound of 1
                        // (of 1 less the sink's share with sinks).
                        double expected = anyVisible ? 1 - oracle.sinkShare(r) : 0;
                        double slack = oracle.rowBound(r) + keys * (double) Float.MIN_NORMAL;
                        assertTrue(Math.abs(sum - expected) <= slack, "row " + r + " sums to " + sum + ", not " + expected);
                    }
                });
    }

    private static AttentionCase.Inputs oneHotValues(AttentionCase.Inputs in) {
        int keys = in.keys();
        int kv = in.options().kvHeads();
        float[] v = Arrays2.sentinels(in.offset() + keys * kv * keys + MatrixCase.SLACK);
        for (int j = 0; j < keys; j++) {
            for (int g = 0; g < kv; g++) {
                for (int c = 0; c < keys; c++) {
                    v[in.offset() + (j * kv + g) * keys + c] = c == j ? 1f : 0f;
                }
            }
        }
        return new AttentionCase.Inputs(in.options().withValueDim(keys), in.queries(), keys, in.positions(), in.dense(),
                in.q(), in.k(), v, in.offset(), in.keyTile());
    }

    /** Changing the keys and values after a query's position leaves its output bit-identical. */
    @Test
    public void causality() {
        qt(100).forAll(AttentionCase.cases(40, 150, 40, FloatKind.NORMAL), integers().all()).checkAssert((c, pick) -> {
            AttentionCase.Inputs in = c.build();
            if (in.options().causal() == CausalMask.NONE) {
                return;
            }
            int row = Math.floorMod(pick, in.queries());
            int position = in.position(row);
            float[] before = run(in);
            float[] k = in.k().clone();
            float[] v = in.v().clone();
            SplittableRandom random = new SplittableRandom(pick);
            AttentionOptions o = in.options();
            for (int j = Math.max(0, position + 1); j < in.keys(); j++) {
                for (int e = 0; e < o.kvHeads() * o.headDim(); e++) {
                    k[in.offset() + j * o.kvHeads() * o.headDim() + e] = (float) random.nextGaussian();
                }
                for (int e = 0; e < o.kvHeads() * o.valueDim(); e++) {
                    v[in.offset() + j * o.kvHeads() * o.valueDim() + e] = (float) random.nextGaussian();
                }
            }
            float[] after = run(new AttentionCase.Inputs(o, in.queries(), in.keys(), in.positions(), in.dense(), in.q(), k, v,
                    in.offset(), in.keyTile()));
            int width = o.heads() * o.valueDim();
            int from = in.offset() + row * width;
            assertArrayEquals(java.util.Arrays.copyOfRange(before, from, from + width),
                    java.util.Arrays.copyOfRange(after, from, from + width), "row " + row + " at position " + position);
        });
    }

    /** Without positions (no scheme, mask or window), permuting keys with their values changes nothing. */
    @Test
    public void permutingKeysChangesNothingWithoutPositions() {
        qt(80).forAll(AttentionCase.shapes(30, 150, 48), AttentionCase.data(FloatKind.NORMAL, FloatKind.WIDE), integers().all())
                .checkAssert((s, d, seed) -> {
                    AttentionCase.Inputs in = new AttentionCase(s, new AttentionCase.Masking(CausalMask.NONE, -1,
                            AttentionCase.DenseKind.NONE, false, 0), new AttentionCase.Scheme(SchemeKind.NONE, 0, 0, 0), d).build();
                    int[] order = permutation(in.keys(), seed);
                    AttentionOptions o = in.options();
                    AttentionCase.Inputs permuted = new AttentionCase.Inputs(o, in.queries(), in.keys(), null, null, in.q(),
                            permuteRows(in.k(), in.offset(), order, o.kvHeads() * o.headDim()),
                            permuteRows(in.v(), in.offset(), order, o.kvHeads() * o.valueDim()), in.offset(), in.keyTile());
                    AttentionOracle.of(in).assertFloatClose("keys permuted", run(permuted), in.offset());
                });
    }

    /** With only a relative scheme, moving every query and key by t changes nothing. */
    @Test
    public void relativeSchemesAreShiftEquivariant() {
        qt(80).forAll(AttentionCase.shapes(24, 100, 32), AttentionCase.schemes(RELATIVE), AttentionCase.data(FloatKind.NORMAL),
                integers().all()).checkAssert((s, sc, d, seed) -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    int t = 1 + random.nextInt(300);
                    CausalMask causal = CausalMask.values()[random.nextInt(3)];
                    int window = random.nextInt(3) == 0 ? random.nextInt(30) : -1;
                    AttentionCase.Inputs in = new AttentionCase(s, new AttentionCase.Masking(causal, window,
                            AttentionCase.DenseKind.NONE, true, seed), sc, d).build();
                    AttentionOptions o = in.options();
                    int keys = in.keys() + t;
                    int[] moved = new int[in.queries()];
                    for (int i = 0; i < moved.length; i++) {
                        moved[i] = in.position(i) + t;
                    }
                    boolean[] allowed = new boolean[in.queries() * keys];
                    for (int i = 0; i < in.queries(); i++) {
                        java.util.Arrays.fill(allowed, i * keys + t, (i + 1) * keys, true);
                    }
                    AttentionCase.Inputs shifted = new AttentionCase.Inputs(o, in.queries(), keys, Positions.of(moved),
                            DenseBias.mask(allowed, 0, 1, in.queries(), keys), in.q(),
                            prependRows(in.k(), in.offset(), t, o.kvHeads() * o.headDim(), random),
                            prependRows(in.v(), in.offset(), t, o.kvHeads() * o.valueDim(), random), in.offset(), in.keyTile());
                    AttentionOracle.of(in).assertFloatClose("shifted by " + t, run(shifted), in.offset());
                });
    }

    /** RoPE'd queries and keys give attention that depends on relative positions only. */
    @Test
    public void ropeThenAttentionDependsOnlyOnRelativePositions() {
        qt(60).forAll(AttentionCase.shapes(24, 80, 32), AttentionCase.data(FloatKind.NORMAL), integers().between(1, 100_000))
                .checkAssert((s, d, t) -> {
                    AttentionCase.Shape even = new AttentionCase.Shape(s.kvHeads(), s.group(), 2 * Math.max(1, s.headDim() / 2),
                            s.valueDim(), s.queries(), s.keys());
                    AttentionCase.Inputs in = new AttentionCase(even, new AttentionCase.Masking(CausalMask.BOTTOM_RIGHT, -1,
                            AttentionCase.DenseKind.NONE, false, 0), new AttentionCase.Scheme(SchemeKind.NONE, 0, 0, 0), d).build();
                    AttentionCase.Inputs atZero = rotated(in, 0);
                    AttentionCase.Inputs atT = rotated(in, t);
                    // Rotating at p + t instead of p rounds q and k differently (≤ 2u relative per element):
                    // within a tripled logit bound.
                    AttentionOracle.of(atZero).assertFloatClose("RoPE at +" + t, run(atT), in.offset(), 3);
                });
    }

    /**
     * q and k rotated as HF Llama (half-split pairs, base 10000, the library's scalar reference RoPE) with
     * every position shifted by {@code queries + t} (so that none is negative; RoPE takes positions ≥ 0).
     */
    private static AttentionCase.Inputs rotated(AttentionCase.Inputs in, int t) {
        AttentionOptions o = in.options();
        int shift = in.queries() + t;
        return new AttentionCase.Inputs(o, in.queries(), in.keys(), null, null,
                rope(in.q(), in.offset(), in.queries(), o.heads(), o.headDim(), in.keys() - in.queries() + shift),
                rope(in.k(), in.offset(), in.keys(), o.kvHeads(), o.headDim(), shift), in.v(), in.offset(), in.keyTile());
    }

    private static float[] rope(float[] x, int offset, int rows, int heads, int d, int first) {
        float[] y = x.clone();
        Kernels.reference().rope().rotate(RotaryEmbedding.of(d, 10_000, RopeLayout.HALF_SPLIT),
                Positions.range(first, rows), heads, y, offset);
        return y;
    }

    /** Grouped-query attention is multi-head attention over kv heads repeated {@code group} times. */
    @Test
    public void groupedQueryIsMultiHeadOverRepeatedKv() {
        qt(80).forAll(AttentionCase.cases(30, 120, 40, FloatKind.NORMAL)).checkAssert(c -> {
            AttentionCase.Inputs in = c.build();
            AttentionOptions o = in.options();
            if (o.group() == 1) {
                return;
            }
            AttentionOptions mha = AttentionOptions.of(o.heads(), o.headDim()).withValueDim(o.valueDim()).withScale(o.scale())
                    .withCausal(o.causal()).withScheme(o.scheme());
            mha = o.hasWindow() ? mha.withWindow(o.window()) : mha;
            mha = o.softCap() > 0 ? mha.withSoftCap(o.softCap()) : mha;
            AttentionCase.Inputs repeated = new AttentionCase.Inputs(mha, in.queries(), in.keys(), in.positions(), in.dense(),
                    in.q(), repeat(in.k(), in.offset(), in.keys(), o.kvHeads(), o.group(), o.headDim()),
                    repeat(in.v(), in.offset(), in.keys(), o.kvHeads(), o.group(), o.valueDim()), in.offset(), in.keyTile());
            AttentionOracle.of(in).assertFloatClose("MHA over repeated kv heads, " + c, run(repeated), in.offset());
        });
    }

    /** Decoding one token at a time over a growing KV cache (bottom-right) gives causal prefill's rows. */
    @Test
    public void stepByStepDecodeEqualsPrefill() {
        qt(40).forAll(AttentionCase.shapes(1, 100, 40), AttentionCase.schemes(SchemeKind.values()),
                AttentionCase.data(FloatKind.NORMAL), integers().between(-1, 20)).checkAssert((s, sc, d, window) -> {
                    int n = s.keys();
                    AttentionCase.Shape square = new AttentionCase.Shape(s.kvHeads(), s.group(), s.headDim(), s.valueDim(), n, n);
                    AttentionCase.Inputs in = new AttentionCase(square, new AttentionCase.Masking(CausalMask.BOTTOM_RIGHT,
                            window, AttentionCase.DenseKind.NONE, false, 0), sc, d).build();
                    AttentionOptions o = in.options();
                    float[] decoded = in.output();
                    AttentionWorkspace workspace = in.workspace();
                    Tokens q = in.queryTokens();
                    Tokens out = in.outputTokens(decoded);
                    for (int t = 0; t < n; t++) {
                        kernel().attend(o, q.rows(t, 1), in.keyTokens().rows(0, t + 1), in.valueTokens().rows(0, t + 1),
                                out.rows(t, 1), workspace);
                    }
                    AttentionOracle.of(in).assertFloatClose("decoded step by step", decoded, in.offset());
                });
    }

    /** The result does not depend on the streaming tile size beyond the bound, for every size 1 … 70. */
    @Test
    public void everyTileSizeMeetsTheBound() {
        qt(4).forAll(AttentionCase.cases(40, 200, 40, FloatKind.NORMAL, FloatKind.WIDE)).checkAssert(c -> {
            AttentionCase.Inputs in = c.build();
            AttentionOracle oracle = AttentionOracle.of(in);
            for (int tile = 1; tile <= 70; tile++) {
                float[] out = in.output();
                kernel().attend(in.options(), in.queries(), in.keys(), in.positions(), in.dense(), in.q(), in.offset(), in.k(),
                        in.offset(), in.v(), in.offset(), out, in.offset(), new AttentionWorkspace(tile));
                oracle.assertFloatClose("tile " + tile + ", " + c, out, in.offset());
            }
        });
    }

    private static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static float[] permuteRows(float[] x, int offset, int[] order, int width) {
        float[] y = x.clone();
        for (int r = 0; r < order.length; r++) {
            System.arraycopy(x, offset + order[r] * width, y, offset + r * width, width);
        }
        return y;
    }

    private static float[] prependRows(float[] x, int offset, int count, int width, SplittableRandom random) {
        float[] y = new float[x.length + count * width];
        System.arraycopy(x, 0, y, 0, offset);
        for (int e = 0; e < count * width; e++) {
            y[offset + e] = (float) random.nextGaussian();
        }
        System.arraycopy(x, offset, y, offset + count * width, x.length - offset);
        return y;
    }

    private static float[] repeat(float[] x, int offset, int rows, int kvHeads, int group, int width) {
        float[] y = Arrays2.sentinels(offset + rows * kvHeads * group * width + MatrixCase.SLACK);
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < kvHeads * group; h++) {
                System.arraycopy(x, offset + (r * kvHeads + h / group) * width, y, offset + (r * kvHeads * group + h) * width, width);
            }
        }
        return y;
    }
}
