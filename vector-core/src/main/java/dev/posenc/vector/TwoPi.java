package dev.posenc.vector;

import java.math.BigDecimal;
import java.math.MathContext;
import jdk.incubator.vector.DoubleVector;

/**
 * Reduction of double angles modulo 2π (Cody and Waite): {@code r = a − k·2π} with
 * {@code k = rint(a/2π)}, 2π split into three parts of 24 significant bits so that every product
 * {@code k·P_i} is exact for |k| < 2²⁹ (any int position times a frequency ≤ 1), with or without
 * FMA. The result lies in about [−π, π] with an absolute error near 2⁻⁵⁰.
 */
final class TwoPi {
    private static final BigDecimal EXACT = new BigDecimal(
            "6.283185307179586476925286766559005768394338798750211641949889184615632812572417997256069650684234136");
    private static final double P1 = truncate(EXACT.doubleValue());
    private static final double P2 = truncate(EXACT.subtract(new BigDecimal(P1)).doubleValue());
    private static final double P3 = EXACT.subtract(new BigDecimal(P1)).subtract(new BigDecimal(P2))
            .round(MathContext.DECIMAL64).doubleValue();
    private static final double INVERSE = 1 / EXACT.doubleValue();
    /** Adding then subtracting 1.5·2⁵² rounds any |x| < 2⁵¹ to the nearest integer. */
    private static final double ROUNDER = 0x1.8p52;

    private TwoPi() {}

    static DoubleVector reduce(DoubleVector a) {
        DoubleVector k = Lanes.fma(a, DoubleVector.broadcast(a.species(), INVERSE),
                DoubleVector.broadcast(a.species(), ROUNDER)).sub(ROUNDER);
        return a.sub(k.mul(P1)).sub(k.mul(P2)).sub(k.mul(P3));
    }

    /** Keeps the top 24 significant bits. */
    private static double truncate(double v) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(v) & ~((1L << 29) - 1));
    }
}
