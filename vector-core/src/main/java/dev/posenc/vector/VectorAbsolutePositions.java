package dev.posenc.vector;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.internal.ColumnAngles;
import dev.posenc.internal.SharedState;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sinusoidal rows as {@code PE[p, j] = sin(p·ω_j + φ_j)} (see {@link ColumnAngles}), one
 * contiguous loop for every layout. The angle is formed and reduced modulo 2π in double
 * ({@link TwoPi}), then rounded to float (error ≤ 2⁻²⁴·π) for the float {@code SIN} (≤ 1 ulp): every
 * entry is within 3e−7 of the exact value at any int position. Learned rows are a vector add.
 */
final class VectorAbsolutePositions implements AbsolutePositionKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final VectorMask<Float> LOW_HALF = F.indexInRange(0, D.length());

    @Override
    public void sinusoidal(SinusoidalEncoding encoding, Positions positions, float[] out, int outOffset) {
        AbsolutePositionKernel.checkSinusoidal(encoding, positions, out, "out", outOffset);
        rows(encoding, positions, out, outOffset, false);
    }

    @Override
    public void addSinusoidal(SinusoidalEncoding encoding, Positions positions, float[] x, int xOffset) {
        AbsolutePositionKernel.checkSinusoidal(encoding, positions, x, "x", xOffset);
        rows(encoding, positions, x, xOffset, true);
    }

    @Override
    public void addLearned(float[] table, int tableOffset, int tableRows, int dim, Positions positions,
                           float[] x, int xOffset) {
        AbsolutePositionKernel.checkLearned(table, tableOffset, tableRows, dim, positions, x, xOffset);
        int bound = F.loopBound(dim);
        for (int r = 0; r < positions.count(); r++) {
            int from = tableOffset + positions.at(r) * dim;
            int to = xOffset + r * dim;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector.fromArray(F, x, to + j).add(FloatVector.fromArray(F, table, from + j)).intoArray(x, to + j);
            }
            for (; j < dim; j++) {
                x[to + j] += table[from + j];
            }
        }
    }

    private static void rows(SinusoidalEncoding encoding, Positions positions, float[] out, int offset, boolean add) {
        ColumnAngles columns = SharedState.of(encoding, ColumnAngles.class);
        int d = encoding.dim();
        for (int r = 0; r < positions.count(); r++) {
            row(columns.frequency(), columns.phase(), d, positions.at(r), out, offset + r * d, add);
        }
    }

    private static void row(double[] frequency, double[] phase, int d, int position, float[] out, int o, boolean add) {
        DoubleVector p = DoubleVector.broadcast(D, position);
        int half = D.length();
        int j = 0;
        for (int bound = F.loopBound(d); j < bound; j += F.length()) {
            DoubleVector a0 = TwoPi.reduce(Lanes.fma(p, DoubleVector.fromArray(D, frequency, j),
                    DoubleVector.fromArray(D, phase, j)));
            DoubleVector a1 = TwoPi.reduce(Lanes.fma(p, DoubleVector.fromArray(D, frequency, j + half),
                    DoubleVector.fromArray(D, phase, j + half)));
            FloatVector high = (FloatVector) a1.convertShape(VectorOperators.D2F, F, -1);
            FloatVector angle = high.blend((FloatVector) a0.convertShape(VectorOperators.D2F, F, 0), LOW_HALF);
            FloatVector value = angle.lanewise(VectorOperators.SIN);
            (add ? value.add(FloatVector.fromArray(F, out, o + j)) : value).intoArray(out, o + j);
        }
        for (; j < d; j++) {
            float value = (float) Math.sin(position * frequency[j] + phase[j]);
            out[o + j] = add ? out[o + j] + value : value;
        }
    }
}
