package dev.posenc.rope;

/**
 * How a ViT's 2-D RoPE shares a head's {@code d/2} pairs between the patch row and column. In both, the
 * first {@code d/4} pairs are rotated by the row and the last {@code d/4} by the column; they differ in
 * which frequencies each axis gets ({@code b} the base, {@code j < d/4}).
 */
public enum VisionFrequencies {
    /**
     * Rows and columns get the same frequencies, {@code b^(−2j/(d/2))}: HF Qwen2-VL and Qwen2.5-VL vision
     * tower ({@code VisionRotaryEmbedding(head_dim // 2)} and {@code rot_pos_emb}: the row's then the column's
     * angles, then {@code cat(emb, emb)} and {@code rotate_half}); ggml {@code GGML_ROPE_TYPE_VISION}
     * ({@code n_dims = d/2}, sections of {@code d/4} pairs — rows, then columns — each restarting its angle).
     */
    QWEN2_VL,
    /**
     * The {@code d/2} frequencies of a text RoPE of dimension d, {@code b^(−2k/d)}, dealt out alternately:
     * even k to rows ({@code b^(−4j/d)}), odd k to columns ({@code b^(−(4j+2)/d)}). HF
     * {@code PixtralRotaryEmbedding} ({@code freqs[::2]} for h, {@code freqs[1::2]} for w, with
     * {@code rotate_half}); mistral-inference's {@code precompute_freqs_cis_2d}, whose complex form pairs
     * neighbouring dims ({@link RopeLayout#INTERLEAVED}, HF's conversion permutes the weights).
     */
    PIXTRAL;

    /** The inverse frequency of pair {@code pair} of a head of {@code d} dims with base {@code base}. */
    double invFreq(int pair, int d, double base) {
        int quarter = d / 4;
        int j = pair % quarter;
        return this == QWEN2_VL
                ? 1.0 / Math.pow(base, (2.0 * j) / (d / 2))
                : 1.0 / Math.pow(base, (2.0 * (pair < quarter ? 2 * j : 2 * j + 1)) / d);
    }
}
