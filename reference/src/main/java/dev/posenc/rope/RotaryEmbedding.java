package dev.posenc.rope;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;
import java.util.Map;
import java.util.Objects;

/**
 * A model's rotary position embedding: head dimension, rotary dimension (the first {@code rotaryDim}
 * dims of each head are rotated, the rest pass through), {@linkplain RopeLayout pair layout}, base
 * ({@code rope_theta}), {@linkplain RopeScaling frequency schedule} and max_position_embeddings. Immutable
 * and thread-safe; the frequencies are computed once, in double, at construction (dynamic NTK above
 * max_position_embeddings excepted: those depend on the sequence length and are computed per call).
 *
 * <pre>{@code
 * RotaryEmbedding llama31 = RotaryEmbedding.of(128, 500_000, RopeLayout.HALF_SPLIT)
 *         .withScaling(new RopeScaling.Llama3(8, 1, 4, 8192), 131_072);
 * RotaryEmbedding fromConfig = RotaryEmbedding.fromHuggingFace(configJsonAsMap, RopeLayout.HALF_SPLIT);
 * }</pre>
 */
public final class RotaryEmbedding {
    /** The widest head accepted (its frequencies take 8 bytes per pair, twice for LongRoPE: 8 MiB at most). */
    public static final int MAX_HEAD_DIM = 1 << 20;

    private final int headDim;
    private final int rotaryDim;
    private final RopeLayout layout;
    private final double base;
    private final RopeScaling scaling;
    private final int maxPositionEmbeddings;
    /** The frequencies of short sequences: every schedule's, dynamic's up to max_position_embeddings, longrope's short. */
    private final RopeFrequencies shortFrequencies;
    /** LongRoPE's long_factor frequencies; {@code null} for every other schedule. */
    private final RopeFrequencies longFrequencies;

    private RotaryEmbedding(int headDim, int rotaryDim, RopeLayout layout, double base, RopeScaling scaling,
                            int maxPositionEmbeddings) {
        this.headDim = Checks.inRange(headDim, 1, MAX_HEAD_DIM, "headDim");
        this.rotaryDim = checkRotaryDim(rotaryDim, headDim);
        this.layout = Checks.notNull(layout, "layout");
        this.base = Checks.finitePositive(base, "rope_theta");
        if (base <= 1) {
            throw new IllegalArgumentException("rope_theta must be > 1, was " + base);
        }
        this.scaling = Checks.notNull(scaling, "scaling");
        this.maxPositionEmbeddings = Checks.nonNegative(maxPositionEmbeddings, "max_position_embeddings");
        requireConsistent();
        this.shortFrequencies = schedule(1);
        this.longFrequencies = scaling instanceof RopeScaling.LongRope ? schedule(Integer.MAX_VALUE) : null;
        if (scaling instanceof RopeScaling.Dynamic) {
            schedule(Integer.MAX_VALUE);   // the base grows with seq_len: its frequencies must hold up to the longest
        }
    }

    /**
     * The frequencies at sequence length {@code seqLen}; an {@link IllegalArgumentException} from them (a
     * frequency or attention factor out of range) names the parameters that produced it.
     */
    private RopeFrequencies schedule(int seqLen) {
        try {
            return Schedules.compute(scaling, rotaryDim, base, maxPositionEmbeddings, seqLen);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rope_theta = " + base + " with " + scaling + " (rotaryDim " + rotaryDim
                    + ", max_position_embeddings " + maxPositionEmbeddings + ", seq_len " + seqLen + "): "
                    + e.getMessage(), e);
        }
    }

    /** Full rotary ({@code rotaryDim = headDim}, even), the {@link RopeScaling.Default default} schedule. */
    public static RotaryEmbedding of(int headDim, double base, RopeLayout layout) {
        return of(headDim, headDim, base, layout);
    }

    /** The first {@code rotaryDim} dims rotated (even, 2 … headDim), the default schedule. */
    public static RotaryEmbedding of(int headDim, int rotaryDim, double base, RopeLayout layout) {
        return new RotaryEmbedding(headDim, rotaryDim, layout, base, new RopeScaling.Default(), 0);
    }

    /**
     * Reads a HuggingFace {@code config.json} (parsed into a map): {@code head_dim} (else
     * {@code hidden_size / num_attention_heads}, GPT-J: {@code n_embd / n_head}); the rotary dimension from
     * {@code rotary_dim} (GPT-J), else {@code int(head_dim · partial_rotary_factor)} (also GPT-NeoX's
     * {@code rotary_pct}), default all of it;
     * {@code rope_theta} (GPT-NeoX: {@code rotary_emb_base}; default 10000); {@code max_position_embeddings};
     * the schedule from {@code rope_scaling} or transformers v5 {@code rope_parameters} (which may hold
     * rope_theta and partial_rotary_factor too); a top-level {@code original_max_position_embeddings}
     * (Phi-3) for the schedules that use one. Other keys are ignored. The layout is not in HF configs (it
     * is the model code's choice): pass it.
     *
     * @throws IllegalArgumentException for missing, mistyped or inconsistent values, naming the key
     */
    public static RotaryEmbedding fromHuggingFace(Map<String, ?> config, RopeLayout layout) {
        return HuggingFaceConfig.embedding(config, layout);
    }

    /** The same with only the first {@code rotaryDim} dims of each head rotated (even, 2 … headDim). */
    public RotaryEmbedding withRotaryDim(int rotaryDim) {
        return new RotaryEmbedding(headDim, rotaryDim, layout, base, scaling, maxPositionEmbeddings);
    }

