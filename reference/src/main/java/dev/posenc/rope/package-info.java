/**
 * Rotary position embeddings (RoPE, Su et al. 2021): the two pair layouts ({@link dev.posenc.rope.RopeLayout}),
 * the frequency schedules of HuggingFace {@code modeling_rope_utils} ({@link dev.posenc.rope.RopeScaling}),
 * a model's rotary setup ({@link dev.posenc.rope.RotaryEmbedding}), its computed frequencies
 * ({@link dev.posenc.rope.RopeFrequencies}), a kernel's own shareable cos/sin cache
 * ({@link dev.posenc.rope.RopeCache}), weight/vector conversion between the layouts
 * ({@link dev.posenc.rope.LayoutPermutation}) and the kernel ({@link dev.posenc.rope.RopeKernel}).
 *
 * <p>Beyond text: RoPE over several position axes ({@link dev.posenc.rope.AxialRope} with
 * {@link dev.posenc.rope.AxialPositions}) — multimodal M-RoPE ({@link dev.posenc.rope.MultimodalRope},
 * {@link dev.posenc.rope.MropeSections}, positions from {@link dev.posenc.rope.MropeIndex}) and a ViT's 2-D
 * RoPE ({@link dev.posenc.rope.VisionRope}, {@link dev.posenc.rope.VisionFrequencies}) — and xPos
 * ({@link dev.posenc.rope.Xpos}).
 */
package dev.posenc.rope;
