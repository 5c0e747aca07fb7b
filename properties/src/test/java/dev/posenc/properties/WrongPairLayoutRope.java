package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.AxialRope;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.Xpos;

/**
 * A deliberately wrong RoPE for proving the kit: it rotates the pairs of the other layout (the classic
 * porting bug of applying GPT-J's {@code rotate_every_two} to HF Llama weights, or the reverse). Every
 * rotation is still a rotation, so norms are preserved and argument checks pass; only the properties
 * that know which dimensions pair up can catch it.
 */
final class WrongPairLayoutRope implements RopeKernel {
    private final RopeKernel reference = Kernels.reference().rope();

    private static RotaryEmbedding swapped(RotaryEmbedding rope) {
        return rope == null ? null : rope.withLayout(
                rope.layout() == RopeLayout.HALF_SPLIT ? RopeLayout.INTERLEAVED : RopeLayout.HALF_SPLIT);
    }

    @Override
    public void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        reference.rotate(swapped(rope), positions, heads, x, xOffset, out, outOffset);
    }

    @Override
    public RopeCache cache(RotaryEmbedding rope, int first, int count) {
        return reference.cache(swapped(rope), first, count);
    }

    @Override
    public void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        reference.rotate(cache, positions, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(AxialRope rope, AxialPositions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        reference.rotate(rope, positions, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(Xpos xpos, Positions positions, int heads, float[] x, int xOffset, float[] out, int outOffset) {
        reference.rotate(xpos, positions, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void unrotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                         int outOffset) {
        reference.unrotate(swapped(rope), positions, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void shift(RotaryEmbedding rope, int delta, int rows, int heads, float[] x, int xOffset, float[] out,
                      int outOffset) {
        reference.shift(swapped(rope), delta, rows, heads, x, xOffset, out, outOffset);
    }
}
