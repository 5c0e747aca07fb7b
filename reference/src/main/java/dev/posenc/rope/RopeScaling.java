package dev.posenc.rope;

import dev.posenc.internal.Checks;
import java.util.List;
import java.util.Map;

/**
 * A RoPE frequency schedule: how the inverse frequencies {@code inv_freq_i} (and the attention factor
 * that multiplies cos and sin) are derived, exactly as HuggingFace {@code modeling_rope_utils} derives
 * them, but in double. Component names are the {@code rope_scaling} keys of an HF {@code config.json} in
 * camel case, so a model's values can be passed straight through, or the whole dict with
 * {@link #fromHuggingFace(Map)}.
 *
 * <p>With {@code d} the rotary dimension, {@code b} the base ({@code rope_theta}) and
 * {@code inv_i = b^(−2i/d)} the {@link Default default} frequencies, {@code i < d/2}:
 * <ul>
 *   <li>{@link Default}: {@code inv_i};
 *   <li>{@link Linear} (position interpolation): {@code inv_i / factor};
 *   <li>{@link Dynamic} (dynamic NTK): the default formula with base
 *       {@code b·(factor·s/m − (factor − 1))^(d/(d−2))}, {@code s} the sequence length
 *       (max position + 1), {@code m} = max_position_embeddings, when {@code s > m}; else {@code inv_i};
 *   <li>{@link Yarn}: a ramp between {@code inv_i} (fast pairs) and {@code inv_i/factor} (slow pairs), and an
 *       attention factor {@code 0.1·ln(factor) + 1};
 *   <li>{@link Llama3}: {@code inv_i} for short wavelengths, {@code inv_i/factor} for long ones, a smooth
 *       blend between;
 *   <li>{@link LongRope}: {@code inv_i / ext_i} with {@code ext} = long_factor once the sequence is longer
 *       than original_max_position_embeddings, else short_factor, and attention factor
 *       {@code sqrt(1 + ln(factor)/ln(original))}.
 * </ul>
 * Optional numeric parameters use 0 for "absent" (HF's {@code None}), and then take HF's default.
 * Every record validates its values when constructed: bad ones are an {@link IllegalArgumentException}
 * naming the HF key, its value and what was expected.
 */
public sealed interface RopeScaling {

    /** HF's {@code rope_type}: "default", "linear", "dynamic", "yarn", "llama3" or "longrope". */
    String ropeType();

    /**
     * Reads an HF {@code rope_scaling} (or transformers v5 {@code rope_parameters}) dict, e.g. parsed from
     * {@code config.json}: {@code rope_type} (or the legacy {@code type}) and that type's keys. {@code null}
     * or an empty map is {@link Default}. Numbers may be any {@link Number}, lists any {@link List} of
     * numbers; {@code null} values count as absent.
     *
     * @throws IllegalArgumentException for an unknown rope_type, an unknown key, a missing required key or a
     *                                  value of the wrong type or range (the message names it)
     */
    static RopeScaling fromHuggingFace(Map<String, ?> ropeScaling) {
        return HuggingFaceConfig.scaling(ropeScaling);
    }

    /** The original RoPE: {@code inv_i = b^(−2i/d)}, attention factor 1. */
    record Default() implements RopeScaling {
        @Override
        public String ropeType() {
            return "default";
        }
    }

    /**
     * Linear position interpolation (kaiokendev; Chen et al. 2023): {@code inv_i / factor}, i.e. position
     * {@code m} behaves as {@code m / factor} does without scaling.
     *
     * @param factor finite, > 0 (HF expects ≥ 1)
     */
    record Linear(double factor) implements RopeScaling {
        public Linear {
            Checks.finitePositive(factor, "factor");
        }

        @Override
        public String ropeType() {
            return "linear";
        }
    }

