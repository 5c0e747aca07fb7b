package dev.posenc.bias;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;

/**
 * Writes a per-head {@code [heads × queries × keys]} tensor of a position scheme for inspection:
 * the checks, the loops and the layout shared by every scheme's {@code materialize…} method.
 */
final class BiasGrid {
    /** The value at one entry. */
    @FunctionalInterface
    interface Entry {
        double at(int head, int row, int queryPosition, int key);
    }

    private BiasGrid() {}

    /**
     * {@code out[h, i, j] = (float) entry.at(h, i, queryPositions.at(i), j)}, row-major from
     * {@code outOffset}, keys at positions {@code 0 … keys − 1}.
     */
    static void fill(Positions queryPositions, int keys, int heads, float[] out, int outOffset, Entry entry) {
        Checks.notNull(queryPositions, "queryPositions");
        Checks.positive(keys, "keys");
        Checks.positive(heads, "heads");
        int rows = queryPositions.count();
        int size = Checks.product(heads, "heads", rows, "queries", keys, "keys");
        Checks.fits(out, "out", outOffset, size, "heads × queries × keys");
        int o = outOffset;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < keys; j++) {
                    out[o++] = (float) entry.at(h, i, queryPositions.at(i), j);
                }
            }
        }
    }

    /** Requires q in attention's layout {@code [queries × heads × headDim]} from {@code qOffset}. */
    static void requireQueries(float[] q, int qOffset, Positions queryPositions, int heads, int headDim) {
        Checks.notNull(queryPositions, "queryPositions");
        Checks.fits(q, "q", qOffset, Checks.product(queryPositions.count(), "queries", heads, "heads", headDim, "headDim"),
                "queries × heads × headDim");
    }
}
