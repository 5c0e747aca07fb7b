package dev.posenc.reference;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;

/**
 * Absolute positions as the formulas read: {@code sin(p·w_i)} and {@code cos(p·w_i)} with the angle
 * and the trigonometry in double ({@link Math#sin} reduces any double argument exactly), rounded
 * once to float.
 */
final class ReferenceAbsolutePositions implements AbsolutePositionKernel {

    @Override
    public void sinusoidal(SinusoidalEncoding encoding, Positions positions, float[] out, int outOffset) {
        AbsolutePositionKernel.checkSinusoidal(encoding, positions, out, "out", outOffset);
        int d = encoding.dim();
        java.util.Arrays.fill(out, outOffset, outOffset + positions.count() * d, 0f);
        for (int r = 0; r < positions.count(); r++) {
            row(encoding, positions.at(r), out, outOffset + r * d, false);
        }
    }

    @Override
    public void addSinusoidal(SinusoidalEncoding encoding, Positions positions, float[] x, int xOffset) {
        AbsolutePositionKernel.checkSinusoidal(encoding, positions, x, "x", xOffset);
        for (int r = 0; r < positions.count(); r++) {
            row(encoding, positions.at(r), x, xOffset + r * encoding.dim(), true);
        }
    }

    @Override
    public void addLearned(float[] table, int tableOffset, int tableRows, int dim, Positions positions,
                           float[] x, int xOffset) {
        AbsolutePositionKernel.checkLearned(table, tableOffset, tableRows, dim, positions, x, xOffset);
        for (int r = 0; r < positions.count(); r++) {
            int from = tableOffset + positions.at(r) * dim;
            int to = xOffset + r * dim;
            for (int j = 0; j < dim; j++) {
                x[to + j] += table[from + j];
            }
        }
    }

    /** Writes (or adds) the sine and cosine columns of {@code PE(p)}; zero columns are not touched. */
    private static void row(SinusoidalEncoding e, int p, float[] out, int row, boolean add) {
        for (int i = 0; i < e.sinCount(); i++) {
            put(out, row + e.sinColumn(i), Math.sin(p * e.frequency(i)), add);
        }
        for (int i = 0; i < e.cosCount(); i++) {
            put(out, row + e.cosColumn(i), Math.cos(p * e.frequency(i)), add);
        }
    }

    private static void put(float[] out, int k, double value, boolean add) {
        out[k] = (float) (add ? out[k] + value : value);
    }
}
