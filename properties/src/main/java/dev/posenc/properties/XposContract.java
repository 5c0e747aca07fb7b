package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.properties.RopeCases.Batch;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.Xpos;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * The xPos suite: agreement with the reference, RoPE bit for bit at the centre, the q·k score's dependence on
 * the distance only (shifting both positions, or the centre, changes nothing), its decay with the distance as
 * Sun et al. state it (pair i's share falls as {@code ζ_i^(Δ/γ)}, so the score is at most
 * {@code af²·max ζ^(Δ/γ)·|q||k|}), the closed form for all-ones vectors, torchscale's values
 * ({@code xpos.json}) and bad input. Subclass it and return your implementation from {@link #kernel()}.
 *
 * <p>Error bound: {@link RopeContract}'s per pair with the pair's scale {@code k_i = af·ζ_i^(±(p − c)/γ)} in
 * place of af ({@code I = 7.5u} per unit of {@code k_i·(|a| + |b|)}: the scale is formed in double and rounded
 * once to float, as af is), plus the double angle's {@code 2⁻⁵³·θ} and the double scale's own error,
 * {@code 2⁻⁵⁰·(1 + |e·ln ζ_i|)} relative for the exponent e (one rounding of e, and {@code pow}, or
 * {@code exp(e·ln ζ_i)} with a rounded logarithm, within an ulp).
 * Centres are drawn within {@code 4·γ} of the positions so that the scales stay far inside the float range.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class XposContract {
    private static final double IMPLEMENTATION = RopeContract.IMPLEMENTATION;
    private static final double AGREEMENT = RopeContract.AGREEMENT;

    /** The implementation under test. */
    protected abstract RopeKernel kernel();

    /** What {@link #kernel()} must agree with; the library's scalar reference by default. */
    protected RopeKernel reference() {
        return Kernels.reference().rope();
    }

    /** xPos over the embeddings of {@link RopeCases} whose frequencies do not follow the length, any side, γ in [64, 4096]. */
    private static Gen<Xpos> xposes() {
        return longs().all().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            RotaryEmbedding e;
            do {
                e = RopeCases.embedding(random);
            } while (RopeCases.lengthDependent(e));
            Xpos x = Xpos.of(e, random.nextBoolean() ? Xpos.SCALE_BASE : random.nextDouble(64, 4096));
            return random.nextBoolean() ? x.keys() : x;
        });
    }

    /**
     * The same side and scale base with a centre within {@code 4·γ} of {@code near}: with a batch's positions
     * within 512 ≤ 8·γ of its middle, every {@code |p − c| ≤ 12·γ} and every scale stays below
     * {@code ζ_0^(−12) ≈ 3.4·10⁶}, so that even the suite's largest inputs (1e30) stay inside the float range.
     */
    private static Xpos centred(Xpos x, int near, long seed) {
        int reach = (int) (4 * x.scaleBase());
        return x.withCenter(Math.max(0, near + new SplittableRandom(seed).nextInt(-reach, reach + 1)));
    }

    @Test
    public void rotateAgreesWithTheReference() {
        qt(200).forAll(xposes(), RopeCases.batches(RopeCases.MAX_POSITION, 1024), longs().all()).checkAssert((xp, b, seed) -> {
            Xpos x = centred(xp, (int) (((long) b.positionsObject().min() + b.positionsObject().max()) / 2), seed);
            RotaryEmbedding e = x.embedding();
            int d = e.headDim();
            float[] in = b.input(d);
            float[] expected = b.output(d);
            reference().rotate(x, b.positionsObject(), b.heads(), in, b.xOffset(), expected, b.outOffset());
            float[] actual;
            if (b.inPlace()) {
                actual = in.clone();
                kernel().rotate(x, b.positionsObject(), b.heads(), actual, b.xOffset());
            } else {
                actual = b.output(d);
                kernel().rotate(x, b.positionsObject(), b.heads(), in, b.xOffset(), actual, b.outOffset());
            }
            Arrays2.assertUntouchedOutside(actual, b.resultOffset(), b.size(d), "out");
            for (int row = 0; row < b.rows(); row++) {
                int p = b.positionsObject().at(row);
                int at = row * b.heads() * d;
                Rotations.assertRotation(d, e.rotaryDim(), e.layout(), b.heads(), in, b.xOffset() + at, actual,
                        b.resultOffset() + at, expected, b.outOffset() + at, scales(x, p, 0),
                        (a, c) -> AGREEMENT * (Math.abs(a) + Math.abs(c)), () -> x + " at " + p + " " + b);
            }
        });
    }

    /** Per pair: {@code k_i·(1 + slack)}, the scale at {@code p} and a relative slack. */
    private static double[] scales(Xpos x, int p, double slack) {
        RopeFrequencies f = x.embedding().frequencies(p + 1);
        double[] k = new double[f.pairs()];
        for (int i = 0; i < k.length; i++) {
            k[i] = f.attentionFactor() * x.scale(i, p) * (1 + slack);
        }
        return k;
    }

    @Test
    public void atTheCentreItIsRopeBitForBit() {
        // ζ^0 = 1 exactly: the scale is af, as for RoPE.
        qt(100).forAll(xposes(), RopeCases.batches(RopeCases.MAX_POSITION)).checkAssert((xp, b) -> {
            int p = b.positionsObject().at(0);
            Xpos x = xp.withCenter(p);
            int d = x.embedding().headDim();
            float[] in = b.input(d);
            float[] scaled = b.output(d);
            float[] plain = b.output(d);
            Positions one = Positions.range(p, 1);
            kernel().rotate(x, one, b.heads(), in, b.xOffset(), scaled, b.outOffset());
            kernel().rotate(x.embedding(), one, b.heads(), in, b.xOffset(), plain, b.outOffset());
            for (int j = 0; j < plain.length; j++) {
                int jj = j;
                assertEquals(Float.floatToRawIntBits(plain[j]), Float.floatToRawIntBits(scaled[j]),
                        () -> "element " + jj + ": RoPE " + plain[jj] + ", xPos at its centre " + scaled[jj] + " for " + x);
            }
        });
    }

    @Test
    public void scoresDependOnlyOnTheDistance() {
        // ζ^((n−c)/γ)·ζ^(−(m−c)/γ) = ζ^((n−m)/γ) and the rotations' relative angle: moving both positions by t,
        // or the centre, changes no score beyond the two sides' dot bounds.
        qt(150).forAll(xposes(), integers().between(0, RopeCases.MAX_POSITION), integers().between(-2048, 2048),
                longs().all()).checkAssert((xp, n, distance, seed) -> {
            int m = Math.max(0, n - distance);
            int t = new SplittableRandom(seed).nextInt(1 << 20);
            Xpos x = centred(xp, n, seed).queries();
            Xpos moved = centred(xp, n + t, ~seed).queries();
            float[] q = new FloatFill(FloatKind.NORMAL, seed).array(0, x.embedding().headDim(), 0);
            float[] k = new FloatFill(FloatKind.NORMAL, ~seed).array(0, x.embedding().headDim(), 0);
            double near = score(x, q, n, k, m);
            double far = score(moved, q, n + t, k, m + t);
            double allowed = scoreBound(x, q, n, k, m) + scoreBound(moved, q, n + t, k, m + t);
            assertTrue(Math.abs(near - far) <= allowed, () -> "score at (" + n + ", " + m + ") = " + near + " but at ("
                    + (n + t) + ", " + (m + t) + ") = " + far + " (difference " + Math.abs(near - far) + " > bound "
                    + allowed + ") for " + x + " and " + moved);
        });
    }

    @Test
    public void scoresDecayWithTheDistanceAsThePaperStates() {
        // |Σ_i ζ_i^(Δ/γ)·⟨R q_i, R k_i⟩|·af² ≤ af²·max_i ζ_i^(Δ/γ)·Σ_i |q_i||k_i| ≤ af²·ζ_max^(Δ/γ)·|q|·|k| for Δ ≥ 0.
        qt(150).forAll(xposes(), integers().between(0, RopeCases.MAX_POSITION), integers().between(0, 8192), longs().all())
                .checkAssert((xp, n, distance, seed) -> {
                    int m = Math.max(0, n - distance);
                    Xpos x = centred(xp, n, seed).queries();
                    int r = x.embedding().rotaryDim();
                    int d = x.embedding().headDim();
                    float[] q = new FloatFill(FloatKind.NORMAL, seed).array(0, d, 0);
                    float[] k = new FloatFill(FloatKind.NORMAL, ~seed).array(0, d, 0);
                    java.util.Arrays.fill(q, r, d, 0f);   // only the rotated dims decay
                    java.util.Arrays.fill(k, r, d, 0f);
                    double af = x.embedding().frequencies(n + 1).attentionFactor();
                    double zetaMax = x.zeta(r / 2 - 1);
                    double decay = af * af * Math.pow(zetaMax, (n - m) / x.scaleBase()) * norm(q) * norm(k);
                    double s = score(x, q, n, k, m);
                    double allowed = decay + scoreBound(x, q, n, k, m);
                    assertTrue(Math.abs(s) <= allowed, () -> "|score| at distance " + (n - m) + " = " + Math.abs(s)
                            + " > af²·ζ_max^(Δ/γ)·|q||k| = " + decay + " (+ rounding) for " + x);
                });
    }

    @Test
    public void allOnesScoresFollowTheClosedForm() {
        // q = k = 1: pair i contributes k_q·k_k·⟨R(nθ)(1,1), R(mθ)(1,1)⟩ = af²·ζ_i^((n−m)/γ)·2·cos((n−m)·θ_i).
        qt(100).forAll(xposes(), integers().between(0, RopeCases.MAX_POSITION), integers().between(0, 4096), longs().all())
                .checkAssert((xp, n, distance, seed) -> {
                    int m = Math.max(0, n - distance);
                    Xpos x = centred(xp, n, seed).queries();
                    int d = x.embedding().headDim();
                    float[] ones = new float[d];
                    java.util.Arrays.fill(ones, 1f);
                    RopeFrequencies f = x.embedding().frequencies(n + 1);
                    double closed = 0;
                    double magnitude = 0;
                    for (int i = 0; i < f.pairs(); i++) {
                        double term = 2 * Math.pow(x.zeta(i), (n - m) / x.scaleBase()) * Math.cos((double) (n - m) * f.invFreq(i));
                        closed += term;
                        magnitude += Math.abs(term);
                    }
                    double af2 = f.attentionFactor() * f.attentionFactor();
                    closed = closed * af2 + (d - x.embedding().rotaryDim());
                    double s = score(x, ones, n, ones, m);
                    double expected = closed;
                    // The closed form's own doubles: ≤ 4 roundings per term (exponent, pow, angle's cos, products)
                    // and the sum's, (4 + pairs)·2⁻⁵³ of Σ|terms| — negligible beside the kernel's bound.
                    double allowed = scoreBound(x, ones, n, ones, m) + (4 + f.pairs()) * 0x1p-53 * magnitude * af2;
                    assertTrue(Math.abs(s - expected) <= allowed, () -> "all-ones score at (" + n + ", " + m + ") = " + s
                            + ", closed form " + expected + " for " + x);
                });
    }

    /** {@code ⟨xPos_q(n)·q, xPos_k(m)·k⟩} in double. */
    private double score(Xpos x, float[] q, int n, float[] k, int m) {
        return Rotations.dot(rotated(x.queries(), q, n), rotated(x.keys(), k, m));
    }

    /** The dot bound of {@link #score}, each element within its pair's scaled {@code I + η} of exact. */
    private double scoreBound(Xpos x, float[] q, int n, float[] k, int m) {
        return Rotations.dotBound(rotated(x.queries(), q, n), elementBounds(x.queries(), q, n), rotated(x.keys(), k, m),
                elementBounds(x.keys(), k, m));
    }

    private double[] elementBounds(Xpos x, float[] v, int p) {
        RopeFrequencies f = x.embedding().frequencies(p + 1);
        double exponent = Math.abs(((double) p - x.center()) / x.scaleBase());
        double[] s = scales(x, p, 0);
        for (int i = 0; i < s.length; i++) {
            double theta = Math.abs(p * f.invFreq(i));
            double scaleError = 0x1p-50 * (1 + exponent * Math.abs(Math.log(x.zeta(i))));
            s[i] *= IMPLEMENTATION + 0x1p-53 * theta + scaleError;
        }
        RotaryEmbedding e = x.embedding();
        return Rotations.elementBounds(e.headDim(), e.rotaryDim(), e.layout(), v, s);
    }

    private float[] rotated(Xpos x, float[] v, int p) {
        float[] out = new float[v.length];
        kernel().rotate(x, Positions.range(p, 1), 1, v, 0, out, 0);
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    public void matchesTheConformanceData() {
        // README: 1e−6·max(1, max|x|) as for RoPE, times the largest scale of the case (the outputs scale with it).
        for (ConformanceCase c : Conformance.cases("xpos")) {
            int d = c.intParam("head_dim");
            Xpos query = Xpos.of(RotaryEmbedding.of(d, c.param("rope_theta"), RopeLayout.INTERLEAVED), c.param("scale_base"))
                    .withCenter(c.intParam("center"));
            Xpos x = c.kind().equals("keys") ? query.keys() : query;
            int[] positions = c.ints("inputs.positions");
            float[] in = c.floats("inputs.x");
            double largest = 0;
            for (int p : positions) {
                for (double s : scales(x, p, 0)) {
                    largest = Math.max(largest, s);
                }
            }
            float[] out = new float[in.length];
            kernel().rotate(x, Positions.of(positions), c.shape("inputs.x")[1], in, 0, out, 0);
            double max = 0;
            for (float v : in) {
                max = Math.max(max, Math.abs(v));
            }
            Approx.assertClose(c + " out", out, 0, c.doubles("expected.out"), Approx.Bound.of(1e-6 * largest * Math.max(1, max), 0));
        }
    }

    @Test
    public void rejectsBadInputWithoutTouchingTheOutput() {
        RopeKernel k = kernel();
        Xpos x = Xpos.of(8);
        Positions two = Positions.range(0, 2);
        float[] in = new float[2 * 3 * 8];
        float[] out = new float[48];
        BadInput.rejects(() -> k.rotate((Xpos) null, two, 3, in, 0, out, 0), out, "xpos", "null");
        BadInput.rejects(() -> k.rotate(x, null, 3, in, 0, out, 0), out, "positions", "null");
        BadInput.rejects(() -> k.rotate(x, Positions.of(3, -1), 3, in, 0, out, 0), out, "positions", "-1");
        BadInput.rejects(() -> k.rotate(x, two, 4, in, 0, out, 0), out, "x", "64", "48");
        BadInput.rejects(() -> Xpos.of(RotaryEmbedding.of(8, 10_000, RopeLayout.INTERLEAVED), 0), null, "scaleBase", "0");
        BadInput.rejects(() -> Xpos.of(RotaryEmbedding.of(8, 10_000, RopeLayout.INTERLEAVED), Double.NaN), null, "scaleBase");
        BadInput.rejects(() -> Xpos.centeredOn(-3), null, "length", "-3");
        BadInput.rejects(() -> k.rotate(x.keys(), Positions.of(1, 40_000), 3, in, 0, out, 0), out, "position 40000",
                "centre 0", "overflows float");
        BadInput.rejects(() -> k.rotate(x.withCenter(50_000), two, 3, in, 0, out, 0), out, "centre 50000", "overflows float");
    }
}
