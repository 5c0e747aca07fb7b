package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.properties.RopeCases.Batch;
import dev.posenc.rope.LayoutPermutation;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RopeScaling;
import dev.posenc.rope.RotaryEmbedding;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * The RoPE suite: agreement with the reference for every layout, schedule and rotary dimension, the
 * invariants of rotations (relative-shift invariance, identity at 0, composition, inverse, norms, the
 * layout permutation), untouched pass-through dims, the conformance data, special values and bad input.
 * Subclass it and return your implementation from {@link #kernel()}.
 *
 * <p>Error bound (u = 2⁻²⁴). Every output of a pair {@code (a, b)} rotated by the double angle
 * {@code θ̂ = fl(p·inv_freq)} with scale {@code k} (af, 1/af or 1) may differ from the exact
 * {@code k·(a·cos θ̂ − b·sin θ̂)} by at most {@code I·k·(|a| + |b|)}, {@code I = 7.5u}: a vector kernel
 * that rounds the reduced angle to float (|θ| ≤ π: 2u) and evaluates a float cosine and sine within
 * 1.5 ulp (1.5u) — the library's reduces to |r| ≤ π/4 (0.5u) and its polynomials err by 1.25u —, rounds k
 * to float (u) and multiplies by it (u), then forms {@code a·c − b·s} (two roundings, 2u): 7.5u in all
 * (from a cache 3u). The reference rounds once (u). So implementation and reference agree
 * within {@code (I + u)·k·(|a| + |b|)}. Against the exact angle {@code p·inv_freq}, {@code θ̂} adds
 * {@code η(p) = 2⁻⁵³·|p|·max inv_freq} to I: the only term that grows with the position (1.2e−7 at 2³⁰).
 * Outputs in the subnormal range may add {@code 4·2⁻¹⁴⁹} absolute.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class RopeContract {
    private static final double U = 0x1p-24;
    /** Any implementation against the exact rotation by the double angle, per unit of {@code k·(|a| + |b|)}. */
    protected static final double IMPLEMENTATION = 7.5 * U;
    /** Implementation against the reference. */
    protected static final double AGREEMENT = IMPLEMENTATION + U;
    private static final double UNDERFLOW = Rotations.UNDERFLOW;

    /** The implementation under test. */
    protected abstract RopeKernel kernel();

    /** What {@link #kernel()} must agree with; the library's scalar reference by default. */
    protected RopeKernel reference() {
        return Kernels.reference().rope();
    }

    // ---------------------------------------------------------------- agreement with the reference

    @Test
    public void rotateAgreesWithTheReference() {
        qt(200).forAll(RopeCases.embeddings(), RopeCases.batches(RopeCases.MAX_POSITION)).checkAssert((e, b) -> {
            RopeFrequencies f = e.frequencies(b.positionsObject());
            agree(e, b, f.attentionFactor(), (k, x, xo, out, oo) -> k.rotate(e, b.positionsObject(), b.heads(), x, xo, out, oo));
        });
    }

    @Test
    public void rotateWithACacheAgreesWithTheReference() {
        qt(150).forAll(RopeCases.embeddings(), RopeCases.batches(RopeCases.MAX_POSITION, 3000)).checkAssert((e, b) -> {
            // Each side rotates with a cache of its own: an implementation owns its cache's layout.
            Positions p = b.positionsObject();
            agree(e, b, e.frequencies(p.max() + 1).attentionFactor(),
                    (k, x, xo, out, oo) -> k.rotate(k.cache(e, p.min(), p.max() - p.min() + 1), p, b.heads(), x, xo, out, oo));
        });
    }

    @Test
    public void unrotateAgreesWithTheReference() {
        qt(100).forAll(RopeCases.embeddings(), RopeCases.batches(RopeCases.MAX_POSITION)).checkAssert((e, b) -> {
            RopeFrequencies f = e.frequencies(b.positionsObject());
            agree(e, b, 1 / f.attentionFactor(),
                    (k, x, xo, out, oo) -> k.unrotate(e, b.positionsObject(), b.heads(), x, xo, out, oo));
        });
    }

    @Test
    public void shiftAgreesWithTheReference() {
        qt(100).forAll(RopeCases.embeddings(), RopeCases.batches(RopeCases.MAX_POSITION),
                integers().between(-RopeCases.MAX_POSITION, RopeCases.MAX_POSITION)).checkAssert((e, b, delta) ->
                agree(e, b, 1, (k, x, xo, out, oo) -> k.shift(e, delta, b.rows(), b.heads(), x, xo, out, oo)));
    }

    @Test
    public void anglesBeyondTwoToThe31AreStillExact() {
        // Frequencies above 1 (linear factor < 1) at positions near 2^31: θ up to 8.6e9 rad.
        RotaryEmbedding e = RotaryEmbedding.of(64, 10_000, RopeLayout.INTERLEAVED)
                .withScaling(new RopeScaling.Linear(0.25), 0);
        int[] positions = {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1 << 30, 3};
        Batch b = new Batch(4, 3, 0, positions, 5, 2, false, new FloatFill(FloatKind.NORMAL, 11));
        agree(e, b, 1, (k, x, xo, out, oo) -> k.rotate(e, b.positionsObject(), b.heads(), x, xo, out, oo));
    }

    /**
     * Every base and every schedule parameter from the smallest double to the largest either makes building
     * the embedding an {@link IllegalArgumentException} naming it, or gives finite rotations of finite rows
     * that agree with the reference ({@link #AGREEMENT}) at every position up to {@link Integer#MAX_VALUE},
     * with {@code rotate}, {@code unrotate} and {@code shift} by any int. (A linear factor of 1e−300 makes
     * {@code inv_freq} 1e300: the angle at 2³⁰ overflows to ∞ and its sine is NaN, so it must be rejected.)
     */
    @Test
    public void everyAcceptedScheduleRotatesFinitely() {
        Gen<Double> values = integers().between(0, 8).map(i -> new double[] {Double.MIN_VALUE, 1e-300, 1e-30, 0.25, 1.5, 8,
                1e30, 1e300, Double.MAX_VALUE}[i]);
        Gen<Double> bases = integers().between(0, 6).map(i -> new double[] {1 + 1e-15, 1.5, 1e4, 5e5, 1e30, 1e300,
                Double.MAX_VALUE}[i]);
        record Shape(int schedule, int pairs) {}
        Gen<Shape> shapes = integers().between(0, 5).zip(integers().between(1, 36), Shape::new);
        qt(150).forAll(bases, values, shapes, longs().all()).checkAssert((base, v, shape, seed) -> {
                    int kind = shape.schedule();
                    int half = shape.pairs();
                    RopeLayout layout = RopeLayout.values()[(int) (seed & 1)];
                    RotaryEmbedding e;
                    try {
                        RopeScaling scaling = switch (kind) {
                            case 0 -> new RopeScaling.Default();
                            case 1 -> new RopeScaling.Linear(v);
                            case 2 -> new RopeScaling.Dynamic(v);
                            case 3 -> RopeScaling.Yarn.of(v, 4096);
                            case 4 -> new RopeScaling.Llama3(v, 1, 4, 8192);
                            default -> new RopeScaling.LongRope(java.util.Collections.nCopies(half, v),
                                    java.util.Collections.nCopies(half, v), 0, 0, 4096);
                        };
                        e = RotaryEmbedding.of(2 * half + 3, 2 * half, base, layout).withScaling(scaling, 8192);
                    } catch (IllegalArgumentException rejected) {
                        String m = rejected.getMessage();
                        assertTrue(m.contains("factor") || m.contains("rope_theta") || m.contains("rotaryDim"),
                                () -> "the message does not name the parameter: " + m);
                        return;
                    }
                    int[] positions = {0, 1, 8191, 8192, 1 << 30, Integer.MAX_VALUE};
                    Batch b = new Batch(positions.length, 2, 0, positions, 1, 2, false, new FloatFill(FloatKind.NORMAL, seed));
                    double af = e.frequencies(b.positionsObject()).attentionFactor();
                    agree(e, b, af, (k, x, xo, out, oo) -> k.rotate(e, b.positionsObject(), b.heads(), x, xo, out, oo));
                    agree(e, b, 1 / af, (k, x, xo, out, oo) -> k.unrotate(e, b.positionsObject(), b.heads(), x, xo, out, oo));
                    int delta = new int[] {Integer.MIN_VALUE, -1, Integer.MAX_VALUE}[(int) Math.floorMod(seed >> 1, 3)];
                    agree(e, b, 1, (k, x, xo, out, oo) -> k.shift(e, delta, b.rows(), b.heads(), x, xo, out, oo));
                });
    }

    /** Runs {@code call} on the kernel and the reference and checks the outputs against each other. */
    private void agree(RotaryEmbedding e, Batch b, double k, Call call) {
        int d = e.headDim();
        float[] x = b.input(d);
        float[] expected = b.output(d);
        call.run(reference(), x, b.xOffset(), expected, b.outOffset());
        float[] actual;
        if (b.inPlace()) {
            actual = x.clone();
            call.run(kernel(), actual, b.xOffset(), actual, b.xOffset());
        } else {
            actual = b.output(d);
            call.run(kernel(), x, b.xOffset(), actual, b.outOffset());
        }
        Arrays2.assertUntouchedOutside(actual, b.resultOffset(), b.size(d), "out");
        assertRotation(e, b.rows() * b.heads(), x, b.xOffset(), actual, b.resultOffset(), expected, b.outOffset(),
                (a, bb) -> AGREEMENT * k * (Math.abs(a) + Math.abs(bb)), () -> e + " " + b);
    }

    /** One kernel call, on the given arrays. */
    @FunctionalInterface
    private interface Call {
        void run(RopeKernel kernel, float[] x, int xOffset, float[] out, int outOffset);
    }

    /**
     * Checks {@code heads} heads: rotary dims within {@code bound} (plus underflow) of {@code expected},
     * pass-through dims equal to {@code x} bit for bit.
     */
    private static void assertRotation(RotaryEmbedding e, int heads, float[] x, int xOffset, float[] actual, int offset,
                                       float[] expected, int expectedOffset, Rotations.PairBound bound,
                                       java.util.function.Supplier<String> what) {
        Rotations.assertRotation(e.headDim(), e.rotaryDim(), e.layout(), heads, x, xOffset, actual, offset, expected,
                expectedOffset, null, bound, what);
    }

    @Test
    public void inPlaceEqualsOutOfPlace() {
        qt(100).forAll(RopeCases.embeddings(), RopeCases.batches(RopeCases.MAX_POSITION)).checkAssert((e, b) -> {
            int d = e.headDim();
            float[] x = b.input(d);
            float[] out = b.output(d);
            kernel().rotate(e, b.positionsObject(), b.heads(), x, b.xOffset(), out, b.outOffset());
            kernel().rotate(e, b.positionsObject(), b.heads(), x, b.xOffset());
            for (int j = 0; j < b.size(d); j++) {
                assertEquals(Float.floatToIntBits(out[b.outOffset() + j]), Float.floatToIntBits(x[b.xOffset() + j]),
                        () -> "in place differs from out of place for " + e + " " + b);
            }
        });
    }

    @Test
    public void isAsAccurateAtPosition1e6AsAt10() {
        // Against the rotation by the exact angle p·inv_freq (a double-double product; cos(hi + lo) =
        // cos hi − lo·sin hi to 2⁻⁴⁵), the README tolerance 1e−6·af·max(1, max|x|) holds at every position:
        // HF's float32 angles miss it from p ≈ 10³ on (4e−3 at 10⁵).
        for (RopeLayout layout : RopeLayout.values()) {
            RotaryEmbedding e = RotaryEmbedding.of(128, 500_000, layout);
            for (int p : new int[] {10, 1000, 100_000, 1_000_000, (1 << 24) + 1, Integer.MAX_VALUE}) {
                float[] x = new FloatFill(FloatKind.NORMAL, p).array(0, 4 * 128, 0);
                float[] y = new float[x.length];
                kernel().rotate(e, Positions.range(p, 1), 4, x, 0, y, 0);
                float[] cached = x.clone();
                kernel().rotate(kernel().cache(e, p, 1), Positions.range(p, 1), 4, cached, 0);
                double[] exact = exactRotation(e, p, x, 4);
                Approx.Bound bound = Approx.Bound.of(1e-6 * Math.max(1, maxAbs(x)), 0);
                Approx.assertClose(layout + " at position " + p, y, 0, exact, bound);
                Approx.assertClose(layout + " with a cache at position " + p, cached, 0, exact, bound);
            }
        }
    }

    /** {@code af·R(p·inv_freq)·x} with the exact angle, in double. */
    private static double[] exactRotation(RotaryEmbedding e, int p, float[] x, int heads) {
        RopeFrequencies f = e.frequencies(Positions.range(p, 1));
        double[] y = Arrays2.widen(x, 0, x.length);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < f.pairs(); i++) {
                double hi = p * f.invFreq(i);
                double lo = Math.fma(p, f.invFreq(i), -hi);
                double c = (Math.cos(hi) - lo * Math.sin(hi)) * f.attentionFactor();
                double s = (Math.sin(hi) + lo * Math.cos(hi)) * f.attentionFactor();
                int a = h * e.headDim() + e.layout().first(i, e.rotaryDim());
                int b = h * e.headDim() + e.layout().second(i, e.rotaryDim());
                y[a] = x[a] * c - x[b] * s;
                y[b] = x[b] * c + x[a] * s;
            }
        }
        return y;
    }

    // ---------------------------------------------------------------- invariants

    @Test
    public void dotProductsDependOnlyOnTheRelativePosition() {
        // <R(m)q, R(n)k> = <R(m+t)q, R(n+t)k> exactly for the double frequencies; each side is within
        // Σ_j (|k'_j| + δk_j)·δq_j + |q'_j|·δk_j (+ n·2⁻⁵³·Σ|q'_j k'_j| for the double sum) of it, with
        // δ_j = af·(|a|+|b|)·(I + η(p)) per rotated dim (0 for pass-through dims): the bound of the two sides
        // added. η grows with t (2⁻⁵³·t·max inv_freq), so the bound holds at t up to 2³⁰.
        qt(150).forAll(RopeCases.embeddings(e -> !RopeCases.lengthDependent(e)),
                integers().between(0, RopeCases.MAX_POSITION), integers().between(0, RopeCases.MAX_POSITION),
                integers().between(0, (1 << 30) - RopeCases.MAX_POSITION)).checkAssert((e, m, n, t) -> {
            float[] q = new FloatFill(FloatKind.NORMAL, (long) m * 31 + n).array(0, e.headDim(), 0);
            float[] k = new FloatFill(FloatKind.NORMAL, (long) n * 17 + t).array(0, e.headDim(), 0);
            double near = dot(e, q, m, k, n);
            double far = dot(e, q, m + t, k, n + t);
            double allowed = dotBound(e, q, m, k, n) + dotBound(e, q, m + t, k, n + t);
            assertTrue(Math.abs(near - far) <= allowed, () -> "<R(" + m + ")q, R(" + n + ")k> = " + near + " but <R("
                    + (m + t) + ")q, R(" + (n + t) + ")k> = " + far + ": difference " + Math.abs(near - far) + " > bound "
                    + allowed + " for " + e);
        });
    }

    private double dot(RotaryEmbedding e, float[] q, int m, float[] k, int n) {
        return Rotations.dot(rotated(e, q, m), rotated(e, k, n));
    }

    private double dotBound(RotaryEmbedding e, float[] q, int m, float[] k, int n) {
        return Rotations.dotBound(rotated(e, q, m), elementBounds(e, q, m), rotated(e, k, n), elementBounds(e, k, n));
    }

    /** {@code δ_j}: the bound on rotated dim j's error against the exact rotation by {@code p·inv_freq}. */
    private static double[] elementBounds(RotaryEmbedding e, float[] x, int p) {
        RopeFrequencies f = e.frequencies(p + 1);
        double[] bounds = new double[e.headDim()];
        for (int i = 0; i < f.pairs(); i++) {
            int first = e.layout().first(i, e.rotaryDim());
            int second = e.layout().second(i, e.rotaryDim());
            double delta = f.attentionFactor() * (Math.abs(x[first]) + Math.abs(x[second])) * (IMPLEMENTATION + eta(f, p));
            bounds[first] = delta;
            bounds[second] = delta;
        }
        return bounds;
    }

    /** {@code η(p) = 2⁻⁵³·|p|·max inv_freq}: the error of the double angle. */
    private static double eta(RopeFrequencies f, long p) {
        double largest = 0;
        for (int i = 0; i < f.pairs(); i++) {
            largest = Math.max(largest, f.invFreq(i));
        }
        return 0x1p-53 * Math.abs(p) * largest;
    }

    private float[] rotated(RotaryEmbedding e, float[] x, int p) {
        float[] out = new float[x.length];
        kernel().rotate(e, Positions.range(p, 1), 1, x, 0, out, 0);
        return out;
    }

    @Test
    public void positionZeroIsTheIdentityWhenTheAttentionFactorIs1() {
        qt(100).forAll(RopeCases.embeddings(e -> e.frequencies().attentionFactor() == 1),
                RopeCases.batches(0)).checkAssert((e, b) -> {
            float[] x = b.input(e.headDim());
            float[] out = b.output(e.headDim());
            kernel().rotate(e, b.positionsObject(), b.heads(), x, b.xOffset(), out, b.outOffset());
            for (int j = 0; j < b.size(e.headDim()); j++) {
                // cos 0 = 1 and sin 0 = 0 exactly: y = a·1 − b·0 is a, up to the sign of a zero.
                assertEquals(x[b.xOffset() + j], out[b.outOffset() + j], 0f, () -> "R(0) changed an element of " + e + " " + b);
            }
        });
    }

    @Test
    public void rotationsCompose() {
        // shift(rotate(x, n), m) = rotate(x, n + m): per element af·(|a|+|b|)·(2(I+η_n) + √2(I+η_m) + I+η_{n+m})
        // (the first rotation's error is rotated once more, at most doubling per element; the shift acts on
        // values of size ≤ √2·af·(|a|+|b|)). Schedules whose frequencies follow the length are excluded.
        qt(100).forAll(RopeCases.embeddings(e -> !RopeCases.lengthDependent(e)),
                integers().between(0, RopeCases.MAX_POSITION), integers().between(-RopeCases.MAX_POSITION, RopeCases.MAX_POSITION),
                longs().all()).checkAssert((e, n, m, seed) -> {
            int target = Math.max(0, n + m);
            int delta = target - n;
            float[] x = new FloatFill(FloatKind.NORMAL, seed).array(0, 3 * e.headDim(), 0);
            float[] twice = new float[x.length];
            kernel().rotate(e, Positions.range(n, 1), 3, x, 0, twice, 0);
            kernel().shift(e, delta, 1, 3, twice, 0, twice, 0);
            float[] once = new float[x.length];
            kernel().rotate(e, Positions.range(target, 1), 3, x, 0, once, 0);
            RopeFrequencies f = e.frequencies();
            double af = f.attentionFactor();
            assertRotation(e, 3, x, 0, twice, 0, once, 0, (a, b) -> af * (Math.abs(a) + Math.abs(b))
                    * (2 * (IMPLEMENTATION + eta(f, n)) + Math.sqrt(2) * (IMPLEMENTATION + eta(f, delta))
                    + IMPLEMENTATION + eta(f, target)), () -> "R(" + delta + ")·R(" + n + ") vs R(" + target + ") for " + e);
        });
    }

    @Test
    public void unrotateInvertsRotate() {
        // y = rotate(x) errs by δ = af(|a|+|b|)(I+η); unrotating y (scale 1/af) adds its own error on values of
        // size ≤ √2·af(|a|+|b|) and rotates y's: ≤ (|a|+|b|)·(2 + √2)·(I + η) per element.
        qt(100).forAll(RopeCases.embeddings(), RopeCases.batches(RopeCases.MAX_POSITION)).checkAssert((e, b) -> {
            int d = e.headDim();
            float[] x = b.input(d);
            float[] y = b.output(d);
            kernel().rotate(e, b.positionsObject(), b.heads(), x, b.xOffset(), y, b.outOffset());
            kernel().unrotate(e, b.positionsObject(), b.heads(), y, b.outOffset(), y, b.outOffset());
            double eta = eta(e.frequencies(b.positionsObject()), b.maxAbsPosition());
            assertRotation(e, b.rows() * b.heads(), x, b.xOffset(), y, b.outOffset(), x, b.xOffset(),
                    (a, c) -> (Math.abs(a) + Math.abs(c)) * (2 + Math.sqrt(2)) * (IMPLEMENTATION + eta),
                    () -> "unrotate(rotate(x)) for " + e + " " + b);
        });
    }

    @Test
    public void pairNormsScaleByTheAttentionFactor() {
        // A rotation by any angle keeps the norm: only the magnitude errors count, ‖e‖₂ ≤ √2·af(|a|+|b|)·I.
        qt(100).forAll(RopeCases.embeddings(), RopeCases.batches(RopeCases.MAX_POSITION)).checkAssert((e, b) -> {
            int d = e.headDim();
            float[] x = b.input(d);
            float[] y = b.output(d);
            kernel().rotate(e, b.positionsObject(), b.heads(), x, b.xOffset(), y, b.outOffset());
            double af = e.frequencies(b.positionsObject()).attentionFactor();
            for (int h = 0; h < b.rows() * b.heads(); h++) {
                for (int i = 0; i < e.rotaryDim() / 2; i++) {
                    int first = h * d + e.layout().first(i, e.rotaryDim());
                    int second = h * d + e.layout().second(i, e.rotaryDim());
                    double xa = x[b.xOffset() + first];
                    double xb = x[b.xOffset() + second];
                    double before = af * Math.hypot(xa, xb);
                    double after = Math.hypot(y[b.outOffset() + first], y[b.outOffset() + second]);
                    double allowed = Math.sqrt(2) * af * (Math.abs(xa) + Math.abs(xb)) * IMPLEMENTATION + 4 * UNDERFLOW
                            + 0x1p-52 * before;
                    assertTrue(Math.abs(after - before) <= allowed, () -> "pair norm " + after + " vs af·" + before / af
                            + " for " + e + " " + b);
                }
            }
        });
    }

    @Test
    public void layoutPermutationCommutesWithRotation() {
        // rotate_HALF_SPLIT(P·x) and P·rotate_INTERLEAVED(x) rotate the same pairs by the same double angles:
        // each within I·af·(|a|+|b|) of the same exact values.
        qt(100).forAll(RopeCases.embeddings(e -> e.layout() == RopeLayout.INTERLEAVED),
                RopeCases.batches(RopeCases.MAX_POSITION)).checkAssert((interleaved, b) -> {
            RotaryEmbedding halfSplit = interleaved.withLayout(RopeLayout.HALF_SPLIT);
            int d = interleaved.headDim();
            int blocks = b.rows() * b.heads();
            float[] x = b.input(d);
            float[] px = new float[b.size(d)];
            LayoutPermutation.convert(RopeLayout.INTERLEAVED, RopeLayout.HALF_SPLIT, x, b.xOffset(), px, 0, blocks, d,
                    interleaved.rotaryDim(), 1);
            float[] left = new float[px.length];
            kernel().rotate(halfSplit, b.positionsObject(), b.heads(), px, 0, left, 0);
            float[] y = new float[px.length];
            kernel().rotate(interleaved, b.positionsObject(), b.heads(), x, b.xOffset(), y, 0);
            float[] right = new float[px.length];
            LayoutPermutation.convert(RopeLayout.INTERLEAVED, RopeLayout.HALF_SPLIT, y, 0, right, 0, blocks, d,
                    interleaved.rotaryDim(), 1);
            double af = halfSplit.frequencies(b.positionsObject()).attentionFactor();
            assertRotation(halfSplit, blocks, px, 0, left, 0, right, 0,
                    (a, c) -> 2 * IMPLEMENTATION * af * (Math.abs(a) + Math.abs(c)), () -> interleaved + " " + b);
        });
    }

    // ---------------------------------------------------------------- schedules through the kernel

    @Test
    public void linearAtMEqualsDefaultAtMOverFactor() {
        // Angles m·fl(ω/f) and (m/f)·ω differ by up to 3·2⁻⁵³·θ (η three times); each output within I.
        qt(100).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.Default),
                integers().between(0, 3), integers().between(0, RopeCases.MAX_POSITION / 8), longs().all())
                .checkAssert((e, which, position, seed) -> {
                    int factor = new int[] {2, 3, 4, 8}[which];
                    RotaryEmbedding linear = e.withScaling(new RopeScaling.Linear(factor), 0);
                    float[] x = new FloatFill(FloatKind.NORMAL, seed).array(0, 2 * e.headDim(), 0);
                    float[] scaled = new float[x.length];
                    float[] plain = new float[x.length];
                    kernel().rotate(linear, Positions.range(position * factor, 1), 2, x, 0, scaled, 0);
                    kernel().rotate(e, Positions.range(position, 1), 2, x, 0, plain, 0);
                    double eta = eta(e.frequencies(), position);
                    assertRotation(e, 2, x, 0, scaled, 0, plain, 0,
                            (a, b) -> (Math.abs(a) + Math.abs(b)) * (2 * IMPLEMENTATION + 3 * eta),
                            () -> "linear factor " + factor + " at " + position * factor + " vs default at " + position);
                });
    }

    @Test
    public void dynamicEqualsDefaultUpToMaxPositionEmbeddings() {
        qt(100).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.Dynamic),
                RopeCases.batches(2047)).checkAssert((dynamic, b) -> {
            RotaryEmbedding plain = dynamic.withScaling(new RopeScaling.Default(), 0);
            float[] x = b.input(dynamic.headDim());
            float[] expected = b.output(dynamic.headDim());
            float[] actual = b.output(dynamic.headDim());
            kernel().rotate(plain, b.positionsObject(), b.heads(), x, b.xOffset(), expected, b.outOffset());
            kernel().rotate(dynamic, b.positionsObject(), b.heads(), x, b.xOffset(), actual, b.outOffset());
            // max position + 1 <= 2048 <= max_position_embeddings: the same frequencies, the same bits.
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, () -> dynamic + " " + b);
        });
    }

    // ---------------------------------------------------------------- conformance

    @Test
    public void matchesTheConformanceData() {
        // README: |got − expected| ≤ 1e−6·af·max(1, max|x|) against float64 results (observed ≤ 3e−7).
        for (ConformanceCase c : Conformance.cases("rope")) {
            RotaryEmbedding e = conformanceEmbedding(c);
            int[] positions = c.ints("inputs.positions");
            double af = c.node("expected.attention_factor").asDouble();
            for (String tensor : new String[] {"q", "k"}) {
                float[] x = c.floats("inputs." + tensor);
                int heads = c.shape("inputs." + tensor)[1];
                double[] expected = c.doubles("expected." + tensor + "_out");
                Approx.Bound bound = Approx.Bound.of(1e-6 * af * Math.max(1, maxAbs(x)), 0);
                float[] out = new float[x.length];
                kernel().rotate(e, Positions.of(positions), heads, x, 0, out, 0);
                Approx.assertClose(c + " " + tensor + "_out", out, 0, expected, bound);
                Positions p = Positions.of(positions);
                RopeCache cache = kernel().cache(e, p.min(), p.max() - p.min() + 1);
                float[] cached = x.clone();
                kernel().rotate(cache, p, heads, cached, 0);
                Approx.assertClose(c + " " + tensor + "_out with a cache", cached, 0, expected, bound);
            }
        }
    }

    @Test
    public void matchesTheRopeThenAttentionCase() {
        for (ConformanceCase c : Conformance.cases("attention")) {
            if (!c.has("expected.q_rotated")) {
                continue;
            }
            int d = c.intParam("head_dim");
            RotaryEmbedding e = RotaryEmbedding.of(d, c.param("rope_theta"), RopeLayout.HALF_SPLIT);
            int[] positions = c.ints("inputs.query_positions");
            for (String tensor : new String[] {"q", "k"}) {
                float[] x = c.floats("inputs." + tensor);
                int[] shape = c.shape("inputs." + tensor);   // [heads, length, d]: one call per head
                float[] out = new float[x.length];
                for (int h = 0; h < shape[0]; h++) {
                    kernel().rotate(e, Positions.of(positions), 1, x, h * shape[1] * d, out, h * shape[1] * d);
                }
                Approx.assertClose(c + " " + tensor + "_rotated", out, 0, c.doubles("expected." + tensor + "_rotated"),
                        Approx.Bound.of(1e-6 * Math.max(1, maxAbs(x)), 0));
            }
            return;
        }
        fail("attention.json has no RoPE case");
    }

    // ---------------------------------------------------------------- special values and bad input

    @Test
    public void nanAndInfinityStayInTheirPair() {
        for (RopeLayout layout : RopeLayout.values()) {
            for (RotaryEmbedding e : new RotaryEmbedding[] {RotaryEmbedding.of(72, 64, 10_000, layout),
                    RotaryEmbedding.of(42, 10_000, layout).withScaling(RopeScaling.Yarn.of(4, 4096), 16384)}) {
                for (int p : new int[] {0, 7, 100_000}) {
                    for (boolean cached : new boolean[] {false, true}) {
                        specialValues(e, p, cached);
                    }
                }
            }
        }
    }

    private void specialValues(RotaryEmbedding e, int p, boolean cached) {
        int d = e.headDim();
        int r = e.rotaryDim();
        float[] x = new FloatFill(FloatKind.NORMAL, p).array(0, 3 * d, 0);
        int nan = e.layout().first(3, r);
        int inf = d + e.layout().second(5, r);
        int negInf = 2 * d + e.layout().first(r / 2 - 1, r);
        x[nan] = Float.NaN;
        x[inf] = Float.POSITIVE_INFINITY;
        x[negInf] = Float.NEGATIVE_INFINITY;
        float[] y = new float[x.length];
        if (cached) {
            kernel().rotate(kernel().cache(e, p, 1), Positions.range(p, 1), 3, x, 0, y, 0);
        } else {
            kernel().rotate(e, Positions.range(p, 1), 3, x, 0, y, 0);
        }
        String what = e + " at " + p + (cached ? " with a cache" : "");
        assertTrue(Float.isNaN(y[nan]) && Float.isNaN(y[e.layout().second(3, r)]), () -> "NaN pair of " + what);
        int[] infinitePairs = {d + e.layout().first(5, r), inf, negInf, 2 * d + e.layout().second(r / 2 - 1, r)};
        for (int j : infinitePairs) {
            assertTrue(!Float.isFinite(y[j]), () -> "element " + j + " of an infinite pair is " + y[j] + " for " + what);
        }
        java.util.Set<Integer> special = new java.util.HashSet<>(java.util.List.of(nan, e.layout().second(3, r)));
        for (int j : infinitePairs) {
            special.add(j);
        }
        for (int j = 0; j < y.length; j++) {
            int jj = j;
            assertTrue(special.contains(j) || Float.isFinite(y[j]), () -> "element " + jj + " became " + y[jj] + " for " + what);
        }
    }

    @Test
    public void rejectsBadInputWithoutTouchingTheOutput() {
        RopeKernel k = kernel();
        RotaryEmbedding e = RotaryEmbedding.of(8, 10_000, RopeLayout.HALF_SPLIT);
        Positions two = Positions.range(0, 2);
        float[] x = new float[2 * 3 * 8];
        float[] out = new float[48];
        BadInput.rejects(() -> k.rotate((RotaryEmbedding) null, two, 3, x, 0, out, 0), out, "rope", "null");
        BadInput.rejects(() -> k.rotate(e, null, 3, x, 0, out, 0), out, "positions", "null");
        BadInput.rejects(() -> k.rotate(e, Positions.of(), 3, x, 0, out, 0), out, "positions.count()", "0");
        BadInput.rejects(() -> k.rotate(e, two, 0, x, 0, out, 0), out, "heads", "0");
        BadInput.rejects(() -> k.rotate(e, Positions.of(4, -5), 3, x, 0, out, 0), out, "positions", "-5", ">= 0");
        BadInput.rejects(() -> k.unrotate(e, Positions.of(-1, 4), 3, x, 0, out, 0), out, "positions", "-1");
        BadInput.rejects(() -> k.rotate(e, two, 4, x, 0, out, 0), out, "x", "64", "48");
        BadInput.rejects(() -> k.rotate(e, two, 3, x, 0, out, 1), out, "out", "49", "48");
        BadInput.rejects(() -> k.rotate(e, two, 3, x, -1, out, 0), out, "x", "-1");
        BadInput.rejects(() -> k.rotate(e, two, 3, x, 0, null, 0), null, "out", "null");
        BadInput.rejects(() -> k.rotate(e, Positions.range(0, 70_000), 70_000, x, 0, out, 0), out, "heads", "overflows");
        float[] shared = new float[60];
        BadInput.rejects(() -> k.rotate(e, two, 3, shared, 0, shared, 5), shared, "overlaps");
        RopeCache cache = kernel().cache(e, 10, 4);
        BadInput.rejects(() -> k.rotate(cache, Positions.range(12, 3), 2, x, 0, out, 0), out, "position 14", "[10, 14)");
        BadInput.rejects(() -> k.rotate(cache, Positions.of(11, 9), 3, x, 0, out, 0), out, "position 9", "outside");
        RotaryEmbedding dynamic = e.withScaling(new RopeScaling.Dynamic(2), 2048);
        RopeCache longCache = kernel().cache(dynamic, 0, 5000);
        BadInput.rejects(() -> k.rotate(longCache, two, 3, x, 0, out, 0), out, "seq_len 2", "seq_len 5000");
        BadInput.rejects(() -> k.rotate((RopeCache) null, two, 3, x, 0, out, 0), out, "cache", "null");
        RopeCache foreign = new RopeCache(e, 0, 4) {
            @Override
            protected double storedCos(int row, int pair) {
                return 1;
            }

            @Override
            protected double storedSin(int row, int pair) {
                return 0;
            }
        };
        BadInput.rejects(() -> k.rotate(foreign, two, 3, x, 0, out, 0), out, "not built by", "cache(rope, first, count)");
        BadInput.rejects(() -> k.cache(e, -1, 4), null, "first", "-1");
        BadInput.rejects(() -> k.cache(e, 0, 0), null, "count", "0");
        BadInput.rejects(() -> k.cache(null, 0, 4), null, "embedding", "null");
        BadInput.rejects(() -> k.shift(e, 5, 0, 3, x, 0, out, 0), out, "rows", "0");
        BadInput.rejects(() -> k.shift(null, 5, 2, 3, x, 0, out, 0), out, "rope", "null");
        BadInput.rejects(() -> k.shift(e, 5, 3, 3, x, 0, out, 0), out, "x", "72", "48");
    }

    /** The case's embedding, read from its params as an HF config. */
    static RotaryEmbedding conformanceEmbedding(ConformanceCase c) {
        Map<String, Object> config = new HashMap<>();
        config.put("head_dim", c.intParam("head_dim"));
        config.put("partial_rotary_factor", c.param("rotary_dim") / c.param("head_dim"));
        config.put("rope_theta", c.param("rope_theta"));
        config.put("max_position_embeddings", c.intParam("max_position_embeddings"));
        config.put("rope_scaling", new ObjectMapper().convertValue(c.node("params.rope_scaling"), Map.class));
        RopeLayout layout = switch (c.node("params.convention").asText()) {
            case "neox" -> RopeLayout.HALF_SPLIT;
            case "gptj" -> RopeLayout.INTERLEAVED;
            default -> throw new IllegalArgumentException(c + ": unknown convention");
        };
        return RotaryEmbedding.fromHuggingFace(config, layout);
    }

    private static double maxAbs(float[] x) {
        double m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
