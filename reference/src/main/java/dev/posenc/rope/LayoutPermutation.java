package dev.posenc.rope;

import dev.posenc.internal.Checks;

/**
 * Converts weights and vectors between the two {@link RopeLayout pair layouts}. The permutation {@code P}
 * of a head's rotary dimensions that sends interleaved dimension {@code 2i} to {@code i} and {@code 2i+1}
 * to {@code i + r/2} (and leaves dimensions {@code ≥ r} alone) satisfies
 * <pre>  rotate_HALF_SPLIT(P·x) = P·rotate_INTERLEAVED(x)</pre>
 * so a checkpoint trained with interleaved pairs runs with half-split RoPE once the rows of its query and
 * key projections (and biases) are permuted by {@code P} head by head. That is what HF's
 * {@code convert_llama_weights_to_hf.py} ({@code permute}) does to Meta's Llama weights, and what
 * llama.cpp's converter undoes.
 *
 * <p>Data are {@code blocks} consecutive heads of {@code headDim} rows of {@code width} floats each:
 * {@code width = 1} for q/k vectors ({@code blocks = rows × heads}) and biases, {@code width = in_features}
 * for a projection weight {@code [heads·headDim][in_features]} ({@code blocks = heads}).
 */
public final class LayoutPermutation {
    private LayoutPermutation() {}

    /**
     * Writes {@code x} re-ordered from layout {@code from} to layout {@code to} (the identity if they are the
     * same): the row of pair {@code i}'s first element under {@code from} becomes that of its first element
     * under {@code to}, likewise for the second; rows {@code ≥ rotaryDim} are copied. {@code out} may be
     * {@code x} at the same offset; other overlaps are rejected.
     */
    public static void convert(RopeLayout from, RopeLayout to, float[] x, int xOffset, float[] out, int outOffset,
                               int blocks, int headDim, int rotaryDim, int width) {
        Checks.notNull(from, "from");
        Checks.notNull(to, "to");
        Checks.positive(blocks, "blocks");
        Checks.positive(headDim, "headDim");
        RotaryEmbedding.checkRotaryDim(rotaryDim, headDim);
        Checks.positive(width, "width");
        int block = Checks.product(headDim, "headDim", width, "width");
        int size = Checks.product(blocks, "blocks", block, "headDim × width");
        Checks.fits(x, "x", xOffset, size, "blocks × headDim × width");
        Checks.fits(out, "out", outOffset, size, "blocks × headDim × width");
        Checks.sameOrDisjoint(x, "x", xOffset, out, "out", outOffset, size);
        float[] head = new float[block];
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(x, xOffset + b * block, head, 0, block);
            int o = outOffset + b * block;
            for (int i = 0; i < rotaryDim / 2; i++) {
                System.arraycopy(head, from.first(i, rotaryDim) * width, out, o + to.first(i, rotaryDim) * width, width);
                System.arraycopy(head, from.second(i, rotaryDim) * width, out, o + to.second(i, rotaryDim) * width, width);
            }
            System.arraycopy(head, rotaryDim * width, out, o + rotaryDim * width, (headDim - rotaryDim) * width);
        }
    }
}
