package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Element-wise comparison with a tolerance per element. NaN must meet NaN and ±∞ must meet the same
 * infinity; finite values must satisfy {@code |actual − expected| ≤ bound(i, expected)}. A failure
 * names the first offending index, both values, the bound and by how much it was exceeded.
 */
public final class Approx {
    private Approx() {}

    /** The allowed absolute error at element {@code i} whose expected value is {@code expected}. */
    @FunctionalInterface
    public interface Bound {
        double at(int i, double expected);

        /** {@code atol + rtol·|expected|}, the README's form. */
        static Bound of(double atol, double rtol) {
            return (i, e) -> atol + rtol * Math.abs(e);
        }
    }

    /** Compares {@code actual[actualOffset + i]} with {@code expected[i]} for every {@code i}. */
    public static void assertClose(String what, float[] actual, int actualOffset, double[] expected, Bound bound) {
        for (int i = 0; i < expected.length; i++) {
            check(what, i, actual[actualOffset + i], expected[i], bound);
        }
    }

    /** Compares two float ranges of {@code length} elements. */
    public static void assertClose(String what, float[] actual, int actualOffset, float[] expected, int expectedOffset,
                                   int length, Bound bound) {
        for (int i = 0; i < length; i++) {
            check(what, i, actual[actualOffset + i], expected[expectedOffset + i], bound);
        }
    }

    /** Compares two scalars. */
    public static void assertClose(String what, double actual, double expected, double tolerance) {
        check(what, 0, actual, expected, (i, e) -> tolerance);
    }

    private static void check(String what, int i, double actual, double expected, Bound bound) {
        if (Double.isNaN(expected) || Double.isNaN(actual) || Double.isInfinite(expected) || Double.isInfinite(actual)) {
            if (Double.compare(actual, expected) != 0) {
                fail(what + "[" + i + "]: expected " + expected + " but was " + actual);
            }
            return;
        }
        double tolerance = bound.at(i, expected);
        double error = Math.abs(actual - expected);
        if (!(error <= tolerance)) {
            fail(what + "[" + i + "]: expected " + expected + " but was " + actual + " (error " + error
                    + " > bound " + tolerance + ", " + String.format("%.1f", error / tolerance) + "× the bound)");
        }
    }
}
