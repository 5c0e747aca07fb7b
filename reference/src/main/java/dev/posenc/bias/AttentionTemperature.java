package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * Llama 4's attention-temperature tuning of its NoPE layers ({@code attn_temperature_tuning}; Nakanishi
 * 2025, "Scalable-Softmax Is Superior for Attention"): the query at position p is multiplied by
 * <pre>  τ(p) = log(⌊(p + 1) / floor_scale⌋ + 1)·attn_scale + 1</pre>
 * so that logits sharpen slowly as the context grows (τ = 1 for the first {@code floor_scale − 1}
 * positions). Llama 4 Scout and Maverick use {@code floor_scale = 8192}, {@code attn_scale = 0.1} on
 * every fourth layer, the ones without RoPE. This matches HF {@code modeling_llama4.Llama4TextAttention.forward}
 * ({@code attn_scales} from {@code cache_position}, {@code query_states * attn_scales}), which computes
 * τ in float32; here it is double (the floor is exact in both for integer {@code floor_scale} and
 * positions below 2²⁴). A query at a negative position (one that sees no key) gets τ = 1.
 *
 * <p>Immutable and thread-safe.
 */
public final class AttentionTemperature implements PositionScheme {
    private final double floorScale;
    private final double attnScale;

    private AttentionTemperature(double floorScale, double attnScale) {
        this.floorScale = floorScale;
        this.attnScale = attnScale;
    }

    /**
     * @param floorScale finite and ≥ 1 (HF {@code floor_scale}, an integer in Llama 4's configs)
     * @param attnScale  in [0, 1e30] (HF {@code attn_scale}), so that τ at every int position is a float
     *                   (at most 22·attnScale + 1)
     */
    public static AttentionTemperature of(double floorScale, double attnScale) {
        if (!(Checks.finite(floorScale, "floorScale") >= 1)) {
            throw new IllegalArgumentException("floorScale must be >= 1, was " + floorScale);
        }
        if (!(Checks.finite(attnScale, "attnScale") >= 0 && attnScale <= 1e30)) {
            throw new IllegalArgumentException("attnScale must be in [0, 1e30], was " + attnScale);
        }
        return new AttentionTemperature(floorScale, attnScale);
    }

    public double floorScale() {
        return floorScale;
    }

    public double attnScale() {
        return attnScale;
    }

    /** τ(p) of the class comment. */
    @Override
    public double queryScale(int queryPosition) {
        return queryPosition < 0 ? 1 : Math.log(Math.floor((queryPosition + 1.0) / floorScale) + 1) * attnScale + 1;
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {}

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionTemperature t && Double.compare(t.floorScale, floorScale) == 0
                && Double.compare(t.attnScale, attnScale) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(floorScale) * 31 + Double.hashCode(attnScale);
    }

    @Override
    public String toString() {
        return "AttentionTemperature[floorScale=" + floorScale + ", attnScale=" + attnScale + "]";
    }
}