    /** The same with the other pair layout (for a checkpoint converted with {@link LayoutPermutation}). */
    public RotaryEmbedding withLayout(RopeLayout layout) {
        return new RotaryEmbedding(headDim, rotaryDim, layout, base, scaling, maxPositionEmbeddings);
    }

    /**
     * The same with another schedule.
     *
     * @param maxPositionEmbeddings the model's max_position_embeddings: needed by dynamic, and by yarn,
     *                              llama3 and longrope when their original_max_position_embeddings is 0
     *                              (0: not known)
     */
    public RotaryEmbedding withScaling(RopeScaling scaling, int maxPositionEmbeddings) {
        return new RotaryEmbedding(headDim, rotaryDim, layout, base, scaling, maxPositionEmbeddings);
    }

    /** Dimensions per head. */
    public int headDim() {
        return headDim;
    }

    /** Rotated dimensions per head (the first ones); the others are copied unchanged. */
    public int rotaryDim() {
        return rotaryDim;
    }

    /** Which dimensions form the rotated pairs. */
    public RopeLayout layout() {
        return layout;
    }

    /** The base {@code rope_theta}. */
    public double base() {
        return base;
    }

    /** The frequency schedule. */
    public RopeScaling scaling() {
        return scaling;
    }

    /** max_position_embeddings; 0 when not given. */
    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /** The frequencies of short sequences (HF's at initialisation). */
    public RopeFrequencies frequencies() {
        return shortFrequencies;
    }

    /**
     * The frequencies at sequence length {@code seqLen} (HF: max position + 1). Only {@link RopeScaling.Dynamic}
     * (above max_position_embeddings: computed anew on each call) and {@link RopeScaling.LongRope} (long_factor
     * above original_max_position_embeddings) depend on it.
     */
    public RopeFrequencies frequencies(int seqLen) {
        Checks.nonNegative(seqLen, "seqLen");
        if (scaling instanceof RopeScaling.Dynamic && seqLen > maxPositionEmbeddings) {
            return schedule(seqLen);
        }
        return longFrequencies != null && seqLen > longRopeThreshold() ? longFrequencies : shortFrequencies;
    }

    /** Requires an even {@code rotaryDim} in {@code [2, headDim]}. */
    static int checkRotaryDim(int rotaryDim, int headDim) {
        Checks.even(rotaryDim, "rotaryDim");
        if (rotaryDim < 2 || rotaryDim > headDim) {
            throw new IllegalArgumentException("rotaryDim must be in [2, headDim = " + headDim + "], was " + rotaryDim);
        }
        return rotaryDim;
    }

    /** The frequencies HF uses for a call at {@code positions}: those of sequence length max position + 1. */
    public RopeFrequencies frequencies(Positions positions) {
        return frequencies(seqLen(positions));
    }

    /** Max position + 1 (at most {@link Integer#MAX_VALUE}); 0 for no positions. */
    static int seqLen(Positions positions) {
        return positions.count() == 0 ? 0 : (int) Math.min((long) positions.max() + 1, Integer.MAX_VALUE);
    }

    /** Whether sequence lengths {@code a} and {@code b} give the same frequencies. */
    boolean sameFrequencies(int a, int b) {
        return switch (scaling) {
            case RopeScaling.Dynamic ignored -> Math.max(a, maxPositionEmbeddings) == Math.max(b, maxPositionEmbeddings);
            case RopeScaling.LongRope ignored -> (a > longRopeThreshold()) == (b > longRopeThreshold());
            default -> true;
        };
    }

    private int longRopeThreshold() {
        int original = ((RopeScaling.LongRope) scaling).originalMaxPositionEmbeddings();
        return original > 0 ? original : maxPositionEmbeddings;
    }

    private void requireConsistent() {
        boolean needsMax = switch (scaling) {
            case RopeScaling.Dynamic dynamic -> {
                if (rotaryDim <= 2) {
                    throw new IllegalArgumentException("dynamic scaling needs rotaryDim > 2 (its exponent is d/(d−2)), was "
                            + rotaryDim);
                }
                yield true;
            }
            case RopeScaling.Yarn yarn -> yarn.originalMaxPositionEmbeddings() == 0;
            case RopeScaling.Llama3 llama3 -> llama3.originalMaxPositionEmbeddings() == 0;
            case RopeScaling.LongRope longRope -> {
                if (longRope.shortFactor().size() != rotaryDim / 2) {
                    throw new IllegalArgumentException("short_factor and long_factor must have rotary_dim/2 = "
                            + rotaryDim / 2 + " entries, had " + longRope.shortFactor().size());
                }
                yield longRope.originalMaxPositionEmbeddings() == 0 || longRope.factor() == 0;
            }
            default -> false;
        };
        if (needsMax && maxPositionEmbeddings == 0) {
            throw new IllegalArgumentException("max_position_embeddings must be > 0 for " + scaling.ropeType()
                    + " scaling as given (" + scaling + "), was 0");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RotaryEmbedding r && r.headDim == headDim && r.rotaryDim == rotaryDim && r.layout == layout
                && Double.compare(r.base, base) == 0 && r.scaling.equals(scaling)
                && r.maxPositionEmbeddings == maxPositionEmbeddings;
    }

    @Override
    public int hashCode() {
        return Objects.hash(headDim, rotaryDim, layout, base, scaling, maxPositionEmbeddings);
    }

    @Override
    public String toString() {
        return "RotaryEmbedding[headDim=" + headDim + ", rotaryDim=" + rotaryDim + ", " + layout + ", rope_theta=" + base
                + ", " + scaling + ", max_position_embeddings=" + maxPositionEmbeddings + "]";
    }
}
