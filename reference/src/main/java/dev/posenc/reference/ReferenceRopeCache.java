package dev.posenc.reference;

import dev.posenc.internal.Checks;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RotaryEmbedding;

/**
 * The reference kernel's cache: {@code cos(p·inv_freq_i)·af} and {@code sin(p·inv_freq_i)·af} in double,
 * {@code [count][r/2]} each (16·r/2 bytes per position), exactly what the cache-less reference computes.
 */
final class ReferenceRopeCache extends RopeCache {
    private final int pairs;
    private final double[] cos;
    private final double[] sin;

    ReferenceRopeCache(RotaryEmbedding embedding, int first, int count) {
        super(embedding, first, count);
        RopeFrequencies f = frequencies();
        pairs = f.pairs();
        // Two double tables: four floats' worth of memory per entry.
        int size = Checks.generatedTable(4L * count * pairs, "count × rotaryDim/2 × 4 (cos and sin in double)") / 4;
        cos = new double[size];
        sin = new double[size];
        for (int r = 0; r < count; r++) {
            for (int i = 0; i < pairs; i++) {
                double theta = (double) (first + r) * f.invFreq(i);
                cos[r * pairs + i] = Math.cos(theta) * f.attentionFactor();
                sin[r * pairs + i] = Math.sin(theta) * f.attentionFactor();
            }
        }
    }

    /** Copies the cos and sin of {@code position} (covered) into {@code c} and {@code s}. */
    void row(int position, double[] c, double[] s) {
        System.arraycopy(cos, (position - first()) * pairs, c, 0, pairs);
        System.arraycopy(sin, (position - first()) * pairs, s, 0, pairs);
    }

    @Override
    protected double storedCos(int row, int pair) {
        return cos[row * pairs + pair];
    }

    @Override
    protected double storedSin(int row, int pair) {
        return sin[row * pairs + pair];
    }
}
