package dev.posenc.absolute;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.internal.Checks;

/**
 * An immutable {@code [rows × dim]} table of absolute position embeddings: learned weights (copied
 * in, as many as the caller's array holds) or a precomputed sinusoidal encoding (at most
 * {@code Checks.MAX_GENERATED_TABLE} = 2²⁸ floats). Thread-safe.
 */
public final class PositionTable {
    private final float[] data;
    private final int rows;
    private final int dim;

    private PositionTable(float[] data, int rows, int dim) {
        this.data = data;
        this.rows = rows;
        this.dim = dim;
    }

    /** A copy of the learned weights {@code weights[offset …]}, row-major {@code [rows × dim]}. */
    public static PositionTable learned(float[] weights, int offset, int rows, int dim) {
        Checks.positive(rows, "rows");
        Checks.positive(dim, "dim");
        int size = Checks.product(rows, "rows", dim, "dim");
        Checks.fits(weights, "weights", offset, size, "rows × dim");
        float[] copy = new float[size];
        System.arraycopy(weights, offset, copy, 0, size);
        return new PositionTable(copy, rows, dim);
    }

    /** The sinusoidal rows for positions {@code 0 … rows − 1}, computed with {@link Kernels#get()}. */
    public static PositionTable sinusoidal(SinusoidalEncoding encoding, int rows) {
        Checks.notNull(encoding, "encoding");
        Checks.positive(rows, "rows");
        float[] data = new float[Checks.generatedTable((long) rows * encoding.dim(), "rows × dim")];
        Kernels.get().absolutePositions().sinusoidal(encoding, Positions.range(0, rows), data, 0);
        return new PositionTable(data, rows, encoding.dim());
    }

    /** Number of positions, {@code 0 … rows() − 1}. */
    public int rows() {
        return rows;
    }

    /** Row width. */
    public int dim() {
        return dim;
    }

    /** {@code table[position, column]}. */
    public float get(int position, int column) {
        Checks.inRange(position, 0, rows - 1, "position");
        Checks.inRange(column, 0, dim - 1, "column");
        return data[position * dim + column];
    }

    /** Copies row {@code position} into {@code out[outOffset …]}. */
    public void copyRow(int position, float[] out, int outOffset) {
        Checks.inRange(position, 0, rows - 1, "position");
        Checks.fits(out, "out", outOffset, dim, "dim");
        System.arraycopy(data, position * dim, out, outOffset, dim);
    }

    /** {@code x[r, ·] += table[positions.at(r), ·]} with {@link Kernels#get()}. */
    public void addTo(Positions positions, float[] x, int xOffset) {
        addTo(Kernels.get().absolutePositions(), positions, x, xOffset);
    }

    /** {@code x[r, ·] += table[positions.at(r), ·]} with the given kernel. */
    public void addTo(AbsolutePositionKernel kernel, Positions positions, float[] x, int xOffset) {
        Checks.notNull(kernel, "kernel").addLearned(data, 0, rows, dim, positions, x, xOffset);
    }
}
