package dev.posenc.rope;

import dev.posenc.internal.Checks;

/**
 * Which dimensions of a head form the pairs that RoPE rotates. Pair {@code i} ({@code 0 <= i < r/2},
 * {@code r} the rotary dimension) is rotated by the angle {@code θ_i = p·inv_freq_i}:
 * <pre>  y[first] = x[first]·cos θ_i − x[second]·sin θ_i
 *   y[second] = x[second]·cos θ_i + x[first]·sin θ_i</pre>
 * Dimensions {@code r … headDim − 1} are not part of any pair. A checkpoint is trained for one layout;
 * {@link LayoutPermutation} converts weights and vectors between them.
 */
public enum RopeLayout {
    /**
     * Pairs {@code (i, i + r/2)}: the first half of the rotary dimensions against the second.
     * HuggingFace {@code rotate_half} ({@code apply_rotary_pos_emb} of Llama, Mistral, Qwen, Gemma, Phi-3 …
     * in HF format), GPT-NeoX, ggml/llama.cpp {@code ROPE_TYPE_NEOX}; "neox" in the conformance data.
     */
    HALF_SPLIT,
    /**
     * Pairs {@code (2i, 2i + 1)}: neighbouring dimensions. The RoFormer paper, GPT-J
     * ({@code rotate_every_two}), Meta's original Llama code ({@code torch.view_as_complex}), ggml/llama.cpp
     * {@code ROPE_TYPE_NORM}; "gptj" in the conformance data.
     */
    INTERLEAVED;

    /**
     * The dimension holding the first element of pair {@code i} in a head with {@code rotaryDim} rotary dims
     * (even, ≥ 2), {@code 0 <= i < rotaryDim/2}.
     */
    public int first(int i, int rotaryDim) {
        return this == HALF_SPLIT ? pair(i, rotaryDim) : 2 * pair(i, rotaryDim);
    }

    /** The dimension holding the second element of pair {@code i}, as {@link #first}. */
    public int second(int i, int rotaryDim) {
        return this == HALF_SPLIT ? pair(i, rotaryDim) + rotaryDim / 2 : 2 * pair(i, rotaryDim) + 1;
    }

    private static int pair(int i, int rotaryDim) {
        if (rotaryDim < 2 || (rotaryDim & 1) != 0) {
            throw new IllegalArgumentException("rotaryDim must be even and >= 2, was " + rotaryDim);
        }
        return Checks.index(i, rotaryDim / 2, "i");
    }
}