    /**
     * Dynamic NTK scaling (bloc97, emozilla): the base grows with the sequence length {@code s} once it
     * exceeds max_position_embeddings {@code m}: {@code b' = b·(factor·s/m − (factor − 1))^(d/(d−2))}. The
     * kernel takes {@code s} = max position of the call + 1 (HF {@code dynamic_rope_update}) and keeps no
     * state, where HF keeps the largest frequencies it has seen until the length drops below {@code m}.
     * HF accepts original_max_position_embeddings for this type and ignores it; so does
     * {@link #fromHuggingFace}. Needs a rotary dimension above 2.
     *
     * @param factor finite, > 0
     */
    record Dynamic(double factor) implements RopeScaling {
        public Dynamic {
            Checks.finitePositive(factor, "factor");
        }

        @Override
        public String ropeType() {
            return "dynamic";
        }
    }

    /**
     * YaRN (Peng et al. 2023), as HF computes it. With the correction context {@code L} =
     * original_max_position_embeddings (or max_position_embeddings when 0),
     * {@code dim(β) = d·ln(L/(2πβ)) / (2·ln b)}, {@code low = dim(beta_fast)}, {@code high = dim(beta_slow)}
     * (floored and ceiled when {@code truncate}, then clamped to {@code [0, d−1]}), the ramp
     * {@code ρ_i = clamp((i − low)/(high − low), 0, 1)} and
     * <pre>  inv'_i = inv_i·(1 − ρ_i) + (inv_i/factor)·ρ_i</pre>
     * Pairs at or below {@code low} keep {@code inv_i} exactly, those at or above {@code high} get
     * {@code inv_i/factor} exactly (HF writes {@code 1/(factor·b^(2i/d))}, within one ulp). When the clamp
     * makes {@code low > high} (correction range past the last dimension: tiny rotary dims or bases), the
     * ramp's denominator is negative and, as in HF, pairs below {@code low} are divided too. The attention
     * factor is {@code attention_factor} if given, else {@code g(factor, mscale)/g(factor, mscale_all_dim)}
     * when both mscales are non-zero, else {@code g(factor, 1)}, with
     * {@code g(s, m) = s <= 1 ? 1 : 0.1·m·ln(s) + 1}.
     *
     * <p>The explicit {@code factor} is used even when original_max_position_embeddings is given and
     * max_position_embeddings/original differs from it (current transformers; some 4.5x versions replaced
     * factor by that ratio).
     *
     * @param factor                        finite, > 0
     * @param originalMaxPositionEmbeddings the pre-YaRN context; 0: use max_position_embeddings
     * @param betaFast                      0: 32
     * @param betaSlow                      0: 1; must be below betaFast
     * @param mscale                        0: absent
     * @param mscaleAllDim                  0: absent
     * @param attentionFactor               0: derived as above; else > 0
     * @param truncate                      floor/ceil the correction range (HF default true; gpt-oss: false)
     */
    record Yarn(double factor, int originalMaxPositionEmbeddings, double betaFast, double betaSlow, double mscale,
                double mscaleAllDim, double attentionFactor, boolean truncate) implements RopeScaling {
        public Yarn {
            Checks.finitePositive(factor, "factor");
            Checks.nonNegative(originalMaxPositionEmbeddings, "original_max_position_embeddings");
            betaFast = betaFast == 0 ? 32 : Checks.finitePositive(betaFast, "beta_fast");
            betaSlow = betaSlow == 0 ? 1 : Checks.finitePositive(betaSlow, "beta_slow");
            if (betaFast <= betaSlow) {
                throw new IllegalArgumentException("beta_fast must be > beta_slow, was beta_fast = " + betaFast
                        + ", beta_slow = " + betaSlow);
            }
            Checks.finite(mscale, "mscale");
            Checks.finite(mscaleAllDim, "mscale_all_dim");
            if (attentionFactor != 0) {
                Checks.finitePositive(attentionFactor, "attention_factor");
            }
        }

        /** YaRN with HF's defaults: beta 32/1, no mscale, derived attention factor, truncated range. */
        public static Yarn of(double factor, int originalMaxPositionEmbeddings) {
            return new Yarn(factor, originalMaxPositionEmbeddings, 0, 0, 0, 0, 0, true);
        }

        @Override
        public String ropeType() {
            return "yarn";
        }
    }

