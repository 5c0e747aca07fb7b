package dev.posenc.rope;

import java.util.List;

/**
 * The intermediate values a schedule derived on the way to its frequencies, for checking a port against
 * HF (the conformance data records the same quantities).
 */
public sealed interface ScheduleDetails {

    /** Default and linear schedules: nothing beyond the frequencies. */
    record None() implements ScheduleDetails {}

    /**
     * Dynamic NTK.
     *
     * @param effectiveBase   the base the frequencies were computed with ({@code rope_theta} up to
     *                        max_position_embeddings)
     * @param effectiveSeqLen {@code max(seq_len, max_position_embeddings)}
     */
    record Dynamic(double effectiveBase, int effectiveSeqLen) implements ScheduleDetails {}

    /**
     * YaRN.
     *
     * @param factor            the interpolation factor used
     * @param correctionContext the context length of the correction range (original, else max, position embeddings)
     * @param lowRaw            {@code dim(beta_fast)} before truncation and clamping
     * @param highRaw           {@code dim(beta_slow)} before truncation and clamping
     * @param low               the ramp's start as used
     * @param high              the ramp's end as used
     */
    record Yarn(double factor, int correctionContext, double lowRaw, double highRaw, double low, double high,
                boolean truncate, double betaFast, double betaSlow) implements ScheduleDetails {}

    /**
     * Llama 3.
     *
     * @param bands           one per pair
     * @param lowFreqWavelen  {@code original/low_freq_factor}: longer wavelengths are divided by factor
     * @param highFreqWavelen {@code original/high_freq_factor}: shorter wavelengths are unchanged
     */
    record Llama3(List<Band> bands, double lowFreqWavelen, double highFreqWavelen) implements ScheduleDetails {
        public Llama3 {
            bands = List.copyOf(bands);
        }

        /** What Llama 3 did to a pair's frequency (the conformance data's 0, 1, 2). */
        public enum Band {
            /** Wavelength below {@code highFreqWavelen}: unchanged. */
            UNCHANGED,
            /** In between: smoothed. */
            SMOOTHED,
            /** Wavelength above {@code lowFreqWavelen}: divided by factor. */
            DIVIDED
        }
    }

    /**
     * LongRoPE.
     *
     * @param usesLongFactor                whether long_factor applied (sequence longer than the original context)
     * @param factor                        the factor the attention factor was derived from
     * @param originalMaxPositionEmbeddings the threshold
     */
    record LongRope(boolean usesLongFactor, double factor, int originalMaxPositionEmbeddings) implements ScheduleDetails {}
}
