package dev.posenc.reference;

import dev.posenc.Positions;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;

/**
 * Rotary embeddings as the formula reads, in double: for each row and pair, {@code θ = p·inv_freq_i},
 * {@code c = cos θ·k}, {@code s = ±sin θ·k} ({@link Math#cos}/{@link Math#sin} reduce any double angle
 * exactly), then every head's pair rotated and rounded once to float. With a cache, the same (the cache's
 * frequencies, not its float table: the cache only makes the vector kernel faster).
 */
final class ReferenceRope implements RopeKernel {

    @Override
    public void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope, f, positions, 1, f.attentionFactor(), heads, x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(cache, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = cache.frequencies();
        rows(cache.embedding(), f, positions, 1, f.attentionFactor(), heads, x, xOffset, out, outOffset);
    }

    @Override
    public void unrotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                         int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope, f, positions, -1, 1 / f.attentionFactor(), heads, x, xOffset, out, outOffset);
    }

    @Override
    public void shift(RotaryEmbedding rope, int delta, int rows, int heads, float[] x, int xOffset, float[] out,
                      int outOffset) {
        RopeKernel.checkShift(rope, rows, heads, x, xOffset, out, outOffset);
        // Every row moves by the same angle: one row at position delta with rows × heads heads.
        rows(rope, rope.frequencies(), Positions.range(delta, 1), 1, 1, rows * heads, x, xOffset, out, outOffset);
    }

    /** {@code out = k·R(sign·p)·x} on the rotary dims of every head of every row; the other dims copied. */
    private static void rows(RotaryEmbedding rope, RopeFrequencies f, Positions positions, int sign, double k,
                             int heads, float[] x, int xOffset, float[] out, int outOffset) {
        int d = rope.headDim();
        int r = rope.rotaryDim();
        RopeLayout layout = rope.layout();
        for (int row = 0; row < positions.count(); row++) {
            int p = positions.at(row);
            int in = xOffset + row * heads * d;
            int o = outOffset + row * heads * d;
            for (int i = 0; i < f.pairs(); i++) {
                double theta = p * f.invFreq(i);
                double c = Math.cos(theta) * k;
                double s = sign * Math.sin(theta) * k;
                int first = layout.first(i, r);
                int second = layout.second(i, r);
                for (int h = 0; h < heads; h++) {
                    double a = x[in + h * d + first];
                    double b = x[in + h * d + second];
                    out[o + h * d + first] = (float) (a * c - b * s);
                    out[o + h * d + second] = (float) (b * c + a * s);
                }
            }
            if (x != out || xOffset != outOffset) {
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(x, in + h * d + r, out, o + h * d + r, d - r);
                }
            }
        }
    }
}
