package dev.posenc.reference;

import dev.posenc.Positions;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.AxialRope;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.Xpos;

/**
 * Rotary embeddings as the formula reads, in double: for each row and pair, {@code θ = p·inv_freq_i}
 * ({@code p} the row's position on the pair's axis for an {@link AxialRope}), {@code c = cos θ·k},
 * {@code s = ±sin θ·k} ({@link Math#cos}/{@link Math#sin} reduce any double angle exactly; {@code k} is af,
 * 1/af, 1, or {@code af·ζ_i^(±(p − c)/γ)} for xPos), then every head's pair rotated and rounded once to
 * float. Its cache ({@link ReferenceRopeCache}) holds the same c and s in double, so a cached call gives the
 * bits of the cache-less one.
 */
final class ReferenceRope implements RopeKernel {

    @Override
    public void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope.headDim(), rope.rotaryDim(), rope.layout(), positions.count(), heads,
                (row, c, s) -> angles(f, positions.at(row), 1, f.attentionFactor(), c, s), x, xOffset, out, outOffset);
    }

    @Override
    public RopeCache cache(RotaryEmbedding rope, int first, int count) {
        return new ReferenceRopeCache(rope, first, count);
    }

    @Override
    public void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(cache, positions, heads, x, xOffset, out, outOffset);
        if (!(cache instanceof ReferenceRopeCache own)) {
            throw RopeCache.builtElsewhere(cache, "the reference kernel");
        }
        RotaryEmbedding rope = cache.embedding();
        rows(rope.headDim(), rope.rotaryDim(), rope.layout(), positions.count(), heads,
                (row, c, s) -> own.row(positions.at(row), c, s), x, xOffset, out, outOffset);
    }

    @Override
    public void unrotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                         int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope.headDim(), rope.rotaryDim(), rope.layout(), positions.count(), heads,
                (row, c, s) -> angles(f, positions.at(row), -1, 1 / f.attentionFactor(), c, s), x, xOffset, out, outOffset);
    }

    @Override
    public void shift(RotaryEmbedding rope, int delta, int rows, int heads, float[] x, int xOffset, float[] out,
                      int outOffset) {
        RopeKernel.checkShift(rope, rows, heads, x, xOffset, out, outOffset);
        // Every row moves by the same angle: one row at position delta with rows × heads heads.
        RopeFrequencies f = rope.frequencies();
        rows(rope.headDim(), rope.rotaryDim(), rope.layout(), 1, rows * heads, (row, c, s) -> angles(f, delta, 1, 1, c, s),
                x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(AxialRope rope, AxialPositions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        int[] axis = new int[f.pairs()];
        for (int i = 0; i < axis.length; i++) {
            axis[i] = rope.axisOf(i);
        }
        double af = f.attentionFactor();
        rows(rope.headDim(), rope.rotaryDim(), rope.layout(), positions.count(), heads, (row, c, s) -> {
            for (int i = 0; i < c.length; i++) {
                double theta = positions.at(axis[i], row) * f.invFreq(i);
                c[i] = Math.cos(theta) * af;
                s[i] = Math.sin(theta) * af;
            }
        }, x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(Xpos xpos, Positions positions, int heads, float[] x, int xOffset, float[] out, int outOffset) {
        RopeKernel.checkArguments(xpos, positions, heads, x, xOffset, out, outOffset);
        RotaryEmbedding rope = xpos.embedding();
        RopeFrequencies f = rope.frequencies(positions);
        double af = f.attentionFactor();
        rows(rope.headDim(), rope.rotaryDim(), rope.layout(), positions.count(), heads, (row, c, s) -> {
            int p = positions.at(row);
            for (int i = 0; i < c.length; i++) {
                double theta = p * f.invFreq(i);
                double k = af * xpos.scale(i, p);
                c[i] = Math.cos(theta) * k;
                s[i] = Math.sin(theta) * k;
            }
        }, x, xOffset, out, outOffset);
    }

    /** {@code c_i = cos(p·inv_freq_i)·k}, {@code s_i = sign·sin(p·inv_freq_i)·k}. */
    private static void angles(RopeFrequencies f, int p, int sign, double k, double[] c, double[] s) {
        for (int i = 0; i < c.length; i++) {
            double theta = p * f.invFreq(i);
            c[i] = Math.cos(theta) * k;
            s[i] = sign * Math.sin(theta) * k;
        }
    }

    /** Writes row {@code row}'s {@code cos θ_i·k} and {@code sin θ_i·k} into {@code c} and {@code s}. */
    @FunctionalInterface
    private interface CosSin {
        void of(int row, double[] c, double[] s);
    }

    /**
     * {@code out = [c −s; s c]·x} on the rotary pairs of every head of every row, with the c and s that
     * {@code cosSin} gives for the row; the other dims copied.
     */
    private static void rows(int d, int r, RopeLayout layout, int rows, int heads, CosSin cosSin, float[] x, int xOffset,
                             float[] out, int outOffset) {
        double[] c = new double[r / 2];
        double[] s = new double[r / 2];
        for (int row = 0; row < rows; row++) {
            cosSin.of(row, c, s);
            int in = xOffset + row * heads * d;
            int o = outOffset + row * heads * d;
            for (int i = 0; i < r / 2; i++) {
                int first = layout.first(i, r);
                int second = layout.second(i, r);
                for (int h = 0; h < heads; h++) {
                    double a = x[in + h * d + first];
                    double b = x[in + h * d + second];
                    out[o + h * d + first] = (float) (a * c[i] - b * s[i]);
                    out[o + h * d + second] = (float) (b * c[i] + a * s[i]);
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
