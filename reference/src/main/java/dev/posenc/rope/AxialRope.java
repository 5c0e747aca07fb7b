package dev.posenc.rope;

/**
 * RoPE whose rotary pairs are shared out between several position axes: pair {@code i} of a row at
 * positions {@code (p_0, p_1, …)} is rotated by {@code θ_i = p_{axis(i)}·inv_freq_i}, with the
 * {@linkplain RopeLayout pair layout}, attention factor and pass-through dims of text RoPE. With one
 * position on every axis it is text RoPE with the same frequencies: {@link MultimodalRope} then gives the
 * bits of {@link RotaryEmbedding} exactly.
 *
 * <ul>
 *   <li>{@link MultimodalRope}: M-RoPE (Qwen2-VL, Qwen2.5-VL sections; Qwen3-VL interleaved), axes
 *       (temporal, height, width) over a text model's {@link RotaryEmbedding};
 *   <li>{@link VisionRope}: a ViT's 2-D RoPE (Qwen2-VL's vision tower, Pixtral), axes (row, column).
 * </ul>
 * The kernel is {@link RopeKernel#rotate(AxialRope, AxialPositions, int, float[], int, float[], int)};
 * ggml runs both through {@code ggml_rope_multi}.
 */
public sealed interface AxialRope permits MultimodalRope, VisionRope {

    /** Dimensions per head. */
    int headDim();

    /** Rotated dimensions per head (the first ones, in pairs of the layout); the others are copied unchanged. */
    int rotaryDim();

    /** Which dimensions form the rotated pairs. */
    RopeLayout layout();

    /** How many position axes a row has. */
    int axes();

    /** The axis whose position rotates pair {@code pair}, {@code 0 <= pair < rotaryDim/2}. */
    int axisOf(int pair);

    /**
     * The frequencies of each pair (in pair order, after any sharing out) and the attention factor, for
     * sequence length {@code seqLen}: the largest position on any axis + 1, as HF's
     * {@code dynamic_rope_update} takes {@code max(position_ids) + 1}.
     */
    RopeFrequencies frequencies(int seqLen);

    /** The frequencies of a call at {@code positions}. */
    default RopeFrequencies frequencies(AxialPositions positions) {
        return frequencies(positions.count() == 0 ? 0 : (int) Math.min((long) positions.max() + 1, Integer.MAX_VALUE));
    }
}
