package dev.posenc.attention;

/**
 * Whether queries may see later keys, and where the queries sit when their positions are not given.
 * A key at position j is visible to a query at position p only if {@code j ≤ p}; keys are at
 * positions {@code 0 … keys − 1}. With explicit query positions both causal values mean just that;
 * without, they differ when {@code queries ≠ keys}:
 */
public enum CausalMask {
    /** Every key is visible (encoders, cross-attention). Default query positions {@code 0 … queries − 1}. */
    NONE,
    /**
     * Queries at positions {@code 0 … queries − 1}: the mask's diagonal starts at the top-left
     * corner. PyTorch's {@code scaled_dot_product_attention(is_causal=True)} and {@code torch.tril}.
     */
    TOP_LEFT,
    /**
     * Queries at the last positions, {@code keys − queries … keys − 1}: the diagonal ends at the
     * bottom-right corner. FlashAttention ≥ 2.1, xformers' {@code LowerTriangularFromBottomRightMask},
     * and every KV-cache decode step (the new tokens are the last keys). When
     * {@code queries > keys} the first rows see no key and output zeros.
     */
    BOTTOM_RIGHT
}
