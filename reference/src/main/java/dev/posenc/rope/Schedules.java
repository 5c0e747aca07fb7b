package dev.posenc.rope;

import dev.posenc.rope.ScheduleDetails.Llama3.Band;
import java.util.ArrayList;
import java.util.List;

/**
 * The formulas of HF {@code modeling_rope_utils} ({@code _compute_*_parameters}), one method per schedule,
 * evaluated in double in HF's order of operations (see {@link RopeScaling} for each formula).
 */
final class Schedules {
    private Schedules() {}

    /**
     * The frequencies of {@code scaling} for rotary dimension {@code d}, base {@code base},
     * max_position_embeddings {@code maxPositions} (0 when not needed) at sequence length {@code seqLen}.
     */
    static RopeFrequencies compute(RopeScaling scaling, int d, double base, int maxPositions, int seqLen) {
        double[] inv = defaults(base, d);
        return switch (scaling) {
            case RopeScaling.Default ignored -> new RopeFrequencies(inv, 1.0, new ScheduleDetails.None());
            case RopeScaling.Linear linear -> {
                for (int i = 0; i < inv.length; i++) {
                    inv[i] /= linear.factor();
                }
                yield new RopeFrequencies(inv, 1.0, new ScheduleDetails.None());
            }
            case RopeScaling.Dynamic dynamic -> dynamic(dynamic, d, base, maxPositions, seqLen);
            case RopeScaling.Yarn yarn -> yarn(yarn, inv, d, base, maxPositions);
            case RopeScaling.Llama3 llama3 -> llama3(llama3, inv, maxPositions);
            case RopeScaling.LongRope longRope -> longRope(longRope, inv, d, base, maxPositions, seqLen);
        };
    }

    /** {@code inv_i = 1 / b^(2i/d)}, {@code i < d/2}. */
    static double[] defaults(double base, int d) {
        double[] inv = new double[d / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(base, (2.0 * i) / d);
        }
        return inv;
    }

    private static RopeFrequencies dynamic(RopeScaling.Dynamic dynamic, int d, double base, int maxPositions, int seqLen) {
        int effectiveSeqLen = Math.max(seqLen, maxPositions);
        double factor = dynamic.factor();
        // Up to max_position_embeddings the rescaled base is b·1^(d/(d−2)) = b: use b itself, exactly.
        double effectiveBase = seqLen <= maxPositions ? base
                : base * Math.pow(factor * effectiveSeqLen / maxPositions - (factor - 1), (double) d / (d - 2));
        return new RopeFrequencies(defaults(effectiveBase, d), 1.0,
                new ScheduleDetails.Dynamic(effectiveBase, effectiveSeqLen));
    }

    private static RopeFrequencies yarn(RopeScaling.Yarn yarn, double[] inv, int d, double base, int maxPositions) {
        double factor = yarn.factor();
        int context = yarn.originalMaxPositionEmbeddings() > 0 ? yarn.originalMaxPositionEmbeddings() : maxPositions;
        double lowRaw = correctionDim(yarn.betaFast(), d, base, context);
        double highRaw = correctionDim(yarn.betaSlow(), d, base, context);
        double low = Math.max(yarn.truncate() ? Math.floor(lowRaw) : lowRaw, 0);
        double high = Math.min(yarn.truncate() ? Math.ceil(highRaw) : highRaw, d - 1);
        double rampEnd = low == high ? high + 0.001 : high;   // HF's guard against a zero-width ramp
        for (int i = 0; i < inv.length; i++) {
            double ramp = Math.clamp((i - low) / (rampEnd - low), 0.0, 1.0);
            double extrapolation = inv[i];
            double interpolation = extrapolation / factor;
            inv[i] = ramp == 0 ? extrapolation : ramp == 1 ? interpolation
                    : interpolation * ramp + extrapolation * (1 - ramp);
        }
        double attention = yarn.attentionFactor() != 0 ? yarn.attentionFactor()
                : yarn.mscale() != 0 && yarn.mscaleAllDim() != 0
                        ? mscale(factor, yarn.mscale()) / mscale(factor, yarn.mscaleAllDim())
                        : mscale(factor, 1);
        return new RopeFrequencies(inv, attention, new ScheduleDetails.Yarn(factor, context, lowRaw, highRaw,
                low, high, yarn.truncate(), yarn.betaFast(), yarn.betaSlow()));
    }

    /** The (fractional) pair dimension whose wavelength fits {@code rotations} times into {@code context}. */
    private static double correctionDim(double rotations, int d, double base, int context) {
        return d * Math.log(context / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
    }

    /** YaRN's {@code get_mscale}. */
    private static double mscale(double scale, double m) {
        return scale <= 1 ? 1.0 : 0.1 * m * Math.log(scale) + 1.0;
    }

    private static RopeFrequencies llama3(RopeScaling.Llama3 llama3, double[] inv, int maxPositions) {
        double context = llama3.originalMaxPositionEmbeddings() > 0 ? llama3.originalMaxPositionEmbeddings() : maxPositions;
        double low = llama3.lowFreqFactor();
        double high = llama3.highFreqFactor();
        double factor = llama3.factor();
        double lowFreqWavelen = context / low;
        double highFreqWavelen = context / high;
        List<Band> bands = new ArrayList<>(inv.length);
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) {
                inv[i] = inv[i] / factor;
                bands.add(Band.DIVIDED);
            } else if (wavelen < highFreqWavelen) {
                bands.add(Band.UNCHANGED);
            } else {
                double smooth = (context / wavelen - low) / (high - low);
                inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
                bands.add(Band.SMOOTHED);
            }
        }
        return new RopeFrequencies(inv, 1.0, new ScheduleDetails.Llama3(bands, lowFreqWavelen, highFreqWavelen));
    }

    private static RopeFrequencies longRope(RopeScaling.LongRope longRope, double[] inv, int d, double base,
                                            int maxPositions, int seqLen) {
        int original = longRope.originalMaxPositionEmbeddings() > 0 ? longRope.originalMaxPositionEmbeddings() : maxPositions;
        double factor = longRope.factor() != 0 ? longRope.factor() : (double) maxPositions / original;
        double attention = longRope.attentionFactor() != 0 ? longRope.attentionFactor()
                : factor <= 1 ? 1.0 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
        boolean useLong = seqLen > original;
        List<Double> ext = useLong ? longRope.longFactor() : longRope.shortFactor();
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / (ext.get(i) * Math.pow(base, (2.0 * i) / d));
        }
        return new RopeFrequencies(inv, attention, new ScheduleDetails.LongRope(useLong, factor, original));
    }
}
