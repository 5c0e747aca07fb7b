/**
 * Rotary position embeddings (RoPE, Su et al. 2021): the two pair layouts ({@link dev.posenc.rope.RopeLayout}),
 * the frequency schedules of HuggingFace {@code modeling_rope_utils} ({@link dev.posenc.rope.RopeScaling}),
 * a model's rotary setup ({@link dev.posenc.rope.RotaryEmbedding}), its computed frequencies
 * ({@link dev.posenc.rope.RopeFrequencies}), a shareable cos/sin cache ({@link dev.posenc.rope.RopeCache}),
 * weight/vector conversion between the layouts ({@link dev.posenc.rope.LayoutPermutation}) and the kernel
 * ({@link dev.posenc.rope.RopeKernel}).
 */
package dev.posenc.rope;
