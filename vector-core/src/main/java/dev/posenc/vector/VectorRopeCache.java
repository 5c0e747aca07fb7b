package dev.posenc.vector;

import dev.posenc.internal.Checks;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;

/**
 * The Vector API kernel's cache: one {@link RowRotation} row per position, each entry computed in double
 * ({@code θ = p·inv_freq_i}, {@link Math#cos}, {@link Math#sin}, times af) and rounded once to float
 * (within {@code 2⁻²⁴·af} of exact), so that rotating only multiplies and adds: {@code 4·r} bytes per
 * position for {@link RopeLayout#HALF_SPLIT} (256 MiB for 2¹⁹ positions of r = 128), {@code 8·r} for
 * {@link RopeLayout#INTERLEAVED} (each cosine twice, each sine with both signs).
 */
final class VectorRopeCache extends RopeCache {
    private final float[] table;
    private final int width;

    VectorRopeCache(RotaryEmbedding embedding, int first, int count) {
        super(embedding, first, count);
        RopeLayout layout = embedding.layout();
        int r = embedding.rotaryDim();
        width = RowRotation.width(layout, r);
        table = new float[Checks.generatedTable((long) count * width, "count × row width")];
        RopeFrequencies f = frequencies();
        double af = f.attentionFactor();
        for (int row = 0; row < count; row++) {
            for (int i = 0; i < f.pairs(); i++) {
                double theta = (double) (first + row) * f.invFreq(i);
                RowRotation.put(layout, table, row * width, r, i, (float) (Math.cos(theta) * af),
                        (float) (Math.sin(theta) * af));
            }
        }
    }

    /** The rows; position p's starts at {@code (p − first())·width}. Read only. */
    float[] table() {
        return table;
    }

    @Override
    protected double storedCos(int row, int pair) {
        return RowRotation.cos(embedding().layout(), table, row * width, pair);
    }

    @Override
    protected double storedSin(int row, int pair) {
        return RowRotation.sin(embedding().layout(), table, row * width, embedding().rotaryDim(), pair);
    }
}
