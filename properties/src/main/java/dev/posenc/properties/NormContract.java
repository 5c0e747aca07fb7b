package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.posenc.Kernels;
import dev.posenc.norm.NormKernel;
import dev.posenc.norm.RmsNormWeighting;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * The LayerNorm / RMSNorm suite: agreement with the reference, invariants, special values,
 * conformance data and bad input. Subclass it and return your implementation from {@link #kernel()}.
 *
 * <p>Error bound (u = 2⁻²⁴). With exact statistics μ, σ² and {@code s = 1/√(σ² + eps)},
 * {@code x̂_j = (x_j − μ)·s}: an implementation that forms the statistics in double and the output in
 * float may differ from the reference by
 * <ul>
 *   <li>LayerNorm: {@code 6u·|x̂_j·γ_j| + 2u·|y_j|} (centring x in two float steps, rounding s, the
 *       product and the fused add; the reference's own rounding), plus the disagreement of two
 *       double sums of the row in different orders, {@code n·2⁻⁵²·(Σ|x|/n)·s·|γ_j|} for the mean and
 *       {@code n·2⁻⁵²·|x̂_j·γ_j|} for the variance;
 *   <li>RMSNorm: {@code 6u·|y_j| + n·2⁻⁵²·|y_j|} (s, 1 + w, two products, the reference's rounding;
 *       the sum of squares).
 * </ul>
 * Outputs below 2⁻¹²⁶ may be flushed, so {@code Float.MIN_NORMAL} is added throughout.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class NormContract {
    private static final double U = 0x1p-24;
    private static final FloatKind[] ALL = FloatKind.values();

    /** The implementation under test. */
    protected abstract NormKernel kernel();

    /** What {@link #kernel()} must agree with; the library's scalar reference by default. */
    protected NormKernel reference() {
        return Kernels.reference().norms();
    }

    private record Weights(boolean gamma, boolean beta, double eps, RmsNormWeighting weighting, long seed) {
        float[] gamma(int n) {
            return gamma ? new FloatFill(FloatKind.NORMAL, seed).array(0, n, 0) : null;
        }

        float[] beta(int n) {
            return beta ? new FloatFill(FloatKind.NORMAL, ~seed).array(0, n, 0) : null;
        }
    }

    private static Gen<Weights> weights() {
        Gen<Double> eps = integers().between(0, 3).map(i -> new double[] {1e-5, 1e-6, 1e-12, 1.0}[i]);
        return integers().between(0, 3).zip(eps, integers().between(0, 1), integers().all(),
                (presence, e, plus, seed) -> new Weights((presence & 1) != 0, (presence & 2) != 0, e,
                        RmsNormWeighting.values()[plus], seed));
    }

    @Test
    public void layerNormAgreesWithTheReference() {
        qt(150).forAll(Gens.matrices(3, 5000, ALL), weights()).checkAssert((c, w) -> {
            float[] x = c.input();
            float[] gamma = w.gamma(c.cols());
            float[] beta = w.beta(c.cols());
            float[] actual = c.output();
            float[] expected = c.output();
            kernel().layerNorm(x, c.inOffset(), actual, c.outOffset(), c.rows(), c.cols(), gamma, beta, w.eps());
            reference().layerNorm(x, c.inOffset(), expected, c.outOffset(), c.rows(), c.cols(), gamma, beta, w.eps());
            Arrays2.assertUntouchedOutside(actual, c.outOffset(), c.size(), "out");
            for (int r = 0; r < c.rows(); r++) {
                int out = c.outOffset() + r * c.cols();
                Approx.assertClose("LayerNorm row " + r + " of " + c + " " + w, actual, out, expected, out, c.cols(),
                        layerNormBound(x, c.inOffset() + r * c.cols(), c.cols(), gamma, w.eps()));
            }
        });
    }

    @Test
    public void rmsNormAgreesWithTheReference() {
        qt(150).forAll(Gens.matrices(3, 5000, ALL), weights()).checkAssert((c, w) -> {
            float[] x = c.input();
            float[] weight = w.gamma(c.cols());
            float[] actual = c.output();
            float[] expected = c.output();
            kernel().rmsNorm(x, c.inOffset(), actual, c.outOffset(), c.rows(), c.cols(), weight, w.eps(), w.weighting());
            reference().rmsNorm(x, c.inOffset(), expected, c.outOffset(), c.rows(), c.cols(), weight, w.eps(),
                    w.weighting());
            Arrays2.assertUntouchedOutside(actual, c.outOffset(), c.size(), "out");
            Approx.assertClose("RMSNorm " + c + " " + w, actual, c.outOffset(), expected, c.outOffset(), c.size(),
                    rmsNormBound(c.cols()));
        });
    }

    @Test
    public void layerNormIgnoresAffineChangesOfTheRow() {
        // LN(a·x + b; a²·eps) = LN(x; eps) exactly. GRID data, a = 2^k and b = a·c with an integer |c| ≤ 500
        // keep a·x + b = a·(x + c) exact in float.
        qt(100).forAll(Gens.matrices(2, 3000, FloatKind.GRID), integers().between(-6, 6), integers().between(-500, 500))
                .checkAssert((c, k, b) -> {
                    float a = (float) Math.scalb(1.0, k);
                    float[] x = c.input();
                    float[] moved = x.clone();
                    for (int i = 0; i < c.size(); i++) {
                        moved[c.inOffset() + i] = a * x[c.inOffset() + i] + a * b;
                    }
                    float[] y = c.output();
                    float[] yMoved = c.output();
                    kernel().layerNorm(x, c.inOffset(), y, c.outOffset(), c.rows(), c.cols(), null, null, 1e-5);
                    kernel().layerNorm(moved, c.inOffset(), yMoved, c.outOffset(), c.rows(), c.cols(), null, null,
                            1e-5 * a * a);
                    for (int r = 0; r < c.rows(); r++) {
                        Approx.Bound bound = layerNormBound(x, c.inOffset() + r * c.cols(), c.cols(), null, 1e-5);
                        Approx.Bound boundMoved = layerNormBound(moved, c.inOffset() + r * c.cols(), c.cols(), null,
                                1e-5 * a * a);
                        int out = c.outOffset() + r * c.cols();
                        Approx.assertClose("LN(" + a + "·x + " + a * b + ") row " + r, yMoved, out, y, out, c.cols(),
                                (j, e) -> bound.at(j, e) + boundMoved.at(j, e) + 2 * U * Math.abs(e));
                    }
                });
    }

    @Test
    public void rmsNormIgnoresPositiveScaling() {
        // RMS(a·x; a²·eps) = RMS(x; eps) exactly for a = 2^k (a·x exact unless it leaves the float range).
        qt(100).forAll(Gens.matrices(2, 3000, FloatKind.NORMAL, FloatKind.WIDE, FloatKind.GRID, FloatKind.MIXED),
                integers().between(-20, 20)).checkAssert((c, k) -> {
                    float a = (float) Math.scalb(1.0, k);
                    float[] x = c.input();
                    float[] scaled = x.clone();
                    for (int i = 0; i < c.size(); i++) {
                        scaled[c.inOffset() + i] = a * x[c.inOffset() + i];
                    }
                    float[] y = c.output();
                    float[] yScaled = c.output();
                    kernel().rmsNorm(x, c.inOffset(), y, c.outOffset(), c.rows(), c.cols(), null, 1e-6,
                            RmsNormWeighting.PLAIN);
                    kernel().rmsNorm(scaled, c.inOffset(), yScaled, c.outOffset(), c.rows(), c.cols(), null,
                            1e-6 * a * a, RmsNormWeighting.PLAIN);
                    Approx.Bound bound = rmsNormBound(c.cols());
                    Approx.assertClose("RMS(" + a + "·x) " + c, yScaled, c.outOffset(), y, c.outOffset(), c.size(),
                            (j, e) -> 2 * bound.at(j, e) + 2 * U * Math.abs(e));
                });
    }

    @Test
    public void normalisedRowsHaveTheExpectedMoments() {
        // Without weights: RMSNorm output has rms √(m/(m + eps)), m = Σx²/n; LayerNorm output has mean 0
        // and variance σ²/(σ² + eps). Each y_j is within its bound b_j of exact, so the moments are
        // within Σ b_j/n (mean) and 2·Σ |y_j|·b_j/n + (Σ b_j/n)² (second moment).
        qt(100).forAll(Gens.matrices(2, 4000, FloatKind.NORMAL, FloatKind.OFFSET, FloatKind.WIDE, FloatKind.TINY))
                .checkAssert(c -> {
                    float[] x = c.input();
                    float[] rms = c.output();
                    float[] ln = c.output();
                    kernel().rmsNorm(x, c.inOffset(), rms, c.outOffset(), c.rows(), c.cols(), null, 1e-6,
                            RmsNormWeighting.PLAIN);
                    kernel().layerNorm(x, c.inOffset(), ln, c.outOffset(), c.rows(), c.cols(), null, null, 1e-5);
                    int n = c.cols();
                    for (int r = 0; r < c.rows(); r++) {
                        int in = c.inOffset() + r * n;
                        int out = c.outOffset() + r * n;
                        double squares = 0;
                        double mean = 0;
                        for (int j = 0; j < n; j++) {
                            squares += (double) x[in + j] * x[in + j];
                            mean += x[in + j];
                        }
                        mean /= n;
                        double variance = 0;
                        for (int j = 0; j < n; j++) {
                            variance += (x[in + j] - mean) * (x[in + j] - mean);
                        }
                        variance /= n;
                        double m = squares / n;
                        checkMoments("RMSNorm row " + r + " of " + c, rms, out, n, Double.NaN, m / (m + 1e-6),
                                rmsNormBound(n));
                        checkMoments("LayerNorm row " + r + " of " + c, ln, out, n, 0.0, variance / (variance + 1e-5),
                                layerNormBound(x, in, n, null, 1e-5));
                    }
                });
    }

    private static void checkMoments(String what, float[] y, int out, int n, double expectedMean,
                                     double expectedSecondMoment, Approx.Bound bound) {
        double sum = 0;
        double squares = 0;
        double errors = 0;
        double weightedErrors = 0;
        for (int j = 0; j < n; j++) {
            double v = y[out + j];
            sum += v;
            squares += v * v;
            double b = bound.at(j, v);
            errors += b;
            weightedErrors += Math.abs(v) * b;
        }
        double meanError = errors / n;
        double rounding = n * 0x1p-52;
        if (!Double.isNaN(expectedMean)) {
            Approx.assertClose(what + ": mean", sum / n, expectedMean, meanError + rounding);
            double centred = squares / n - (sum / n) * (sum / n);
            Approx.assertClose(what + ": variance", centred, expectedSecondMoment,
                    2 * weightedErrors / n + meanError * meanError + 2 * rounding + 2 * meanError * Math.abs(sum / n));
        } else {
            Approx.assertClose(what + ": mean square", squares / n, expectedSecondMoment,
                    2 * weightedErrors / n + meanError * meanError + rounding);
        }
    }

    @Test
    public void inPlaceEqualsOutOfPlace() {
        qt(60).forAll(Gens.matrices(3, 2000, ALL), weights()).checkAssert((c, w) -> {
            float[] x = c.input();
            float[] copy = x.clone();
            float[] gamma = w.gamma(c.cols());
            float[] beta = w.beta(c.cols());
            float[] ln = c.output();
            kernel().layerNorm(x, c.inOffset(), ln, c.outOffset(), c.rows(), c.cols(), gamma, beta, w.eps());
            kernel().layerNorm(copy, c.inOffset(), copy, c.inOffset(), c.rows(), c.cols(), gamma, beta, w.eps());
            float[] rms = c.output();
            kernel().rmsNorm(x, c.inOffset(), rms, c.outOffset(), c.rows(), c.cols(), gamma, w.eps(), w.weighting());
            kernel().rmsNorm(x, c.inOffset(), x, c.inOffset(), c.rows(), c.cols(), gamma, w.eps(), w.weighting());
            for (int i = 0; i < c.size(); i++) {
                assertEquals(ln[c.outOffset() + i], copy[c.inOffset() + i], 0f, "LayerNorm element " + i + " of " + c);
                assertEquals(rms[c.outOffset() + i], x[c.inOffset() + i], 0f, "RMSNorm element " + i + " of " + c);
            }
        });
    }

    /**
     * Finite rows of every magnitude, from subnormal to 1e37, with eps from the smallest double to 1e300,
     * give finite outputs within the agreement bound of the class comment: {@code |x̂_j| ≤ √n}, so no
     * exact output of a finite row with finite weights exceeds float range, and an implementation whose
     * float inverse scale {@code s} overflows (σ below 3e−39 with a tiny eps) is caught here.
     */
    @Test
    public void finiteRowsOfEveryMagnitudeGiveFiniteOutputs() {
        // N(0, 1) and constants in [−4, 4) times these stay finite (|x| < 1e38).
        Gen<Float> magnitudes = integers().between(0, 5).map(i -> new float[] {1e-44f, 1e-38f, 1e-30f, 1f, 1e30f, 1e37f}[i]);
        Gen<Double> eps = integers().between(0, 5).map(i -> new double[] {Double.MIN_VALUE, 1e-300, 1e-12, 1e-5, 1, 1e300}[i]);
        qt(150).forAll(Gens.matrices(3, 300, FloatKind.NORMAL, FloatKind.CONSTANT), magnitudes, eps,
                weights()).checkAssert((c, magnitude, e, w) -> {
                    float[] x = c.input();
                    for (int i = 0; i < c.size(); i++) {
                        x[c.inOffset() + i] *= magnitude;
                    }
                    int n = c.cols();
                    float[] gamma = w.gamma(n);
                    float[] beta = w.beta(n);
                    float[] actual = c.output();
                    float[] expected = c.output();
                    kernel().layerNorm(x, c.inOffset(), actual, c.outOffset(), c.rows(), n, gamma, beta, e);
                    reference().layerNorm(x, c.inOffset(), expected, c.outOffset(), c.rows(), n, gamma, beta, e);
                    for (int r = 0; r < c.rows(); r++) {
                        int at = c.outOffset() + r * n;
                        assertFinite("LayerNorm row " + r + " of " + c + " × " + magnitude + " eps " + e, actual, at, n);
                        Approx.assertClose("LayerNorm row " + r + " of " + c + " × " + magnitude + " eps " + e, actual, at,
                                expected, at, n, layerNormBound(x, c.inOffset() + r * n, n, gamma, e));
                    }
                    kernel().rmsNorm(x, c.inOffset(), actual, c.outOffset(), c.rows(), n, gamma, e, w.weighting());
                    reference().rmsNorm(x, c.inOffset(), expected, c.outOffset(), c.rows(), n, gamma, e, w.weighting());
                    for (int r = 0; r < c.rows(); r++) {
                        int at = c.outOffset() + r * n;
                        assertFinite("RMSNorm row " + r + " of " + c + " × " + magnitude + " eps " + e, actual, at, n);
                        Approx.assertClose("RMSNorm row " + r + " of " + c + " × " + magnitude + " eps " + e, actual, at,
                                expected, at, n, rmsNormBound(n));
                    }
                });
    }

    private static void assertFinite(String what, float[] y, int at, int n) {
        for (int j = 0; j < n; j++) {
            if (!Float.isFinite(y[at + j])) {
                org.junit.jupiter.api.Assertions.fail(what + ": y[" + j + "] = " + y[at + j] + " from a finite row");
            }
        }
    }

    @Test
    public void specialRowsFollowTheDocumentedConvention() {
        float nan = Float.NaN;
        for (int n : new int[] {5, 16 + 3, 64 + 16 + 7}) {   // through the vector loops and their tails
            float[] gamma = new float[n];
            float[] beta = new float[n];
            Arrays.fill(gamma, 2f);
            Arrays.fill(beta, 0.5f);
            for (float special : new float[] {nan, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] x = new float[n];
                Arrays.fill(x, 1f);
                x[n - 2] = special;
                float[] y = new float[n];
                float[] allNaN = new float[n];
                Arrays.fill(allNaN, nan);
                kernel().layerNorm(x, 0, y, 0, 1, n, gamma, beta, 1e-5);
                org.junit.jupiter.api.Assertions.assertArrayEquals(allNaN, y, "LayerNorm of a row holding " + special);
                kernel().rmsNorm(x, 0, y, 0, 1, n, gamma, 1e-6, RmsNormWeighting.PLAIN);
                org.junit.jupiter.api.Assertions.assertArrayEquals(allNaN, y, "RMSNorm of a row holding " + special);
            }
            float[] constant = new float[n];
            Arrays.fill(constant, 3.25f);
            float[] y = new float[n];
            kernel().layerNorm(constant, 0, y, 0, 1, n, gamma, beta, 1e-5);
            org.junit.jupiter.api.Assertions.assertArrayEquals(beta, y, "LayerNorm of a constant row is beta");
            float[] zeros = new float[n];
            kernel().rmsNorm(zeros, 0, y, 0, 1, n, gamma, 1e-6, RmsNormWeighting.ONE_PLUS);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[n], y, "RMSNorm of zeros is zeros");
        }
    }

    @Test
    public void matchesTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("norms")) {
            int rows = c.intParam("rows");
            int n = c.intParam("n");
            float[] x = c.floats("inputs.x");
            float[] gamma = c.floats("inputs.gamma");
            float[] y = new float[rows * n];
            kernel().layerNorm(x, 0, y, 0, rows, n, gamma, c.floats("inputs.beta"), c.param("layer_norm_eps"));
            Approx.assertClose(c + " layer_norm", y, 0, c.doubles("expected.layer_norm"), Approx.Bound.of(1e-6, 1e-6));
            kernel().rmsNorm(x, 0, y, 0, rows, n, gamma, c.param("rms_norm_eps"), RmsNormWeighting.PLAIN);
            Approx.assertClose(c + " rms_norm", y, 0, c.doubles("expected.rms_norm"), Approx.Bound.of(1e-6, 1e-6));
        }
    }

    @Test
    public void rejectsBadInputWithoutTouchingTheOutput() {
        NormKernel k = kernel();
        float[] x = new float[12];
        float[] out = new float[12];
        float[] w = new float[4];
        RmsNormWeighting plain = RmsNormWeighting.PLAIN;
        BadInput.rejects(() -> k.layerNorm(null, 0, out, 0, 3, 4, w, w, 1e-5), out, "x", "null");
        BadInput.rejects(() -> k.rmsNorm(x, 0, null, 0, 3, 4, w, 1e-5, plain), null, "out", "null");
        BadInput.rejects(() -> k.layerNorm(x, 0, out, 0, 0, 4, w, w, 1e-5), out, "rows", "0");
        BadInput.rejects(() -> k.rmsNorm(x, 0, out, 0, 3, -4, w, 1e-5, plain), out, "n", "-4");
        BadInput.rejects(() -> k.layerNorm(x, 0, out, 0, 70_000, 70_000, null, null, 1e-5), out, "overflows");
        BadInput.rejects(() -> k.layerNorm(x, 1, out, 0, 3, 4, w, w, 1e-5), out, "x", "13", "12");
        BadInput.rejects(() -> k.rmsNorm(x, 0, out, 5, 3, 4, w, 1e-5, plain), out, "out", "17", "12");
        BadInput.rejects(() -> k.layerNorm(x, 0, out, 0, 3, 4, new float[3], w, 1e-5), out, "gamma", "4", "3");
        BadInput.rejects(() -> k.layerNorm(x, 0, out, 0, 3, 4, w, new float[2], 1e-5), out, "beta", "4", "2");
        BadInput.rejects(() -> k.rmsNorm(x, 0, out, 0, 3, 4, new float[3], 1e-5, plain), out, "weight", "4", "3");
        BadInput.rejects(() -> k.layerNorm(x, 0, out, 0, 3, 4, w, w, 0), out, "eps", "0");
        BadInput.rejects(() -> k.layerNorm(x, 0, out, 0, 3, 4, w, w, -1e-5), out, "eps", "-1.0E-5");
        BadInput.rejects(() -> k.rmsNorm(x, 0, out, 0, 3, 4, w, Double.NaN, plain), out, "eps", "NaN");
        BadInput.rejects(() -> k.rmsNorm(x, 0, out, 0, 3, 4, w, Double.POSITIVE_INFINITY, plain), out, "eps");
        BadInput.rejects(() -> k.rmsNorm(x, 0, out, 0, 3, 4, w, 1e-5, null), out, "weighting", "null");
        float[] shared = new float[20];
        BadInput.rejects(() -> k.layerNorm(shared, 0, shared, 2, 3, 4, null, null, 1e-5), shared, "overlaps");
    }

    /** The LayerNorm bound of the class comment for one row. */
    static Approx.Bound layerNormBound(float[] x, int in, int n, float[] gamma, double eps) {
        double sum = 0;
        double magnitude = 0;
        for (int j = 0; j < n; j++) {
            sum += x[in + j];
            magnitude += Math.abs(x[in + j]);
        }
        double mean = sum / n;
        double squares = 0;
        for (int j = 0; j < n; j++) {
            squares += (x[in + j] - mean) * (x[in + j] - mean);
        }
        double s = 1 / Math.sqrt(squares / n + eps);
        double sums = n * 0x1p-52;
        double meanError = sums * (magnitude / n) * s;
        return (j, e) -> {
            double g = gamma == null ? 1 : Math.abs(gamma[j]);
            double normalised = Math.abs((x[in + j] - mean) * s) * g;
            return (6 * U + sums) * normalised + 2 * U * Math.abs(e) + meanError * g + Float.MIN_NORMAL;
        };
    }

    /** The RMSNorm bound of the class comment. */
    static Approx.Bound rmsNormBound(int n) {
        return (j, e) -> (6 * U + n * 0x1p-52) * Math.abs(e) + Float.MIN_NORMAL;
    }

}
