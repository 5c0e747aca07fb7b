package dev.posenc.bench.plain;

/** Adds rows {@code first … first + rows − 1} of a learned table {@code [* × dim]} to {@code x [rows × dim]}, in place. */
public final class PlainLearned {
    private PlainLearned() {}

    public static void add(float[] table, int first, int rows, int dim, float[] x) {
        for (int r = 0; r < rows; r++) {
            int from = (first + r) * dim;
            int to = r * dim;
            for (int j = 0; j < dim; j++) {
                x[to + j] += table[from + j];
            }
        }
    }
}
