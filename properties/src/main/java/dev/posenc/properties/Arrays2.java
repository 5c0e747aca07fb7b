package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/** Small array helpers for the suites: sentinel-filled buffers and untouched-range checks. */
public final class Arrays2 {
    /** A value no kernel produces from the generated data: marks elements that must stay unwritten. */
    public static final float SENTINEL = -1.2345678e-33f;

    private Arrays2() {}

    /** An array of {@code length} sentinels. */
    public static float[] sentinels(int length) {
        float[] a = new float[length];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    /** Fails unless every element outside {@code [from, from + length)} is still the sentinel. */
    public static void assertUntouchedOutside(float[] array, int from, int length, String name) {
        for (int i = 0; i < array.length; i++) {
            if ((i < from || i >= from + length) && Float.floatToRawIntBits(array[i]) != Float.floatToRawIntBits(SENTINEL)) {
                fail(name + "[" + i + "] was written (" + array[i] + ") but lies outside the output range [" + from
                        + ", " + (from + length) + ")");
            }
        }
    }

    /** {@code (double) a[i]} for every element. */
    public static double[] widen(float[] a, int from, int length) {
        double[] d = new double[length];
        for (int i = 0; i < length; i++) {
            d[i] = a[from + i];
        }
        return d;
    }
}
