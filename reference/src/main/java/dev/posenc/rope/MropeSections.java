package dev.posenc.rope;

import dev.posenc.internal.Checks;

/**
 * How M-RoPE shares the {@code r/2} rotary frequencies (pairs) of a head between the temporal, height and
 * width positions: HF's {@code rope_scaling.mrope_section}, counted in frequency pairs (it sums to
 * {@code r/2}) — {@link MultimodalRope} checks the sum.
 *
 * <ul>
 *   <li>Sections, {@link #of}: pair {@code i} belongs to t below {@code t}, to h below {@code t + h}, to
 *       w after that. HF {@code apply_multimodal_rotary_pos_emb} (Qwen2-VL, Qwen2.5-VL: {@code [16, 24, 24]}
 *       for head_dim 128; it splits cos/sin by {@code mrope_section * 2} and takes piece k from component
 *       {@code k % 3}, the same rule on both halves of {@code rotate_half}); ggml {@code GGML_ROPE_TYPE_MROPE}.
 *       A section of size 0 is allowed, as {@code torch.split} allows it.
 *   <li>Interleaved, {@link #interleaved}: h takes the pairs {@code i ≡ 1 (mod 3)} below {@code 3·h}, w the
 *       pairs {@code i ≡ 2 (mod 3)} below {@code 3·w}, t every other pair. HF Qwen3-VL
 *       {@code Qwen3VLTextRotaryEmbedding.apply_interleaved_mrope} ({@code mrope_interleaved}, {@code [24, 20, 20]});
 *       ggml {@code GGML_ROPE_TYPE_IMROPE}, which gives the pairs left over by all three ranges to a fourth
 *       position stream instead of t. h or w may be 0. HF's slices silently give h or w fewer pairs than its
 *       section says when {@code 3·h − 2} or {@code 3·w − 1} reaches {@code r/2}; such sections are rejected
 *       here.
 * </ul>
 *
 * @param temporal    pairs rotated by the temporal position, ≥ 0
 * @param height      pairs rotated by the height position, ≥ 0
 * @param width       pairs rotated by the width position, ≥ 0
 * @param interleaved whether the assignment is Qwen3-VL's interleaved one
 */
public record MropeSections(int temporal, int height, int width, boolean interleaved) {

    /** Requires each section ≥ 0. */
    public MropeSections {
        Checks.nonNegative(temporal, "mrope_section[0] (temporal)");
        Checks.nonNegative(height, "mrope_section[1] (height)");
        Checks.nonNegative(width, "mrope_section[2] (width)");
    }

    /** Contiguous sections t, h, w (Qwen2-VL, Qwen2.5-VL). */
    public static MropeSections of(int temporal, int height, int width) {
        return new MropeSections(temporal, height, width, false);
    }

    /** Qwen3-VL's interleaved assignment. */
    public static MropeSections interleaved(int temporal, int height, int width) {
        return new MropeSections(temporal, height, width, true);
    }

    /** The pairs of all three sections. */
    public int pairs() {
        return temporal + height + width;
    }

    /** The component rotating pair {@code i}, {@code 0 <= i < pairs()}: 0 temporal, 1 height, 2 width. */
    public int axisOf(int i) {
        Checks.index(i, pairs(), "i");
        if (interleaved) {
            return i % 3 == 1 && i < 3 * height ? 1 : i % 3 == 2 && i < 3 * width ? 2 : 0;
        }
        return i < temporal ? 0 : i < temporal + height ? 1 : 2;
    }

    /**
     * Requires the sections to share out exactly {@code pairs} pairs.
     *
     * @throws IllegalArgumentException naming the sections, their sum and {@code pairs}
     */
    void requireSharing(int pairs) {
        if (pairs() != pairs) {
            throw new IllegalArgumentException("mrope_section " + this + " sums to " + pairs() + " pairs, but rotary_dim/2 = "
                    + pairs + ": the sections count frequency pairs and must sum to rotary_dim/2");
        }
        if (interleaved && (3 * height - 2 >= pairs && height > 0 || 3 * width - 1 >= pairs && width > 0)) {
            throw new IllegalArgumentException("interleaved mrope_section " + this + " cannot give h its " + height
                    + " and w its " + width + " pairs among " + pairs + ": h takes i ≡ 1 (mod 3) below 3·h, w takes"
                    + " i ≡ 2 (mod 3) below 3·w, and both must end below " + pairs);
        }
    }

    @Override
    public String toString() {
        return (interleaved ? "interleaved " : "") + "[" + temporal + ", " + height + ", " + width + "]";
    }
}
