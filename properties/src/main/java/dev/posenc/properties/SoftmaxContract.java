package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.posenc.Kernels;
import dev.posenc.softmax.SoftmaxKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * The softmax suite: agreement with the reference, invariants, special values, conformance data and
 * bad input. Subclass it and return your implementation from {@link #kernel()}.
 *
 * <p>Error bound used throughout (u = 2⁻²⁴, one float rounding). With exact logits
 * {@code z_j = s·x_j + b_j} and {@code m = max z}, a float implementation may perturb
 * <ul>
 *   <li>each logit by forming it: {@code 2u·(|s·x_j| + |b_j|)}, and {@code z_j − m} by {@code u·|z_j − m|};
 *   <li>each exponential by 1 ulp (2u relative: the Vector API's {@code EXP} and {@code Math.exp});
 *   <li>the sum by {@code (n − 1)·u} relative in any summation order, the normalisation by 2u.
 * </ul>
 * So {@code |y_j − y_ref,j| ≤ y_ref,j·(δ_j + max_k δ_k + (n + 8)·u)} with
 * {@code δ_j = 2u(|s·x_j| + |b_j| + |s·x_max| + |b_max|) + u·|z_j − m|}; the reference itself is one
 * rounding from exact (included in the 8u). Below {@code 2⁻¹²⁶} (subnormal outputs) an absolute
 * {@code 2⁻¹²⁶} is allowed, since float exponentials may flush there.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class SoftmaxContract {
    private static final double U = 0x1p-24;
    private static final FloatKind[] FINITE_KINDS = {
            FloatKind.NORMAL, FloatKind.WIDE, FloatKind.GRID, FloatKind.MIXED, FloatKind.CONSTANT, FloatKind.LARGE};

    /** The implementation under test. */
    protected abstract SoftmaxKernel kernel();

    /** What {@link #kernel()} must agree with; the library's scalar reference by default. */
    protected SoftmaxKernel reference() {
        return Kernels.reference().softmax();
    }

    private record Options(float scale, boolean bias, long biasSeed) {}

    private static Gen<Options> options() {
        Gen<Float> scales = integers().between(0, 3).zip(integers().between(-400, 400),
                (k, r) -> k == 0 ? 1f : k == 1 ? 0.125f : r / 100f);
        return scales.zip(integers().between(0, 1), integers().all(), (s, b, seed) -> new Options(s, b == 1, seed));
    }

    @Test
    public void agreesWithTheReference() {
        qt(150).forAll(Gens.matrices(3, 5000, FINITE_KINDS), options()).checkAssert((c, o) -> {
            float[] x = c.input();
            float[] bias = o.bias() ? new FloatFill(FloatKind.NORMAL, o.biasSeed()).array(0, c.cols(), 0) : null;
            float[] actual = c.output();
            float[] expected = c.output();
            kernel().softmax(x, c.inOffset(), actual, c.outOffset(), c.rows(), c.cols(), o.scale(), bias, 0);
            reference().softmax(x, c.inOffset(), expected, c.outOffset(), c.rows(), c.cols(), o.scale(), bias, 0);
            Arrays2.assertUntouchedOutside(actual, c.outOffset(), c.size(), "out");
            for (int r = 0; r < c.rows(); r++) {
                int in = c.inOffset() + r * c.cols();
                int out = c.outOffset() + r * c.cols();
                Approx.assertClose("row " + r + " of " + c, actual, out, expected, out, c.cols(),
                        bound(x, in, c.cols(), o.scale(), bias));
            }
        });
    }

    @Test
    public void rowsSumToOne() {
        qt(150).forAll(Gens.matrices(3, 5000, FloatKind.NORMAL, FloatKind.WIDE, FloatKind.GRID), options())
                .checkAssert((c, o) -> {
                    float[] x = c.input();
                    float[] y = c.output();
                    kernel().softmax(x, c.inOffset(), y, c.outOffset(), c.rows(), c.cols(), o.scale(), null, 0);
                    for (int r = 0; r < c.rows(); r++) {
                        double sum = 0;
                        double allowed = 0;
                        Approx.Bound b = bound(x, c.inOffset() + r * c.cols(), c.cols(), o.scale(), null);
                        for (int j = 0; j < c.cols(); j++) {
                            double yj = y[c.outOffset() + r * c.cols() + j];
                            sum += yj;
                            allowed += b.at(j, yj);
                        }
                        Approx.assertClose("Σ_j y of row " + r + " of " + c, sum, 1.0, allowed + c.cols() * 0x1p-53);
                    }
                });
    }

    @Test
    public void addingAConstantToARowChangesNothing() {
        // GRID data (multiples of 2^-10 in [-64, 64)) plus an integer |c| <= 1000 stays exact in float.
        qt(150).forAll(Gens.matrices(2, 3000, FloatKind.GRID), integers().between(-1000, 1000)).checkAssert((c, k) -> {
            float[] x = c.input();
            float[] shifted = x.clone();
            for (int i = 0; i < c.size(); i++) {
                shifted[c.inOffset() + i] += k;
            }
            float[] y = c.output();
            float[] yShifted = c.output();
            kernel().softmax(x, c.inOffset(), y, c.outOffset(), c.rows(), c.cols());
            kernel().softmax(shifted, c.inOffset(), yShifted, c.outOffset(), c.rows(), c.cols());
            for (int r = 0; r < c.rows(); r++) {
                Approx.Bound b = bound(shifted, c.inOffset() + r * c.cols(), c.cols(), 1f, null);
                int out = c.outOffset() + r * c.cols();
                Approx.assertClose("row " + r + " shifted by " + k, yShifted, out, y, out, c.cols(),
                        (j, e) -> 2 * b.at(j, e));
            }
        });
    }

    @Test
    public void inPlaceEqualsOutOfPlace() {
        qt(100).forAll(Gens.matrices(3, 2000, FINITE_KINDS), options()).checkAssert((c, o) -> {
            float[] x = c.input();
            float[] out = c.output();
            kernel().softmax(x, c.inOffset(), out, c.outOffset(), c.rows(), c.cols(), o.scale(), null, 0);
            kernel().softmax(x, c.inOffset(), x, c.inOffset(), c.rows(), c.cols(), o.scale(), null, 0);
            for (int i = 0; i < c.size(); i++) {
                assertEquals(out[c.outOffset() + i], x[c.inOffset() + i], 0f, "element " + i + " of " + c);
            }
        });
    }

    /**
     * Any finite logits give a distribution, even where {@code scale·x + bias} overflows or underflows
     * float (the logits are exact): finite entries in [0, 1] summing to 1. With {@code S} the float sum of
     * the exponentials (each ≤ 1) in any order, {@code q = fl(1/S)} and {@code y_j = fl(e_j·q)},
     * {@code Σy = (Σe/S)·(1 + δ)} with {@code |Σe/S − 1| ≤ (n − 1)u/(1 − (n − 1)u)} and {@code |δ| ≤ 2u}: within
     * {@code (n + 1)u/(1 − (n + 1)u)} of 1, plus {@code 2⁻¹⁴⁹} per entry that rounds into the subnormals (the
     * reference, dividing in double, is within {@code n·u}). Flushing tiny exponentials to 0 leaves them out
     * of S and of Σy alike.
     */
    @Test
    public void anyFiniteLogitsGiveADistribution() {
        Gen<Float> scales = integers().between(0, 10).map(i -> new float[] {1f, -1f, 0f, 1e-38f, Float.MIN_VALUE, 2f,
                1e30f, -1e30f, 3e38f, Float.MAX_VALUE, -Float.MAX_VALUE}[i]);
        FloatKind[] kinds = {FloatKind.NORMAL, FloatKind.WIDE, FloatKind.LARGE, FloatKind.MIXED, FloatKind.TINY,
                FloatKind.CONSTANT};
        qt(150).forAll(Gens.matrices(3, 700, kinds), scales, integers().between(0, 2), integers().all())
                .checkAssert((c, scale, biasKind, seed) -> {
                    float[] x = c.input();
                    float[] bias = biasKind == 0 ? null
                            : new FloatFill(biasKind == 1 ? FloatKind.NORMAL : FloatKind.LARGE, seed).array(0, c.cols(), 0);
                    float[] y = c.output();
                    kernel().softmax(x, c.inOffset(), y, c.outOffset(), c.rows(), c.cols(), scale, bias, 0);
                    int n = c.cols();
                    double tolerance = (n + 1) * U / (1 - (n + 1) * U) + n * 0x1p-149;
                    for (int r = 0; r < c.rows(); r++) {
                        double sum = 0;
                        for (int j = 0; j < n; j++) {
                            float v = y[c.outOffset() + r * n + j];
                            if (!(v >= 0 && v <= 1)) {
                                org.junit.jupiter.api.Assertions.fail("row " + r + " of " + c + " scale " + scale + " bias "
                                        + biasKind + ": y[" + j + "] = " + v + " is not in [0, 1]");
                            }
                            sum += v;
                        }
                        Approx.assertClose("Σ_j y of row " + r + " of " + c + " scale " + scale + " bias " + biasKind,
                                sum, 1.0, tolerance);
                    }
                });
    }

    @Test
    public void specialValuesFollowTheDocumentedConvention() {
        float inf = Float.POSITIVE_INFINITY;
        float nan = Float.NaN;
        float max = Float.MAX_VALUE;
        // Each row is 4 wide (padded with -inf), the expected row beside it.
        float[][][] rows = {
                {{0, Float.NEGATIVE_INFINITY, 0, -inf}, {0.5f, 0, 0.5f, 0}},   // -inf entries get exactly 0
                {{-inf, -inf, -inf, -inf}, {0, 0, 0, 0}},                       // fully masked row -> zeros
                {{1, nan, 2, 3}, {nan, nan, nan, nan}},                         // NaN anywhere -> NaN row
                {{1, inf, 2, -inf}, {nan, nan, nan, nan}},                      // +inf anywhere -> NaN row
                {{max, -max, 0, -inf}, {1, 0, 0, 0}},                           // x - max overflows to -inf: still 0
                {{7, -inf, -inf, -inf}, {1, 0, 0, 0}},                          // one finite entry -> exactly 1
        };
        for (int width : new int[] {4, 4 + 16, 4 + 64 + 3}) {   // also through the vector loop and its tail
            for (float[][] row : rows) {
                float[] x = new float[width];
                java.util.Arrays.fill(x, -inf);
                System.arraycopy(row[0], 0, x, 0, 4);
                float[] y = new float[width];
                kernel().softmax(x, 0, y, 0, 1, width);
                float[] expected = new float[width];
                System.arraycopy(row[1], 0, expected, 0, 4);
                if (Float.isNaN(row[1][0])) {
                    java.util.Arrays.fill(expected, nan);
                }
                assertArrayEquals(expected, y, () -> "softmax of " + java.util.Arrays.toString(row[0]) + " padded to " + width);
                // Also as the second row of a call (a kernel may take a row's maximum while working on the one before).
                float[] two = new float[2 * width];
                System.arraycopy(x, 0, two, width, width);
                float[] y2 = new float[2 * width];
                kernel().softmax(two, 0, y2, 0, 2, width);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(y2, width, 2 * width),
                        () -> "softmax of " + java.util.Arrays.toString(row[0]) + " padded to " + width + " as a second row");
            }
        }
    }

    @Test
    public void matchesTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("softmax")) {
            int rows = c.intParam("rows");
            int n = c.intParam("n");
            float[] x = c.floats("inputs.x");
            float[] y = new float[rows * n];
            kernel().softmax(x, 0, y, 0, rows, n);
            // The library's convention for fully masked rows is "safe" (zeros): y_safe where recorded.
            double[] expected = c.doubles(c.has("expected.y_safe") ? "expected.y_safe" : "expected.y");
            Approx.assertClose(c.toString(), y, 0, expected, Approx.Bound.of(1e-7, 1e-6));
        }
    }

    @Test
    public void rejectsBadInputWithoutTouchingTheOutput() {
        SoftmaxKernel k = kernel();
        float[] x = new float[12];
        float[] out = new float[12];
        BadInput.rejects(() -> k.softmax(null, 0, out, 0, 3, 4), out, "x", "null");
        BadInput.rejects(() -> k.softmax(x, 0, null, 0, 3, 4), null, "out", "null");
        BadInput.rejects(() -> k.softmax(x, 0, out, 0, 0, 4), out, "rows", "0");
        BadInput.rejects(() -> k.softmax(x, 0, out, 0, 3, -4), out, "cols", "-4");
        BadInput.rejects(() -> k.softmax(x, 0, out, 0, 70_000, 70_000), out, "rows", "cols", "overflows");
        BadInput.rejects(() -> k.softmax(x, 1, out, 0, 3, 4), out, "x", "13", "12");
        BadInput.rejects(() -> k.softmax(x, 0, out, 2, 3, 4), out, "out", "14", "12");
        BadInput.rejects(() -> k.softmax(x, -1, out, 0, 3, 4), out, "x", "-1");
        BadInput.rejects(() -> k.softmax(x, 0, out, 0, 3, 4, Float.NaN, null, 0), out, "scale", "NaN");
        BadInput.rejects(() -> k.softmax(x, 0, out, 0, 3, 4, Float.POSITIVE_INFINITY, null, 0), out, "scale", "Infinity");
        BadInput.rejects(() -> k.softmax(x, 0, out, 0, 3, 4, 1f, new float[3], 0), out, "bias", "4", "3");
        BadInput.rejects(() -> k.softmax(x, 0, out, 0, 3, 4, 1f, new float[4], 1), out, "bias", "5", "4");
        float[] shared = new float[20];
        BadInput.rejects(() -> k.softmax(shared, 0, shared, 3, 3, 4), shared, "overlaps");
    }

    /** The per-element bound of the class comment for one row. */
    static Approx.Bound bound(float[] x, int in, int n, float scale, float[] bias) {
        double zMax = Double.NEGATIVE_INFINITY;
        double maxMagnitude = 0;
        for (int j = 0; j < n; j++) {
            double z = logit(x, in, j, scale, bias);
            if (z > zMax) {
                zMax = z;
                maxMagnitude = magnitude(x, in, j, scale, bias);
            }
        }
        double m = zMax;
        double[] delta = new double[n];
        double deltaMax = 0;
        for (int j = 0; j < n; j++) {
            double z = logit(x, in, j, scale, bias);
            delta[j] = 2 * U * (magnitude(x, in, j, scale, bias) + maxMagnitude)
                    + (Double.isInfinite(z) ? 0 : U * Math.abs(z - m));
            deltaMax = Math.max(deltaMax, delta[j]);
        }
        double common = deltaMax + (n + 8) * U;
        return (j, e) -> (e == 0 ? 0 : Math.abs(e) * Math.expm1(delta[j] + common)) + Float.MIN_NORMAL;
    }

    private static double logit(float[] x, int in, int j, float scale, float[] bias) {
        return (double) scale * x[in + j] + (bias == null ? 0 : bias[j]);
    }

    private static double magnitude(float[] x, int in, int j, float scale, float[] bias) {
        return Math.abs((double) scale * x[in + j]) + (bias == null ? 0 : Math.abs(bias[j]));
    }
}
