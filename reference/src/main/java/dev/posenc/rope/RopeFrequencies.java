package dev.posenc.rope;

import dev.posenc.internal.Checks;
import java.util.Arrays;
import java.util.Objects;

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

    RopeFrequencies(double[] invFreq, double attentionFactor, ScheduleDetails details) {
        this.invFreq = invFreq;
        this.attentionFactor = Checks.finitePositive(attentionFactor, "attention factor");
        this.details = details;
        for (int i = 0; i < invFreq.length; i++) {
            if (!(invFreq[i] > 0) || Double.isInfinite(invFreq[i])) {
                throw new IllegalArgumentException("inv_freq[" + i + "] must be finite and > 0, was " + invFreq[i]
                        + ": the schedule's parameters are out of range");
            }
        }
    }

    /** Number of pairs, {@code r/2}. */
    public int pairs() {
        return invFreq.length;
    }

    /** {@code inv_freq_i}, {@code 0 <= i < pairs()}. */
    public double invFreq(int i) {
        return invFreq[Objects.checkIndex(i, invFreq.length)];
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
