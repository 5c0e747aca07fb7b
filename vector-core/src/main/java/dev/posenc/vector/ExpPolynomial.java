package dev.posenc.vector;

/**
 * Constants of the float exponential that the softmax-style kernels inline into their loops
 * (Cody–Waite reduction plus the Cephes {@code expf} polynomial):
 * <pre>  k = rint(x·log₂e),  r = x − k·ln2 (two parts),  exp(x) = 2^k · (1 + r + r²·P(r))</pre>
 * Measured against {@link Math#exp} over every third float in [−87.34, 0]: at most 1.01 ulp of
 * the exact value. Results for x &lt; {@link #UNDERFLOW} (below 2⁻¹²⁶) are flushed to 0, and 2^k is
 * applied as 2^(k+1)·0.5 so that results just above that stay exact (or as {@code q·2^k + 2^k}, the same
 * bits in three fewer operations: {@link #BIASED_ROUNDER}). Kernels write these steps out
 * in their loops (the package's C2 rule); the Vector API's {@code EXP} (an SVML call) runs at two
 * thirds of this speed on Zen 4, but faster on the Sapphire Rapids-class Xeon of issue 11's runs: there a
 * sweep of these steps alone (load, exponential, store, sum; 512×1024 elements) ran at about 0.9× its speed.
 *
 * <p>The steps stand twice, in {@code TileExp.exponentials} and in {@code VectorSoftmax}'s exponential sweep, each
 * with its own broadcasts of these constants. A helper taking vectors would break the C2 rule. The softmax could call
 * TileExp's sweep only after a pass of its own over the row: it flushes results below 2⁻¹²⁶ where TileExp rounds them
 * into the subnormals, and its sweep also takes the next row's maximum, whose loads overlap its arithmetic there (about
 * 25% faster than in a sweep of their own, VectorSoftmax); not tried. The constants broadcast once here, as {@code static final} vectors read by
 * both loops instead of broadcast in each (the same bits): the softmax ran 0.82× as fast (512 rows of 1024, paired
 * against the broadcasts, quartiles 0.78–0.87, 606 pairs at load 4.8).
 */
final class ExpPolynomial {
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HI + LN2_LO, LN2_HI with few enough bits that k·LN2_HI is exact. */
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** Adding 1.5·2²³ rounds to an integer held in the low mantissa bits. */
    static final float ROUNDER = 0x1.8p23f;
    /**
     * {@code ROUNDER + 127}, which rounds as well: since the low 9 bits of {@code bits(ROUNDER)} are 0,
     * {@code bits(x·log₂e + BIASED_ROUNDER) << 23} is {@code (k + 127) << 23}, the bits of 2^k (k ≥ −126), in one
     * shift; {@code exp(x) = q·2^k + 2^k} with {@code q = r + r²·P(r)} (one fused multiply-add) has the bits of
     * the 2^(k+1)·0.5 form, since scaling by a power of two is exact where the result is normal: measured equal
     * over every float in [{@link #UNDERFLOW}, 0] (at {@code UNDERFLOW} itself, a subnormal result, both give
     * 1.1754907e−38). A NaN x gives NaN (the fused multiply-add keeps it whatever 2^k's bits).
     */
    static final float BIASED_ROUNDER = ROUNDER + 127;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;
    /**
     * ln(2⁻¹²⁶) rounded to float (−87.3365479, just below the exact −87.3365448): below it the result would be
     * subnormal and is flushed to 0; at it, the one float input whose result is subnormal, 1.1754907e−38.
     */
    static final float UNDERFLOW = -87.33654475f;

    private ExpPolynomial() {}
}
