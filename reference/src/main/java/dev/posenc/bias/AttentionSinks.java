package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * Learned attention sinks (gpt-oss): one logit {@code σ_h} per head that joins every row's softmax
 * denominator and carries no value,
 * <pre>  out_i = Σ_j exp(z_ij − m)·v_j / (exp(σ_h − m) + Σ_j exp(z_ij − m)),   m = max(σ_h, max_j z_ij)</pre>
 * so a row may give part of its attention to "nothing". σ_h is added as it is, after the scale (not
 * scaled). This matches HF {@code modeling_gpt_oss.eager_attention_forward} (the layer's {@code sinks}
 * parameter, passed to other attention functions as {@code s_aux}: {@code torch.cat([attn_weights,
 * sinks])}, softmax, the sink column dropped) and ggml's {@code ggml_soft_max_ext}/flash-attention
 * {@code sinks}. gpt-oss uses them on every layer, with a sliding window ({@code withWindow}) on every
 * other one. A row that sees no key outputs zeros (all its weight goes to the sink).
 *
 * <p>The logits are copied at construction. Immutable and thread-safe.
 */
public final class AttentionSinks implements PositionScheme {
    private final float[] sinks;

    private AttentionSinks(float[] sinks) {
        this.sinks = sinks;
    }

    /**
     * A copy of {@code sinks[offset … offset + heads)}, one finite logit per query head (HF's
     * {@code self.sinks}, shape {@code [num_attention_heads]}).
     */
    public static AttentionSinks of(float[] sinks, int offset, int heads) {
        Checks.positive(heads, "heads");
        Checks.fits(sinks, "sinks", offset, heads, "heads");
        float[] copy = new float[heads];
        for (int h = 0; h < heads; h++) {
            copy[h] = (float) Checks.finite(sinks[offset + h], "sinks[" + (offset + h) + "]");
        }
        return new AttentionSinks(copy);
    }

    /** The number of heads, one sink each. */
    public int heads() {
        return sinks.length;
    }

    /** {@code σ_h}. */
    public float sink(int head) {
        return sinks[Checks.index(head, sinks.length, "head")];
    }

    @Override
    public double sinkLogit(int head) {
        return sink(head);
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (heads != sinks.length) {
            throw new IllegalArgumentException("AttentionSinks has " + sinks.length + " heads but attention has heads = " + heads);
        }
    }

    @Override
    public String toString() {
        return "AttentionSinks[heads=" + sinks.length + "]";
    }
}
