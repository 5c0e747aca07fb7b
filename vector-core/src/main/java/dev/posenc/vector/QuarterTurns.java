package dev.posenc.vector;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Reduction of double angles modulo π/2 (Cody and Waite): {@code a = k·π/2 + r} with
 * {@code k = rint(a·2/π)} and {@code |r| ≤ π/4} (a few ulps more where {@code a·2/π} rounds across
 * a half), π/2 split into three parts of 22 significant bits so that every product {@code k·P_i} is
 * exact for {@code |k| < 2³¹} (any {@code |a| < 3.3e9}), with or without FMA. The remainder errs by
 * about 2⁻⁵² absolute; the quadrant {@code k mod 4} selects the sine or cosine of r and its sign
 * ({@link SinCosPolynomial}, which writes these steps out in its sweep: the package's C2 rule):
 * <pre>
 *   turns = a·(2/π) + 1.5·2⁵²       (one fma with hardware FMA): k in its low mantissa bits
 *   k = turns − 1.5·2⁵²,   r = ((a − k·P1) − k·P2) − k·P3,   k mod 4 = bits(turns) &amp; 3</pre>
 * A whole number of quarter turns added to {@code turns} is added to k exactly.
 */
final class QuarterTurns {
    private static final BigDecimal EXACT = new BigDecimal(
            "1.570796326794896619231321691639751442098584699687552910487472296153908203143104499314017412671058534");
    static final double P1 = truncate(EXACT.doubleValue());
    static final double P2 = truncate(EXACT.subtract(new BigDecimal(P1)).doubleValue());
    static final double P3 = EXACT.subtract(new BigDecimal(P1)).subtract(new BigDecimal(P2))
            .round(MathContext.DECIMAL64).doubleValue();
    static final double TWO_OVER_PI = 1 / EXACT.doubleValue();
    /** Adding 1.5·2⁵² rounds any |x| &lt; 2⁵¹ to the nearest integer, held in the low mantissa bits. */
    static final double ROUNDER = 0x1.8p52;
    /** The largest |a| reduced exactly, with margin: |k| &lt; 2³¹ needs |a| &lt; 2³¹·π/2 ≈ 3.4e9. */
    static final double MAX_ANGLE = 0x1p31;

    private QuarterTurns() {}

    /** Keeps the top 22 significant bits. */
    private static double truncate(double v) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(v) & ~((1L << 31) - 1));
    }
}
