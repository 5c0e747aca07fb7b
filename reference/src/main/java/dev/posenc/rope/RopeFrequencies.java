package dev.posenc.rope;

import dev.posenc.internal.Checks;
import java.util.Arrays;

/**
 * The frequencies a {@link RotaryEmbedding} rotates with at one sequence length: {@code inv_freq_i} for
 * each of the {@code r/2} pairs, in double, and the attention factor that multiplies cos and sin (HF's
 * {@code attention_scaling}). Pair {@code i} at position {@code p} is rotated by
 * {@code θ_i = p·inv_freq_i}.
 *
 * <p>Computed in double from HF's formulas: HF computes them in float32 (relative error ~1e−7, and its
 * float32 angle {@code p·inv_freq} is off by up to {@code 2⁻²⁴·p}: 4e−3 at p = 10⁵). Immutable and
 * thread-safe; obtain one from {@link RotaryEmbedding#frequencies(int)}.
 */
public final class RopeFrequencies {
    private final double[] invFreq;
    private final double attentionFactor;
    private final ScheduleDetails details;

    /** The largest {@code inv_freq} accepted: the angle {@code p·inv_freq} stays finite for every {@code |p| ≤ 2³¹}. */
    public static final double MAX_INV_FREQ = Double.MAX_VALUE / 0x1p31;

    /**
     * @throws IllegalArgumentException unless every {@code inv_freq} is in {@code (0, MAX_INV_FREQ]} and the
     *                                  attention factor and its inverse are positive normal floats (kernels
     *                                  scale by them in float)
     */
    RopeFrequencies(double[] invFreq, double attentionFactor, ScheduleDetails details) {
        this.invFreq = invFreq;
        this.attentionFactor = Checks.floatScale(attentionFactor, "attention factor");
        Checks.floatScale(1 / attentionFactor, "1 / attention factor");
        this.details = details;
        for (int i = 0; i < invFreq.length; i++) {
            if (!(invFreq[i] > 0 && invFreq[i] <= MAX_INV_FREQ)) {
                throw new IllegalArgumentException("inv_freq[" + i + "] must be finite, > 0 and <= " + MAX_INV_FREQ
                        + " (so that the angle at every int position is finite), was " + invFreq[i]);
            }
        }
    }

    /** Number of pairs, {@code r/2}. */
    public int pairs() {
        return invFreq.length;
    }

    /** {@code inv_freq_i}, {@code 0 <= i < pairs()}. */
    public double invFreq(int i) {
        return invFreq[Checks.index(i, invFreq.length, "i")];
    }

    /** A copy of every {@code inv_freq_i}. */
    public double[] invFreq() {
        return invFreq.clone();
    }

    /** The factor on cos and sin (1 except for YaRN and LongRoPE); q·k logits scale by its square. */
    public double attentionFactor() {
        return attentionFactor;
    }

    /** The schedule's intermediate values. */
    public ScheduleDetails details() {
        return details;
    }

    @Override
    public String toString() {
        return "RopeFrequencies[pairs=" + invFreq.length + ", inv_freq=" + Arrays.toString(Arrays.copyOf(invFreq,
                Math.min(4, invFreq.length))).replace("]", invFreq.length > 4 ? ", …]" : "]")
                + ", attentionFactor=" + attentionFactor + ", " + details + "]";
    }
}
