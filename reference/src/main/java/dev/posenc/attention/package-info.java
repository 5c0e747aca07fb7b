/**
 * Attention with relative position schemes fused into the kernel:
 * {@link dev.posenc.attention.AttentionKernel}, its reusable options
 * ({@link dev.posenc.attention.AttentionOptions}, {@link dev.posenc.attention.CausalMask}) and
 * per-thread scratch memory ({@link dev.posenc.attention.AttentionWorkspace}).
 */
package dev.posenc.attention;
