package dev.posenc.norm;

/** How the learned weight of RMSNorm multiplies the normalised row. */
public enum RmsNormWeighting {
    /** {@code y = x̂ · w}: HF Llama, Mistral, Qwen, T5 ({@code T5LayerNorm}), ggml {@code rms_norm}·w. */
    PLAIN,
    /** {@code y = x̂ · (1 + w)}: HF Gemma, Gemma 2 and 3 ({@code GemmaRMSNorm}), whose weights are stored zero-centred. */
    ONE_PLUS
}
