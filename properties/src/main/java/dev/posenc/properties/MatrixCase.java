package dev.posenc.properties;

/**
 * A generated row-major {@code [rows × cols]} input at {@code inOffset} of its array, and where its
 * output goes ({@code outOffset}). Arrays carry sentinel padding before and after, so a kernel that
 * writes outside its range is caught.
 */
public record MatrixCase(int rows, int cols, int inOffset, int outOffset, FloatFill fill) {
    /** Padding after the data. */
    public static final int SLACK = 7;

    /** Number of elements. */
    public int size() {
        return rows * cols;
    }

    /** A fresh input array: sentinels, then the data at {@link #inOffset()}, then sentinels. */
    public float[] input() {
        return fill.array(inOffset, size(), SLACK);
    }

    /** A fresh output array of sentinels, long enough for {@link #outOffset()} + size + slack. */
    public float[] output() {
        return Arrays2.sentinels(outOffset + size() + SLACK);
    }

    @Override
    public String toString() {
        return "[" + rows + " × " + cols + "] in@" + inOffset + " out@" + outOffset + " " + fill + " x=" + fill.values(size());
    }
}
