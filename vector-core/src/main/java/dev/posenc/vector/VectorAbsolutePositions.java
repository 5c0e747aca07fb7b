package dev.posenc.vector;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.internal.ColumnAngles;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sinusoidal rows as {@code PE[p, j] = sin(p·ω_j + φ_j)} (see {@link ColumnAngles}), one
 * contiguous loop for every layout. Runs of at least {@value #RECURRENCE_FROM} consecutive positions
 * (tables, prefill) walk down the rows with the angle-addition recurrence in double
 * ({@link #consecutiveRows}); other positions form each angle and reduce it modulo 2π in double
 * ({@link TwoPi}), then round it to float (error ≤ 2⁻²⁴·π) for the float {@code SIN} (≤ 1 ulp):
 * every entry is within 3e−7 of the exact value at any int position. Learned rows are a vector add.
 */
final class VectorAbsolutePositions implements AbsolutePositionKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    /** Rows per {@link #consecutiveRows} run (each starts from exactly computed sines and cosines). */
    private static final int ANCHOR_EVERY = 4096;
    /** Fewer consecutive rows than this are computed row by row. */
    private static final int RECURRENCE_FROM = 16;

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
        ColumnAngles columns = encoding.columnAngles();
        int d = encoding.dim();
        if (positions.isRange() && positions.count() >= RECURRENCE_FROM) {
            int j = 0;
            for (int bound = F.loopBound(d); j < bound; j += F.length()) {
                for (int r = 0; r < positions.count(); r += ANCHOR_EVERY) {
                    consecutiveRows(columns.frequency(), columns.phase(), j, positions.at(r),
                            Math.min(ANCHOR_EVERY, positions.count() - r), out, offset + r * d, d, add);
                }
            }
            for (int r = 0; j < d && r < positions.count(); r++) {
                tail(columns.frequency(), columns.phase(), j, d, positions.at(r), out, offset + r * d, add);
            }
            return;
        }
        for (int r = 0; r < positions.count(); r++) {
            row(columns.frequency(), columns.phase(), d, positions.at(r), out, offset + r * d, add);
        }
    }

    /**
     * Columns {@code [j, j + lanes)} of rows {@code first … first + count − 1}, walking down the rows
     * with the angle-addition recurrence in double: with θ = p·ω + φ, {@code sin(θ + ω) = sin θ·cos ω +
     * cos θ·sin ω} and {@code cos(θ + ω) = cos θ·cos ω − sin θ·sin ω}: four multiply-adds per 8 lanes
     * instead of a sine per output. Each step adds at most ~3·2⁻⁵³ of error, so a run of
     * {@value #ANCHOR_EVERY} rows (one call) stays within 2e−11 before the final rounding to float.
     */
    private static void consecutiveRows(double[] frequency, double[] phase, int j, int first, int count, float[] out,
                                        int offset, int d, boolean add) {
        int half = D.length();
        DoubleVector w0 = DoubleVector.fromArray(D, frequency, j);
        DoubleVector w1 = DoubleVector.fromArray(D, frequency, j + half);
        DoubleVector cos0 = w0.lanewise(VectorOperators.COS);
        DoubleVector cos1 = w1.lanewise(VectorOperators.COS);
        DoubleVector sin0 = w0.lanewise(VectorOperators.SIN);
        DoubleVector sin1 = w1.lanewise(VectorOperators.SIN);
        DoubleVector minusSin0 = sin0.neg();
        DoubleVector minusSin1 = sin1.neg();
        DoubleVector p = DoubleVector.broadcast(D, first);
        DoubleVector theta0 = Lanes.fma(p, w0, DoubleVector.fromArray(D, phase, j));
        DoubleVector theta1 = Lanes.fma(p, w1, DoubleVector.fromArray(D, phase, j + half));
        DoubleVector s0 = theta0.lanewise(VectorOperators.SIN);
        DoubleVector s1 = theta1.lanewise(VectorOperators.SIN);
        DoubleVector c0 = theta0.lanewise(VectorOperators.COS);
        DoubleVector c1 = theta1.lanewise(VectorOperators.COS);
        for (int r = 0; r < count; r++) {
            int at = offset + r * d + j;
            FloatVector value = Lanes.narrow(s0, s1);
            (add ? value.add(FloatVector.fromArray(F, out, at)) : value).intoArray(out, at);
            DoubleVector nextS0 = Lanes.fma(c0, sin0, s0.mul(cos0));
            DoubleVector nextS1 = Lanes.fma(c1, sin1, s1.mul(cos1));
            c0 = Lanes.fma(s0, minusSin0, c0.mul(cos0));
            c1 = Lanes.fma(s1, minusSin1, c1.mul(cos1));
            s0 = nextS0;
            s1 = nextS1;
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
            FloatVector value = Lanes.narrow(a0, a1).lanewise(VectorOperators.SIN);
            (add ? value.add(FloatVector.fromArray(F, out, o + j)) : value).intoArray(out, o + j);
        }
        tail(frequency, phase, j, d, position, out, o, add);
    }

    /** Columns {@code [j, d)} of one row, in scalar double. */
    private static void tail(double[] frequency, double[] phase, int j, int d, int position, float[] out, int o,
                             boolean add) {
        for (; j < d; j++) {
            float value = (float) Math.sin(position * frequency[j] + phase[j]);
            out[o + j] = add ? out[o + j] + value : value;
        }
    }
}
