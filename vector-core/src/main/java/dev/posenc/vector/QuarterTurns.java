package dev.posenc.vector;

import java.math.BigDecimal;
import java.math.MathContext;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;

/**
 * Reduction of double angles modulo π/2 (Cody and Waite): {@code a = k·π/2 + r} with
 * {@code k = rint(a·2/π)} and {@code |r| ≤ π/4} (a few ulps more where {@code a·2/π} rounds across
 * a half), π/2 split into three parts of 22 significant bits so that every product {@code k·P_i} is
 * exact for {@code |k| < 2³¹} (any {@code |a| < 3.3e9}), with or without FMA. The remainder errs by
 * about 2⁻⁵² absolute; the quadrant {@code k mod 4} selects the sine or cosine of r and its sign
 * ({@link SinCosPolynomial}).
 *
 * <p>{@link #turns} returns {@code k + 1.5·2⁵²}: a double whose low mantissa bits hold k in two's
 * complement, so that {@code k mod 4} is its two lowest bits and a whole number of quarter turns can
 * be added to it exactly.
 */
final class QuarterTurns {
    private static final BigDecimal EXACT = new BigDecimal(
            "1.570796326794896619231321691639751442098584699687552910487472296153908203143104499314017412671058534");
    private static final double P1 = truncate(EXACT.doubleValue());
    private static final double P2 = truncate(EXACT.subtract(new BigDecimal(P1)).doubleValue());
    private static final double P3 = EXACT.subtract(new BigDecimal(P1)).subtract(new BigDecimal(P2))
            .round(MathContext.DECIMAL64).doubleValue();
    private static final double TWO_OVER_PI = 1 / EXACT.doubleValue();
    /** Adding 1.5·2⁵² rounds any |x| < 2⁵¹ to the nearest integer, held in the low mantissa bits. */
    private static final double ROUNDER = 0x1.8p52;
    /** The largest |a| reduced exactly, with margin: |k| < 2³¹ needs |a| < 2³¹·π/2 ≈ 3.4e9. */
    static final double MAX_ANGLE = 0x1p31;

    private QuarterTurns() {}

    /** {@code k + 1.5·2⁵²}, {@code k = rint(a·2/π)}. */
    static DoubleVector turns(DoubleVector a) {
        return Lanes.fma(a, DoubleVector.broadcast(a.species(), TWO_OVER_PI), DoubleVector.broadcast(a.species(), ROUNDER));
    }

    /** {@code r = a − k·π/2} for {@code turns = }{@link #turns}{@code (a)}. */
    static DoubleVector remainder(DoubleVector a, DoubleVector turns) {
        DoubleVector k = turns.sub(ROUNDER);
        return a.sub(k.mul(P1)).sub(k.mul(P2)).sub(k.mul(P3));
    }

    /** {@code k mod 4} of two {@link #turns} vectors, in the int lanes of one float vector (low, then high). */
    static IntVector quadrants(DoubleVector low, DoubleVector high) {
        return Lanes.narrow(low.reinterpretAsLongs().and(3L), high.reinterpretAsLongs().and(3L));
    }

    /** Keeps the top 22 significant bits. */
    private static double truncate(double v) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(v) & ~((1L << 31) - 1));
    }
}
