package dev.posenc.bias;

/** Which ALiBi bias {@link AlibiBias} adds, with {@code m} the head's slope, query at i, key at j. */
public enum AlibiForm {
    /**
     * {@code m·(j − i)} = {@code −m·(i − j)}: Press et al. 2022, for causal attention (≤ 0 on every
     * key a query sees). BLOOM's {@code m·j} differs from it by {@code m·i}, constant along a row, so
     * the softmax is the same; ggml and FlashAttention-2 use this form. Future keys get a positive
     * bias, so use it with a causal mask.
     */
    CAUSAL,
    /**
     * {@code −m·|i − j|}: the symmetric form for bidirectional encoders (ALiBi's encoder
     * variant, e.g. MosaicBERT), penalising distance in both directions.
     */
    SYMMETRIC
}
