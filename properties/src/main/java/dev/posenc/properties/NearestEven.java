package dev.posenc.properties;

import dev.posenc.attention.KvPrecision;

/**
 * A float rounded to a shorter binary format, stated independently of the library's conversions: with
 * {@code p} significant bits and smallest normal exponent {@code emin} (F16: 11 and −14, largest finite
 * 65504; BF16: 8 and −126, largest finite {@code (2 − 2⁻⁷)·2¹²⁷}),
 * <pre>  ulp(x) = 2^(max(exponent(x), emin) − p + 1),   round(x) = rint(x / ulp(x)) · ulp(x)</pre>
 * in double, where both scalings are exact and {@link Math#rint} rounds ties to the even integer: IEEE 754
 * round to nearest, ties to even, subnormals included. A result beyond the largest finite value is ±∞
 * (the tie at the largest finite value plus half an ulp goes to the even neighbour, which is 2^(emax+1): ∞).
 * NaN, ±∞ and ±0 stay as they are. F32 keeps x.
 */
public final class NearestEven {
    private NearestEven() {}

    /** {@code x} rounded to {@code precision}. */
    public static float round(KvPrecision precision, float x) {
        return switch (precision) {
            case F32 -> x;
            case F16 -> round(x, 11, -14, 65504);
            case BF16 -> round(x, 8, -126, 0x1.fep127);
        };
    }

    /** The distance from {@code x} to the next value of {@code precision} away from zero (x finite). */
    public static double ulp(KvPrecision precision, float x) {
        return switch (precision) {
            case F32 -> Math.ulp(x);
            case F16 -> ulp(x, 11, -14);
            case BF16 -> ulp(x, 8, -126);
        };
    }

    private static double ulp(float x, int bits, int minExponent) {
        return Math.scalb(1.0, Math.max(Math.getExponent(x), minExponent) - bits + 1);
    }

    private static float round(float x, int bits, int minExponent, double maxFinite) {
        if (!Float.isFinite(x)) {
            return x;
        }
        double ulp = ulp(x, bits, minExponent);
        double r = Math.rint(x / ulp) * ulp;
        return Math.abs(r) > maxFinite ? Math.copySign(Float.POSITIVE_INFINITY, x) : (float) r;
    }
}
