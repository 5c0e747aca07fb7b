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
    /** Rows of at least this many floats (2 KiB) are walked in tiles of {@value #TILE_ROWS} rows: see {@link #tileRows}. */
    private static final int WIDE_ROW = 512;
    private static final int TILE_ROWS = 8;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    /** One {@link Scratch} per thread, grown to the widest table seen, so that calls allocate nothing once a thread has made its first. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's working arrays. */
    private static final class Scratch {
        /** The recurrence's state between tiles: {@code sin} then {@code cos} of every vector column's current angle. */
        double[] state = new double[0];
        /** A row's angles {@code p·ω_j}, and the sines and cosines {@link SinCosPolynomial#sinCos} makes of them. */
        double[] theta = new double[0];
        float[] sin = new float[0];
        float[] cos = new float[0];

        /** This thread's scratch, with room for rows of {@code d} columns. */
        static Scratch get(int d) {
            Scratch s = SCRATCH.get();
            if (s.theta.length < d) {
                s.state = new double[2 * d];
                s.theta = new double[d];
                s.sin = new float[d];
                s.cos = new float[d];
            }
            return s;
        }
    }

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
        Scratch scratch = Scratch.get(d);
        // The recurrence follows the exact angle p·ω, not its double rounding fl(p·ω) as the reference does:
        // the two part by up to ulp(p·ω), so only where that is at most ulp(2³¹) = 2.4e−7.
        if (positions.isRange() && positions.count() >= RECURRENCE_FROM
                && Math.max(-(double) positions.min(), positions.max()) * columns.maxFrequency() <= QuarterTurns.MAX_ANGLE) {
            int vectorColumns = F.loopBound(d);
            double[] state = scratch.state;
            int tile = tileRows(d);
            for (int r = 0; r < positions.count(); r += tile) {
                if (r % ANCHOR_EVERY == 0) {
                    anchor(columns, positions.at(r), vectorColumns, state);
                }
                int rows = Math.min(tile, positions.count() - r);
                for (int j = 0; j < vectorColumns; j += F.length()) {
                    consecutiveRows(columns, j, rows, out, offset + r * d, d, add, state, vectorColumns);
                }
            }
            for (int r = 0; vectorColumns < d && r < positions.count(); r++) {
                tail(columns, vectorColumns, d, positions.at(r), out, offset + r * d, add);
            }
            return;
        }
        for (int r = 0; r < positions.count(); r++) {
            row(columns, d, positions.at(r), out, offset + r * d, add, scratch);
        }
    }

    /**
     * How many rows a tile has: a whole {@value #ANCHOR_EVERY}-row run for narrow rows, else
     * {@value #TILE_ROWS}. Walking a wide table one column block at a time down all its rows puts
     * consecutive stores a row apart: 16 KiB at 512×4096, where an 8 MiB table is past L2 and rows a power of
     * two apart fall into the same few L1 and L2 sets (L1: 12 ways over a 4 KiB period). A tile of 8 rows
     * stays within the ways while every column block walks it, the recurrence's state carried from tile to
     * tile (bit-identical to one long walk). Measured in one JVM, best decile of 31 timings (load ~4 on 2
     * CPUs): 512×4096 1.08 → 2.98 G elements/s, 512×2048 1.11 → 2.78, 512×1024 1.15 → 2.15, 512×512
     * 2.7 → 3.5; 512×768 and narrower were not faster tiled (3.4–3.6 either way).
     */
    private static int tileRows(int d) {
        return d < WIDE_ROW ? ANCHOR_EVERY : TILE_ROWS;
    }

    /**
     * Starts the recurrence of every vector column at position {@code p}: {@code sin(θ + q·π/2)} at
     * {@code state[j]} and {@code cos(θ + q·π/2)} at {@code state[vectorColumns + j]}, θ = fl(p·ω) reduced
     * exactly by {@link Math#sin}/{@link Math#cos}.
     */
    private static void anchor(ColumnAngles columns, int p, int vectorColumns, double[] state) {
        for (int j = 0; j < vectorColumns; j++) {
            double theta = p * columns.frequency()[j];
            boolean cosine = columns.quarterTurns()[j] != 0;
            state[j] = cosine ? Math.cos(theta) : Math.sin(theta);
            state[vectorColumns + j] = cosine ? -Math.sin(theta) : Math.cos(theta);
        }
    }

    /**
     * Columns {@code [j, j + lanes)} of {@code count} consecutive rows from {@code offset}, walking down the
     * rows with the angle-addition recurrence in double from the state of {@link #anchor}, which it leaves
     * at the row after the last: with θ = p·ω + q·π/2, {@code sin(θ + ω) = sin θ·cos ω + cos θ·sin ω} and
     * {@code cos(θ + ω) = cos θ·cos ω − sin θ·sin ω}: four multiply-adds per 8 lanes instead of a sine per
     * output. Each step adds at most ~3·2⁻⁵³ of error, so a run of {@value #ANCHOR_EVERY} rows from an anchor
     * stays within 2e−11 before the final rounding to float.
     */
    private static void consecutiveRows(ColumnAngles columns, int j, int count, float[] out, int offset, int d,
                                        boolean add, double[] state, int vectorColumns) {
        int half = D.length();
        DoubleVector cos0 = DoubleVector.fromArray(D, columns.stepCos(), j);
        DoubleVector cos1 = DoubleVector.fromArray(D, columns.stepCos(), j + half);
        DoubleVector sin0 = DoubleVector.fromArray(D, columns.stepSin(), j);
        DoubleVector sin1 = DoubleVector.fromArray(D, columns.stepSin(), j + half);
        DoubleVector minusSin0 = sin0.neg();
        DoubleVector minusSin1 = sin1.neg();
        DoubleVector s0 = DoubleVector.fromArray(D, state, j);
        DoubleVector s1 = DoubleVector.fromArray(D, state, j + half);
        DoubleVector c0 = DoubleVector.fromArray(D, state, vectorColumns + j);
        DoubleVector c1 = DoubleVector.fromArray(D, state, vectorColumns + j + half);
        int at = offset + j;
        FloatVector first = ((FloatVector) s1.convertShape(VectorOperators.D2F, F, -1))
                .blend((FloatVector) s0.convertShape(VectorOperators.D2F, F, 0), Lanes.LOW_HALF);
        (add ? first.add(FloatVector.fromArray(F, out, at)) : first).intoArray(out, at);
        // Each step's new state is written out at once, and the state carried from step to step is only ever an
        // argument, never the receiver (the package's C2 rule): hence the first row above, and the operand order.
        // (Narrowing one·s instead, exactly s, kept the loop's shape but ran 0.88–0.95× as fast at 512×768.)
        for (int r = 1; r <= count; r++) {
            DoubleVector nextS0 = FMA ? sin0.fma(c0, cos0.mul(s0)) : sin0.mul(c0).add(cos0.mul(s0));
            DoubleVector nextS1 = FMA ? sin1.fma(c1, cos1.mul(s1)) : sin1.mul(c1).add(cos1.mul(s1));
            c0 = FMA ? minusSin0.fma(s0, cos0.mul(c0)) : minusSin0.mul(s0).add(cos0.mul(c0));
            c1 = FMA ? minusSin1.fma(s1, cos1.mul(c1)) : minusSin1.mul(s1).add(cos1.mul(c1));
            s0 = nextS0;
            s1 = nextS1;
            if (r < count) {
                at += d;
                FloatVector value = ((FloatVector) nextS1.convertShape(VectorOperators.D2F, F, -1))
                        .blend((FloatVector) nextS0.convertShape(VectorOperators.D2F, F, 0), Lanes.LOW_HALF);
                (add ? value.add(FloatVector.fromArray(F, out, at)) : value).intoArray(out, at);
            }
        }
        s0.intoArray(state, j);
        s1.intoArray(state, j + half);
        c0.intoArray(state, vectorColumns + j);
        c1.intoArray(state, vectorColumns + j + half);
    }

    /**
     * One row: the vector columns through {@link SinCosPolynomial#sinCos} (each column's quarter turns added
     * exactly) where the angles reduce exactly, then {@link #tail}.
     */
    private static void row(ColumnAngles columns, int d, int position, float[] out, int o, boolean add, Scratch s) {
        int j = 0;
        if (Math.abs((double) position) * columns.maxFrequency() <= QuarterTurns.MAX_ANGLE) {
            j = F.loopBound(d);
            double[] frequency = columns.frequency();
            for (int c = 0; c < j; c++) {
                s.theta[c] = position * frequency[c];
            }
            if (add) {
                SinCosPolynomial.sinCos(s.theta, columns.quarterTurns(), j, s.sin, 0, s.cos, 0);
                for (int c = 0; c < j; c += F.length()) {
                    FloatVector.fromArray(F, s.sin, c).add(FloatVector.fromArray(F, out, o + c)).intoArray(out, o + c);
                }
            } else {
                SinCosPolynomial.sinCos(s.theta, columns.quarterTurns(), j, out, o, s.cos, 0);
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
