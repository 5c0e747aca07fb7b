package dev.posenc.absolute;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;

/**
 * Absolute position encodings added to (or written as) token-embedding rows.
 *
 * <p>Rows are row-major: row {@code r} of a {@code [count × d]} block starts at {@code offset + r·d}
 * and belongs to position {@code positions.at(r)}. Invalid arguments throw
 * {@link IllegalArgumentException} before anything is written.
 */
public interface AbsolutePositionKernel {

    /** Writes {@code out[r, ·] = PE(positions.at(r))} (see {@link SinusoidalEncoding}). */
    void sinusoidal(SinusoidalEncoding encoding, Positions positions, float[] out, int outOffset);

    /** Adds {@code x[r, ·] += PE(positions.at(r))} in place (the sum rounded to float). */
    void addSinusoidal(SinusoidalEncoding encoding, Positions positions, float[] x, int xOffset);

    /**
     * Learned absolute embeddings (BERT, GPT-2, OPT):
     * {@code x[r, ·] += table[positions.at(r), ·]} in place.
     *
     * @param table     row-major {@code [tableRows × dim]} from {@code tableOffset}
     * @param positions each in {@code [0, tableRows)}; any other is an {@link IllegalArgumentException}
     *                  naming the position and the table size
     */
    void addLearned(float[] table, int tableOffset, int tableRows, int dim, Positions positions, float[] x, int xOffset);

    /**
     * The argument checks of {@link #sinusoidal} and {@link #addSinusoidal}: non-null encoding and
     * positions, at least one position, {@code rows} array long enough for {@code count × dim}.
     */
    static void checkSinusoidal(SinusoidalEncoding encoding, Positions positions, float[] rows, String rowsName,
                                int offset) {
        Checks.notNull(encoding, "encoding");
        Checks.notNull(positions, "positions");
        Checks.positive(positions.count(), "positions.count()");
        int size = Checks.product(positions.count(), "positions.count()", encoding.dim(), "dim");
        Checks.fits(rows, rowsName, offset, size, "count × dim");
    }

    /**
     * The argument checks of {@link #addLearned}: sizes > 0, arrays long enough, every position
     * inside the table.
     */
    static void checkLearned(float[] table, int tableOffset, int tableRows, int dim, Positions positions,
                             float[] x, int xOffset) {
        Checks.positive(tableRows, "tableRows");
        Checks.positive(dim, "dim");
        Checks.fits(table, "table", tableOffset, Checks.product(tableRows, "tableRows", dim, "dim"), "tableRows × dim");
        Checks.notNull(positions, "positions");
        Checks.positive(positions.count(), "positions.count()");
        Checks.fits(x, "x", xOffset, Checks.product(positions.count(), "positions.count()", dim, "dim"), "count × dim");
        positions.requireWithin(tableRows, "tableRows");
    }
}
