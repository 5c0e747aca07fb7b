package dev.posenc.vector;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.internal.ColumnAngles;
import dev.posenc.internal.SharedState;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sinusoidal rows as {@code PE[p, j] = sin(p·ω_j + q_j·π/2)} (see {@link ColumnAngles}), one
 * contiguous loop for every layout. Runs of at least {@value #RECURRENCE_FROM} consecutive positions
 * (tables, prefill) whose angles stay below 2³¹ walk down the rows with the angle-addition recurrence in
 * double ({@link #consecutiveRows}); other positions form each angle {@code fl(p·ω)} in double as the reference
 * does, reduce it modulo π/2 ({@link QuarterTurns}), round the remainder to float (≤ 2⁻²⁵) and evaluate
 * the float polynomials of {@link SinCosPolynomial} (≤ 1.25·2⁻²⁴): every entry is within 3e−7 of the
 * sine of the double angle at any int position and for any accepted base. Angles past exact reduction
 * ({@code |p|·ω > 2³¹}: bases below 1) and the columns after the last full vector use
 * {@link Math#sin}/{@link Math#cos} in double, which reduce any angle exactly. No Vector API
 * {@code SIN}/{@code COS}: the results are the same bits in every JIT tier. Learned rows are a vector add.
 */
final class VectorAbsolutePositions implements AbsolutePositionKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    /** Rows per {@link #consecutiveRows} run (each starts from exactly computed sines and cosines). */
    private static final int ANCHOR_EVERY = 4096;
    /** Fewer consecutive rows than this are computed row by row. */
    private static final int RECURRENCE_FROM = 16;
    /**
     * The sines and cosines a {@link #consecutiveRows} run starts from (two double vectors each), one array
     * per thread so that calls allocate nothing once a thread has made its first.
     */
    private static final ThreadLocal<double[]> ANCHORS = ThreadLocal.withInitial(() -> new double[4 * D.length()]);

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
        // The recurrence follows the exact angle p·ω, not its double rounding fl(p·ω) as the reference does:
        // the two part by up to ulp(p·ω), so only where that is at most ulp(2³¹) = 2.4e−7.
        if (positions.isRange() && positions.count() >= RECURRENCE_FROM
                && Math.max(-(double) positions.min(), positions.max()) * columns.maxFrequency() <= QuarterTurns.MAX_ANGLE) {
            double[] anchors = ANCHORS.get();
            int j = 0;
            for (int bound = F.loopBound(d); j < bound; j += F.length()) {
                for (int r = 0; r < positions.count(); r += ANCHOR_EVERY) {
                    consecutiveRows(columns, j, positions.at(r), Math.min(ANCHOR_EVERY, positions.count() - r), out,
                            offset + r * d, d, add, anchors);
                }
            }
            for (int r = 0; j < d && r < positions.count(); r++) {
                tail(columns, j, d, positions.at(r), out, offset + r * d, add);
            }
            return;
        }
        for (int r = 0; r < positions.count(); r++) {
            row(columns, d, positions.at(r), out, offset + r * d, add);
        }
    }

    /**
     * Columns {@code [j, j + lanes)} of rows {@code first … first + count − 1}, walking down the rows
     * with the angle-addition recurrence in double: with θ = p·ω + q·π/2, {@code sin(θ + ω) = sin θ·cos ω +
     * cos θ·sin ω} and {@code cos(θ + ω) = cos θ·cos ω − sin θ·sin ω}: four multiply-adds per 8 lanes
     * instead of a sine per output. The first row is {@link Math#sin}/{@link Math#cos} of {@code fl(p·ω)},
     * exactly reduced; each step adds at most ~3·2⁻⁵³ of error, so a run of {@value #ANCHOR_EVERY} rows
     * stays within 2e−11 before the final rounding to float.
     */
    private static void consecutiveRows(ColumnAngles columns, int j, int first, int count, float[] out, int offset,
                                        int d, boolean add, double[] anchors) {
        int half = D.length();
        for (int l = 0; l < 2 * half; l++) {
            double theta = first * columns.frequency()[j + l];
            boolean cosine = columns.quarterTurns()[j + l] != 0;
            anchors[l] = cosine ? Math.cos(theta) : Math.sin(theta);                   // sin(θ + q·π/2)
            anchors[2 * half + l] = cosine ? -Math.sin(theta) : Math.cos(theta);       // cos(θ + q·π/2)
        }
        DoubleVector cos0 = DoubleVector.fromArray(D, columns.stepCos(), j);
        DoubleVector cos1 = DoubleVector.fromArray(D, columns.stepCos(), j + half);
        DoubleVector sin0 = DoubleVector.fromArray(D, columns.stepSin(), j);
        DoubleVector sin1 = DoubleVector.fromArray(D, columns.stepSin(), j + half);
        DoubleVector minusSin0 = sin0.neg();
        DoubleVector minusSin1 = sin1.neg();
        DoubleVector s0 = DoubleVector.fromArray(D, anchors, 0);
        DoubleVector s1 = DoubleVector.fromArray(D, anchors, half);
        DoubleVector c0 = DoubleVector.fromArray(D, anchors, 2 * half);
        DoubleVector c1 = DoubleVector.fromArray(D, anchors, 3 * half);
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

    /** One row; vectors where the angles reduce exactly, then {@link #tail}. */
    private static void row(ColumnAngles columns, int d, int position, float[] out, int o, boolean add) {
        int j = 0;
        if (Math.abs((double) position) * columns.maxFrequency() <= QuarterTurns.MAX_ANGLE) {
            DoubleVector p = DoubleVector.broadcast(D, position);
            int half = D.length();
            for (int bound = F.loopBound(d); j < bound; j += F.length()) {
                DoubleVector a0 = p.mul(DoubleVector.fromArray(D, columns.frequency(), j));
                DoubleVector a1 = p.mul(DoubleVector.fromArray(D, columns.frequency(), j + half));
                DoubleVector t0 = QuarterTurns.turns(a0);
                DoubleVector t1 = QuarterTurns.turns(a1);
                FloatVector reduced = Lanes.narrow(QuarterTurns.remainder(a0, t0), QuarterTurns.remainder(a1, t1));
                IntVector quadrant = QuarterTurns.quadrants(t0.add(DoubleVector.fromArray(D, columns.quarterTurns(), j)),
                        t1.add(DoubleVector.fromArray(D, columns.quarterTurns(), j + half)));
                FloatVector value = SinCosPolynomial.sinOf(SinCosPolynomial.sin(reduced), SinCosPolynomial.cos(reduced),
                        quadrant);
                (add ? value.add(FloatVector.fromArray(F, out, o + j)) : value).intoArray(out, o + j);
            }
        }
        tail(columns, j, d, position, out, o, add);
    }

    /** Columns {@code [j, d)} of one row, in scalar double: the reference's values, rounded once. */
    private static void tail(ColumnAngles columns, int j, int d, int position, float[] out, int o, boolean add) {
        for (; j < d; j++) {
            double theta = position * columns.frequency()[j];
            float value = (float) (columns.quarterTurns()[j] != 0 ? Math.cos(theta) : Math.sin(theta));
            out[o + j] = add ? out[o + j] + value : value;
        }
    }
}
