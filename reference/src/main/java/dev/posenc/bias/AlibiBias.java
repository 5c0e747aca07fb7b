package dev.posenc.bias;

import dev.posenc.internal.Checks;
import java.util.Arrays;

/**
 * ALiBi (Press et al. 2022, "Train Short, Test Long"): a per-head linear penalty on distance, with
 * head {@code h} adding {@code m_h·(j − i)} ({@link AlibiForm#CAUSAL}) or {@code −m_h·|i − j|}
 * ({@link AlibiForm#SYMMETRIC}) to the logit of query position i and key position j.
 *
 * <p>Slopes, computed in double, for {@code n} heads and maximum bias {@code B} (8 in the paper,
 * BLOOM, MPT and ggml's {@code max_bias}):
 * <ul>
 *   <li>n a power of two: {@code m_h = 2^(−B·(h+1)/n)}, a geometric sequence;
 *   <li>otherwise, with {@code n' = 2^⌊log₂ n⌋}: the n' slopes of n', then the slopes of 2n' at odd
 *       exponents, {@code 2^(−B·k/(2n'))} for k = 1, 3, 5, …, until there are n. The sequence is
 *       deliberately not monotone (the paper's {@code get_slopes}, BLOOM's
 *       {@code build_alibi_tensor}, ggml's {@code m0}/{@code m1}).
 * </ul>
 * BLOOM computes them in float32 ({@code torch.pow} of a float32 base): up to 4.8e−7 relative off
 * these values; rounding these to float is within 6e−8.
 *
 * <p>Immutable and thread-safe.
 */
public final class AlibiBias implements RelativeBias {
    /** The paper's maximum bias. */
    public static final double DEFAULT_MAX_BIAS = 8.0;
    /** The most heads accepted (one slope each; models use up to 128). */
    public static final int MAX_HEADS = 1 << 16;
    /**
     * The largest maximum bias accepted: the smallest slope is {@code 2^(−maxBias)}, and kernels apply the
     * slopes as floats, so it must stay a positive normal float.
     */
    public static final double MAX_MAX_BIAS = 126;

    private final double[] slopes;
    private final AlibiForm form;
    private final double maxBias;

    private AlibiBias(double[] slopes, AlibiForm form, double maxBias) {
        this.slopes = slopes;
        this.form = form;
        this.maxBias = maxBias;
    }

    /** {@code heads} slopes with maximum bias 8, {@link AlibiForm#CAUSAL}. */
    public static AlibiBias of(int heads) {
        return of(heads, DEFAULT_MAX_BIAS, AlibiForm.CAUSAL);
    }

    /** {@code heads} slopes with maximum bias 8, {@link AlibiForm#SYMMETRIC} (encoders). */
    public static AlibiBias symmetric(int heads) {
        return of(heads, DEFAULT_MAX_BIAS, AlibiForm.SYMMETRIC);
    }

    /**
     * @param heads   in {@code [1, MAX_HEADS]}
     * @param maxBias in {@code (0, MAX_MAX_BIAS]} (ggml's {@code max_bias})
     */
    public static AlibiBias of(int heads, double maxBias, AlibiForm form) {
        Checks.notNull(form, "form");
        return new AlibiBias(slopes(heads, maxBias), form, maxBias);
    }

    /** The slopes of the class comment, in double, for the arguments of {@link #of(int, double, AlibiForm)}. */
    public static double[] slopes(int heads, double maxBias) {
        Checks.inRange(heads, 1, MAX_HEADS, "heads");
        if (!(maxBias > 0 && maxBias <= MAX_MAX_BIAS)) {
            throw new IllegalArgumentException("maxBias must be in (0, " + MAX_MAX_BIAS + "] (the smallest slope, 2^(−maxBias),"
                    + " must be a positive normal float), was " + maxBias);
        }
        int base = Integer.highestOneBit(heads);
        double[] m = new double[heads];
        for (int h = 0; h < heads; h++) {
            m[h] = h < base
                    ? Math.pow(2, -maxBias * (h + 1) / base)
                    : Math.pow(2, -maxBias * (2 * (h - base) + 1) / (2.0 * base));
        }
        return m;
    }

    @Override
    public int heads() {
        return slopes.length;
    }

    /** {@code m_h}, for {@code 0 <= head < heads()}. */
    public double slope(int head) {
        return slopes[Checks.index(head, slopes.length, "head")];
    }

    /** A copy of every slope. */
    public double[] slopes() {
        return slopes.clone();
    }

    /** Which bias is added. */
    public AlibiForm form() {
        return form;
    }

    /** The maximum bias B of the slope formula. */
    public double maxBias() {
        return maxBias;
    }

    @Override
    public double bias(int head, int queryPosition, int keyPosition) {
        long distance = (long) keyPosition - queryPosition;
        return form == AlibiForm.CAUSAL ? slope(head) * distance : -slope(head) * Math.abs(distance);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlibiBias a && a.form == form && Arrays.equals(a.slopes, slopes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(slopes) + form.hashCode();
    }

    @Override
    public String toString() {
        return "AlibiBias[heads=" + slopes.length + ", maxBias=" + maxBias + ", " + form + "]";
    }
}
