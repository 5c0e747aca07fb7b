/**
 * The scalar reference kernels: each one reads like its paper's formula and accumulates in double.
 * Reach them through {@link dev.posenc.Kernels#reference()}. Exported only to
 * {@code dev.posenc.vector}, which shares attention's call resolution ({@link
 * dev.posenc.reference.AttentionCall}, {@link dev.posenc.reference.WorkItemAttention}) and computes its
 * rare exact rows with {@link dev.posenc.reference.ReferenceAttention#row}.
 */
package dev.posenc.reference;
