package dev.posenc.rope;

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

    /** The dimension holding the first element of pair {@code i} in a head with {@code rotaryDim} rotary dims. */
    public int first(int i, int rotaryDim) {
        return this == HALF_SPLIT ? i : 2 * i;
    }

    /** The dimension holding the second element of pair {@code i}. */
    public int second(int i, int rotaryDim) {
        return this == HALF_SPLIT ? i + rotaryDim / 2 : 2 * i + 1;
    }
}
