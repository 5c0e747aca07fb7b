package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.fail;

import dev.posenc.rope.RopeLayout;
import java.util.function.Supplier;

/** Checks shared by the RoPE suites: rotated rows against expected ones, and q·k of rotated vectors. */
final class Rotations {
    /** Outputs in the subnormal range may add this much, absolute. */
    static final double UNDERFLOW = 4 * Float.MIN_VALUE;

    private Rotations() {}

    /** The allowed error of both outputs of the pair {@code (a, b)}. */
    @FunctionalInterface
    interface PairBound {
        double of(double a, double b);
    }

    /**
     * Checks {@code heads} heads of {@code d} dims whose first {@code r} form the pairs of {@code layout}:
     * rotary dims within {@code bound} (times {@code pairScale[i]} when given, plus underflow) of
     * {@code expected}, pass-through dims equal to {@code x} bit for bit.
     */
    static void assertRotation(int d, int r, RopeLayout layout, int heads, float[] x, int xOffset, float[] actual,
                               int offset, float[] expected, int expectedOffset, double[] pairScale, PairBound bound,
                               Supplier<String> what) {
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < r / 2; i++) {
                int first = layout.first(i, r);
                int second = layout.second(i, r);
                double allowed = bound.of(x[xOffset + h * d + first], x[xOffset + h * d + second])
                        * (pairScale == null ? 1 : pairScale[i]) + UNDERFLOW;
                for (int dim : new int[] {first, second}) {
                    double got = actual[offset + h * d + dim];
                    double want = expected[expectedOffset + h * d + dim];
                    if (!(Math.abs(got - want) <= allowed)) {
                        fail("head " + h + " (counting every row's heads), dim " + dim + " (pair " + i
                                + "): expected " + want + " but was " + got + " (error " + Math.abs(got - want)
                                + " > bound " + allowed + ") for " + what.get());
                    }
                }
            }
            for (int dim = r; dim < d; dim++) {
                if (Float.floatToRawIntBits(actual[offset + h * d + dim]) != Float.floatToRawIntBits(x[xOffset + h * d + dim])) {
                    fail("pass-through dim " + dim + " of head " + h + " changed from " + x[xOffset + h * d + dim] + " to "
                            + actual[offset + h * d + dim] + " for " + what.get());
                }
            }
        }
    }

    /** {@code δ_j = s_i·(|a| + |b|)} for both dims of each pair i of {@code x}: per-element error bounds. */
    static double[] elementBounds(int d, int r, RopeLayout layout, float[] x, double[] pairScale) {
        double[] bounds = new double[d];
        for (int i = 0; i < r / 2; i++) {
            int first = layout.first(i, r);
            int second = layout.second(i, r);
            bounds[first] = pairScale[i] * (Math.abs(x[first]) + Math.abs(x[second]));
            bounds[second] = bounds[first];
        }
        return bounds;
    }

    /** {@code Σ q_j·k_j} in double. */
    static double dot(float[] q, float[] k) {
        double s = 0;
        for (int j = 0; j < q.length; j++) {
            s += (double) q[j] * k[j];
        }
        return s;
    }

    /**
     * The bound on {@code |dot(q, k) − ⟨q*, k*⟩|} when each {@code q_j} is within {@code dq_j} of {@code q*_j} and
     * each {@code k_j} within {@code dk_j}: {@code Σ (|k_j| + dk_j)·dq_j + |q_j|·dk_j}, plus the double sum's
     * own rounding {@code n·2⁻⁵³·Σ|q_j k_j|} and underflow.
     */
    static double dotBound(float[] q, double[] dq, float[] k, double[] dk) {
        double bound = 0;
        double magnitude = 0;
        for (int j = 0; j < q.length; j++) {
            bound += (Math.abs(k[j]) + dk[j]) * dq[j] + Math.abs(q[j]) * dk[j];
            magnitude += Math.abs((double) q[j] * k[j]);
        }
        return bound + q.length * 0x1p-53 * magnitude + UNDERFLOW;
    }
}
