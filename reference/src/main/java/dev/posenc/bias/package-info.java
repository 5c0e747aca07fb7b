/**
 * Relative position schemes for attention: T5 buckets ({@link dev.posenc.bias.T5Buckets},
 * {@link dev.posenc.bias.T5RelativeBias}), ALiBi ({@link dev.posenc.bias.AlibiBias}), Shaw et al.
 * ({@link dev.posenc.bias.ShawRelativePositions}), Transformer-XL
 * ({@link dev.posenc.bias.TransformerXlPositions}), all evaluated inside the attention kernel, and an
 * explicit per-call bias or mask ({@link dev.posenc.bias.DenseBias}). Immutable, validated objects
 * that can materialise what they add for inspection.
 */
package dev.posenc.bias;