    /**
     * Llama 3.1's schedule. With wavelength {@code λ_i = 2π/inv_i} and {@code L} = original_max_position_embeddings:
     * {@code λ_i < L/high_freq_factor}: unchanged; {@code λ_i > L/low_freq_factor}: {@code inv_i/factor};
     * between: {@code (1 − σ)·inv_i/factor + σ·inv_i} with {@code σ = (L/λ_i − low)/(high − low)}.
     * Llama 3.1/3.3: factor 8, low 1, high 4, L 8192; Llama 3.2 1B/3B: factor 32.
     *
     * @param factor                        finite, > 0
     * @param lowFreqFactor                 finite, > 0
     * @param highFreqFactor                finite, > lowFreqFactor
     * @param originalMaxPositionEmbeddings 0: max_position_embeddings (as current HF fills it in)
     */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings)
            implements RopeScaling {
        public Llama3 {
            Checks.finitePositive(factor, "factor");
            Checks.finitePositive(lowFreqFactor, "low_freq_factor");
            Checks.finitePositive(highFreqFactor, "high_freq_factor");
            if (lowFreqFactor >= highFreqFactor) {
                throw new IllegalArgumentException("low_freq_factor must be < high_freq_factor, was low_freq_factor = "
                        + lowFreqFactor + ", high_freq_factor = " + highFreqFactor);
            }
            Checks.nonNegative(originalMaxPositionEmbeddings, "original_max_position_embeddings");
        }

        @Override
        public String ropeType() {
            return "llama3";
        }
    }

    /**
     * LongRoPE (Ding et al. 2024; Phi-3/Phi-4): {@code inv_i / ext_i} with {@code ext} = longFactor when the
     * sequence length (max position + 1) exceeds original_max_position_embeddings {@code L}, else shortFactor.
     * The attention factor is {@code attention_factor} if given, else 1 for {@code factor <= 1}, else
     * {@code sqrt(1 + ln(factor)/ln(L))}, with factor = max_position_embeddings/L when not given.
     *
     * @param shortFactor                   d/2 finite positive numbers (the length is checked against the
     *                                      rotary dimension by {@link RotaryEmbedding})
     * @param longFactor                    as many
     * @param factor                        0: max_position_embeddings / original_max_position_embeddings
     * @param attentionFactor               0: derived as above; else > 0
     * @param originalMaxPositionEmbeddings 0: max_position_embeddings
     */
    record LongRope(List<Double> shortFactor, List<Double> longFactor, double factor, double attentionFactor,
                    int originalMaxPositionEmbeddings) implements RopeScaling {
        public LongRope {
            shortFactor = positiveList(shortFactor, "short_factor");
            longFactor = positiveList(longFactor, "long_factor");
            if (shortFactor.size() != longFactor.size()) {
                throw new IllegalArgumentException("long_factor must have as many entries as short_factor ("
                        + shortFactor.size() + "), had " + longFactor.size());
            }
            if (factor != 0) {
                Checks.finitePositive(factor, "factor");
            }
            if (attentionFactor != 0) {
                Checks.finitePositive(attentionFactor, "attention_factor");
            }
            Checks.nonNegative(originalMaxPositionEmbeddings, "original_max_position_embeddings");
        }

        @Override
        public String ropeType() {
            return "longrope";
        }

        private static List<Double> positiveList(List<Double> values, String name) {
            Checks.notNull(values, name);
            if (values.isEmpty()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            for (int i = 0; i < values.size(); i++) {
                Double v = values.get(i);
                if (v == null || !(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException(name + "[" + i + "] must be finite and > 0, was " + v);
                }
            }
            return List.copyOf(values);
        }
    }
}
