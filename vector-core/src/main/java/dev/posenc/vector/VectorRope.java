package dev.posenc.vector;

import dev.posenc.Positions;
import dev.posenc.internal.RopeRows;
import dev.posenc.internal.SharedState;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rotary embeddings row by row (one position). The row's cos/sin come from a {@link RopeCache}
 * ({@code cos θ·af} rounded once from double) or are computed once per row into a per-thread scratch row
 * (see {@link #SCRATCH_ROW}): {@code θ = p·inv_freq} in double, reduced modulo π/2 in double
 * ({@link QuarterTurns}), the remainder rounded to float ({@code ≤ 2⁻²⁵} absolute, as |r| ≤ π/4) for the
 * float polynomials of {@link SinCosPolynomial} ({@code ≤ 1.25·2⁻²⁴}), times the scale; pairs beyond the
 * last full vector, and rows whose angles exceed 2³¹ radians (past exact reduction: frequencies above 1
 * near position 2³¹), in double with {@link Math#cos}/{@link Math#sin}. Either way the row is in the
 * {@link RopeRows} format of the layout, and the same bits in every JIT tier (no Vector API
 * {@code SIN}/{@code COS}).
 *
 * <p>HALF_SPLIT pairs are two contiguous half-heads: {@code y_a = a·c − b·s}, {@code y_b = b·c + a·s} over
 * {@code L} pairs at once. INTERLEAVED pairs are neighbouring lanes: {@code y = x·C + swap(x)·S} with the
 * row's {@code C = [c0,c0,c1,c1,…]} and {@code S = [−s0,s0,−s1,s1,…]}, {@code swap} exchanging the lanes
 * of each pair (one shuffle). Pairs left over by the vectors are scalar (double arithmetic on the row's
 * float cos/sin, rounded once).
 *
 * <p>Loop order. In place, four vectors of the cos/sin row at a time are applied to every head of the row,
 * which stays in L1. Out of place, heads go one after the other: visiting every head per vector would make dozens of
 * strided streams through x and out (32 heads of 128 floats: 512-byte strides) that defeat the prefetchers
 * and alias in L1; measured at 32 × 512 × 128, head by head is 1.3–3× faster out of place and vector by
 * vector 1.3× faster in place.
 */
final class VectorRope implements RopeKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final int LANES = F.length();
    /** Half the float lanes = the double lanes. */
    private static final int HALF = D.length();
    private static final VectorMask<Float> EVEN_LANES = VectorMask.fromLong(F, 0x5555_5555_5555_5555L);
    /** Lane {@code j} takes lane {@code j/2}: duplicates the lower half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_LOW = VectorShuffle.fromOp(F, j -> j / 2);
    /** Lane {@code j} takes lane {@code HALF + j/2}: duplicates the upper half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_HIGH = VectorShuffle.fromOp(F, j -> HALF + j / 2);
    /** Exchanges the two lanes of each pair. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(F, j -> j ^ 1);
    /**
     * The cache-less paths' cos/sin row, one per thread and grown to the widest row seen, so that calls
     * allocate nothing once a thread has made its first (the kernel stays safe to share: no thread sees
     * another's row).
     */
    private static final ThreadLocal<float[]> SCRATCH_ROW = ThreadLocal.withInitial(() -> new float[0]);

    @Override
    public void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope, f, null, 0, positions, (float) f.attentionFactor(), false, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(cache, positions, heads, x, xOffset, out, outOffset);
        rows(cache.embedding(), cache.frequencies(), SharedState.of(cache, float[].class), cache.first(), positions, 1f,
                false, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void unrotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                         int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope, f, null, 0, positions, (float) (1 / f.attentionFactor()), true, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void shift(RotaryEmbedding rope, int delta, int rows, int heads, float[] x, int xOffset, float[] out,
                      int outOffset) {
        RopeKernel.checkShift(rope, rows, heads, x, xOffset, out, outOffset);
        // Every row moves by the same angle: one row at position delta with rows × heads heads.
        rows(rope, rope.frequencies(), null, 0, Positions.range(delta, 1), 1f, false, rows * heads, x, xOffset, out,
                outOffset);
    }

    /**
     * {@code out = scale·R(±p)·x} row by row (the angle negated when {@code inverse}), with cos/sin from
     * {@code table} (a cache's rows from position {@code first}, the scale folded in) or, when it is
     * {@code null}, computed into one row of the same format ({@link RopeRows}) per position.
     */
    private static void rows(RotaryEmbedding rope, RopeFrequencies f, float[] table, int first, Positions positions,
                             float scale, boolean inverse, int heads, float[] x, int xOffset, float[] out,
                             int outOffset) {
        RopeLayout layout = rope.layout();
        int d = rope.headDim();
        int r = rope.rotaryDim();
        int width = RopeRows.width(layout, r);
        float[] cosSin = table != null ? table : scratchRow(width);
        double[] inv = SharedState.of(f, double[].class);
        boolean inPlace = x == out && xOffset == outOffset;
        for (int row = 0; row < positions.count(); row++) {
            int p = positions.at(row);
            int start = 0;   // of the row in cosSin
            if (table != null) {
                start = (p - first) * width;
            } else {
                cosSinRow(layout, inv, p, scale, inverse ? -scale : scale, cosSin);
            }
            int in = xOffset + row * heads * d;
            if (inPlace) {
                // Each vector of cos/sin serves every head of the row, which stays in L1.
                if (layout == RopeLayout.HALF_SPLIT) {
                    halfSplitRow(cosSin, start, r / 2, d, heads, x, in);
                } else {
                    interleavedRow(cosSin, start, r, d, heads, x, in);
                }
                continue;
            }
            // One head at a time: x and out stay two sequential streams (see the class comment).
            for (int h = 0; h < heads; h++) {
                int o = outOffset + (row * heads + h) * d;
                if (layout == RopeLayout.HALF_SPLIT) {
                    halfSplitHead(cosSin, start, r / 2, x, in + h * d, out, o);
                } else {
                    interleavedHead(cosSin, start, r, x, in + h * d, out, o);
                }
                if (r < d) {
                    System.arraycopy(x, in + h * d + r, out, o + r, d - r);
                }
            }
        }
    }

    /** This thread's scratch row, at least {@code width} long. */
    private static float[] scratchRow(int width) {
        float[] row = SCRATCH_ROW.get();
        if (row.length < width) {
            row = new float[width];
            SCRATCH_ROW.set(row);
        }
        return row;
    }

    /**
     * Writes the {@link RopeRows} row of {@code cos θ_i·scale} and {@code sin θ_i·sinScale},
     * {@code θ_i = p·inv_freq_i}: vectors of L pairs, the rest (and every pair of a row whose angles exceed
     * exact reduction) in double.
     */
    private static void cosSinRow(RopeLayout layout, double[] inv, int p, float scale, float sinScale, float[] row) {
        int pairs = inv.length;
        int r = 2 * pairs;
        DoubleVector position = DoubleVector.broadcast(D, p);
        int i = 0;
        if (Math.abs((double) p) * inv[largest(inv)] <= QuarterTurns.MAX_ANGLE) {
            for (; i + LANES <= pairs; i += LANES) {
                DoubleVector a0 = position.mul(DoubleVector.fromArray(D, inv, i));
                DoubleVector a1 = position.mul(DoubleVector.fromArray(D, inv, i + HALF));
                DoubleVector t0 = QuarterTurns.turns(a0);
                DoubleVector t1 = QuarterTurns.turns(a1);
                FloatVector reduced = Lanes.narrow(QuarterTurns.remainder(a0, t0), QuarterTurns.remainder(a1, t1));
                IntVector quadrant = QuarterTurns.quadrants(t0, t1);
                FloatVector sinR = SinCosPolynomial.sin(reduced);
                FloatVector cosR = SinCosPolynomial.cos(reduced);
                FloatVector c = SinCosPolynomial.cosOf(sinR, cosR, quadrant).mul(scale);
                FloatVector s = SinCosPolynomial.sinOf(sinR, cosR, quadrant).mul(sinScale);
                if (layout == RopeLayout.HALF_SPLIT) {
                    c.intoArray(row, i);
                    s.intoArray(row, pairs + i);
                } else {
                    c.rearrange(DUPLICATE_LOW).intoArray(row, 2 * i);
                    c.rearrange(DUPLICATE_HIGH).intoArray(row, 2 * i + LANES);
                    s.rearrange(DUPLICATE_LOW).lanewise(VectorOperators.NEG, EVEN_LANES).intoArray(row, r + 2 * i);
                    s.rearrange(DUPLICATE_HIGH).lanewise(VectorOperators.NEG, EVEN_LANES).intoArray(row, r + 2 * i + LANES);
                }
            }
        }
        for (; i < pairs; i++) {
            double theta = p * inv[i];
            RopeRows.put(layout, row, 0, r, i, (float) (Math.cos(theta) * scale), (float) (Math.sin(theta) * sinScale));
        }
    }

    /** The index of the largest frequency. */
    private static int largest(double[] inv) {
        int k = 0;
        for (int i = 1; i < inv.length; i++) {
            k = inv[i] > inv[k] ? i : k;
        }
        return k;
    }

    /**
     * Every HALF_SPLIT head of a row in place: four vectors of the cos/sin row at a time are applied to every
     * head (one pass over the row per four vectors: at 32 heads × 128, passes of one vector each ran 25%
     * slower), then single vectors, then scalar pairs.
     */
    private static void halfSplitRow(float[] cosSin, int row, int pairs, int d, int heads, float[] x, int in) {
        int j = 0;
        for (; j + 4 * LANES <= pairs; j += 4 * LANES) {
            FloatVector c0 = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector c1 = FloatVector.fromArray(F, cosSin, row + j + LANES);
            FloatVector c2 = FloatVector.fromArray(F, cosSin, row + j + 2 * LANES);
            FloatVector c3 = FloatVector.fromArray(F, cosSin, row + j + 3 * LANES);
            FloatVector s0 = FloatVector.fromArray(F, cosSin, row + pairs + j);
            FloatVector s1 = FloatVector.fromArray(F, cosSin, row + pairs + j + LANES);
            FloatVector s2 = FloatVector.fromArray(F, cosSin, row + pairs + j + 2 * LANES);
            FloatVector s3 = FloatVector.fromArray(F, cosSin, row + pairs + j + 3 * LANES);
            FloatVector n0 = s0.neg();
            FloatVector n1 = s1.neg();
            FloatVector n2 = s2.neg();
            FloatVector n3 = s3.neg();
            for (int h = 0; h < heads; h++) {
                int at = in + h * d + j;
                halfSplitVectors(c0, s0, n0, pairs, x, at, x, at);
                halfSplitVectors(c1, s1, n1, pairs, x, at + LANES, x, at + LANES);
                halfSplitVectors(c2, s2, n2, pairs, x, at + 2 * LANES, x, at + 2 * LANES);
                halfSplitVectors(c3, s3, n3, pairs, x, at + 3 * LANES, x, at + 3 * LANES);
            }
        }
        for (; j + LANES <= pairs; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + pairs + j);
            FloatVector negativeS = s.neg();
            for (int h = 0; h < heads; h++) {
                halfSplitVectors(c, s, negativeS, pairs, x, in + h * d + j, x, in + h * d + j);
            }
        }
        for (int h = 0; h < heads; h++) {
            halfSplitPairs(cosSin, row, pairs, j, x, in + h * d, x, in + h * d);
        }
    }

    /** One HALF_SPLIT head from {@code x[in …]} into {@code out[o …]}. */
    private static void halfSplitHead(float[] cosSin, int row, int pairs, float[] x, int in, float[] out, int o) {
        int j = 0;
        for (; j + LANES <= pairs; j += LANES) {
            FloatVector s = FloatVector.fromArray(F, cosSin, row + pairs + j);
            halfSplitVectors(FloatVector.fromArray(F, cosSin, row + j), s, s.neg(), pairs, x, in + j, out, o + j);
        }
        halfSplitPairs(cosSin, row, pairs, j, x, in, out, o);
    }

    /** L HALF_SPLIT pairs {@code (j, j + r/2)}: {@code y_a = a·c − b·s}, {@code y_b = b·c + a·s}. */
    private static void halfSplitVectors(FloatVector c, FloatVector s, FloatVector negativeS, int pairs, float[] x,
                                         int in, float[] out, int o) {
        FloatVector a = FloatVector.fromArray(F, x, in);
        FloatVector b = FloatVector.fromArray(F, x, in + pairs);
        Lanes.fma(b, negativeS, a.mul(c)).intoArray(out, o);
        Lanes.fma(a, s, b.mul(c)).intoArray(out, o + pairs);
    }

    /** HALF_SPLIT pairs {@code from … pairs − 1} of one head, scalar. */
    private static void halfSplitPairs(float[] cosSin, int row, int pairs, int from, float[] x, int in, float[] out,
                                       int o) {
        for (int j = from; j < pairs; j++) {
            scalarPair(cosSin[row + j], cosSin[row + pairs + j], x, in + j, in + pairs + j, out, o + j, o + pairs + j);
        }
    }

    /** Every INTERLEAVED head of a row in place, four vectors at a time as {@link #halfSplitRow}. */
    private static void interleavedRow(float[] cosSin, int row, int r, int d, int heads, float[] x, int in) {
        int j = 0;
        for (; j + 4 * LANES <= r; j += 4 * LANES) {
            FloatVector c0 = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector c1 = FloatVector.fromArray(F, cosSin, row + j + LANES);
            FloatVector c2 = FloatVector.fromArray(F, cosSin, row + j + 2 * LANES);
            FloatVector c3 = FloatVector.fromArray(F, cosSin, row + j + 3 * LANES);
            FloatVector s0 = FloatVector.fromArray(F, cosSin, row + r + j);
            FloatVector s1 = FloatVector.fromArray(F, cosSin, row + r + j + LANES);
            FloatVector s2 = FloatVector.fromArray(F, cosSin, row + r + j + 2 * LANES);
            FloatVector s3 = FloatVector.fromArray(F, cosSin, row + r + j + 3 * LANES);
            for (int h = 0; h < heads; h++) {
                int at = in + h * d + j;
                interleavedVector(c0, s0, x, at, x, at);
                interleavedVector(c1, s1, x, at + LANES, x, at + LANES);
                interleavedVector(c2, s2, x, at + 2 * LANES, x, at + 2 * LANES);
                interleavedVector(c3, s3, x, at + 3 * LANES, x, at + 3 * LANES);
            }
        }
        for (; j + LANES <= r; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + r + j);
            for (int h = 0; h < heads; h++) {
                interleavedVector(c, s, x, in + h * d + j, x, in + h * d + j);
            }
        }
        for (int h = 0; h < heads; h++) {
            interleavedPairs(cosSin, row, r, j, x, in + h * d, x, in + h * d);
        }
    }

    /** One INTERLEAVED head from {@code x[in …]} into {@code out[o …]}. */
    private static void interleavedHead(float[] cosSin, int row, int r, float[] x, int in, float[] out, int o) {
        int j = 0;
        for (; j + LANES <= r; j += LANES) {
            interleavedVector(FloatVector.fromArray(F, cosSin, row + j), FloatVector.fromArray(F, cosSin, row + r + j),
                    x, in + j, out, o + j);
        }
        interleavedPairs(cosSin, row, r, j, x, in, out, o);
    }

    /** L/2 INTERLEAVED pairs: {@code y = x·C + swap(x)·S}. */
    private static void interleavedVector(FloatVector c, FloatVector s, float[] x, int in, float[] out, int o) {
        FloatVector v = FloatVector.fromArray(F, x, in);
        Lanes.fma(v.rearrange(SWAP_PAIRS), s, v.mul(c)).intoArray(out, o);
    }

    /** INTERLEAVED dims {@code from … r − 1} of one head (whole pairs), scalar. */
    private static void interleavedPairs(float[] cosSin, int row, int r, int from, float[] x, int in, float[] out,
                                         int o) {
        for (int j = from; j < r; j += 2) {
            scalarPair(cosSin[row + j], cosSin[row + r + j + 1], x, in + j, in + j + 1, out, o + j, o + j + 1);
        }
    }

    /** One pair from its float cos and sin, in double, rounded once. */
    private static void scalarPair(float c, float s, float[] x, int a, int b, float[] out, int oa, int ob) {
        double xa = x[a];
        double xb = x[b];
        out[oa] = (float) (xa * c - xb * s);
        out[ob] = (float) (xb * c + xa * s);
    }
}
