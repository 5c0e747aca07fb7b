package dev.posenc.vector;

import dev.posenc.Positions;
import dev.posenc.internal.SharedState;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rotary embeddings row by row (one position), each head of the row in turn, streaming through memory.
 * The row's cos/sin come from a {@link RopeCache} ({@code cos θ·af} rounded once from double) or are
 * computed once per row into a small buffer: {@code θ = p·inv_freq} in double, reduced modulo 2π in
 * double ({@link TwoPi}), rounded to float ({@code ≤ 2⁻²³} absolute, as |θ| ≤ π) for the float
 * {@code COS}/{@code SIN} (≤ 1.5 ulp), times the scale; pairs beyond the last full vector, and rows whose
 * angles exceed 2³¹ radians (past exact reduction: frequencies above 1 near position 2³¹), in double.
 *
 * <p>HALF_SPLIT pairs are two contiguous half-heads: {@code y_a = a·c − b·s}, {@code y_b = b·c + a·s}
 * over {@code L} pairs at once. INTERLEAVED pairs are neighbouring lanes: with {@code C = [c0,c0,c1,c1,…]}
 * and {@code S = [−s0,s0,−s1,s1,…]} (shuffles of the row's cosines and sines), {@code y = x·C +
 * swap(x)·S}, {@code swap} exchanging the lanes of each pair. Pairs left over by the vectors are scalar
 * (double arithmetic on the row's float cos/sin, rounded once).
 *
 * <p>Loop order. In place, each chunk of cos/sin (loaded, and for INTERLEAVED shuffled, once) is applied
 * to every head of the row, which stays in L1. Out of place, heads go one after the other: visiting every
 * head per chunk would make dozens of strided streams through x and out (32 heads of 128 floats: 512-byte
 * strides) that defeat the prefetchers and alias in L1; measured at 32 × 512 × 128, head by head is 1.3–3×
 * faster out of place and chunk by chunk 1.3× faster in place.
 */
final class VectorRope implements RopeKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final int LANES = F.length();
    /** Half the float lanes, = the double lanes: the pairs in one float vector of an INTERLEAVED head. */
    private static final int HALF = D.length();
    private static final VectorMask<Float> LOW_HALF = F.indexInRange(0, HALF);
    private static final VectorMask<Float> EVEN_LANES = VectorMask.fromLong(F, 0x5555_5555_5555_5555L);
    /** Lane {@code j} takes lane {@code j/2}: duplicates the lower half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_LOW = VectorShuffle.fromOp(F, j -> j / 2);
    /** Lane {@code j} takes lane {@code HALF + j/2}: duplicates the upper half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_HIGH = VectorShuffle.fromOp(F, j -> HALF + j / 2);
    /** Exchanges the two lanes of each pair. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(F, j -> j ^ 1);
    /** Largest |θ| that {@link TwoPi#reduce} handles exactly, with margin (its limit is 2²⁹·2π). */
    private static final double MAX_ANGLE = 0x1p31;

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
     * {@code null}, computed into one row of cos/sin per position.
     */
    private static void rows(RotaryEmbedding rope, RopeFrequencies f, float[] table, int first, Positions positions,
                             float scale, boolean inverse, int heads, float[] x, int xOffset, float[] out,
                             int outOffset) {
        double[] inv = SharedState.of(f, double[].class);
        int d = rope.headDim();
        int pairs = rope.rotaryDim() / 2;
        boolean halfSplit = rope.layout() == RopeLayout.HALF_SPLIT;
        float[] cosSin = table != null ? table : new float[2 * pairs];
        boolean inPlace = x == out && xOffset == outOffset;
        // In place, each chunk of cos/sin serves every head of the row (the row stays in L1); out of place,
        // one head at a time keeps x and out two sequential streams (see the class comment).
        int block = inPlace ? heads : 1;
        for (int r = 0; r < positions.count(); r++) {
            int p = positions.at(r);
            int row = 0;
            if (table != null) {
                row = (p - first) * 2 * pairs;
            } else {
                cosSinRow(inv, p, scale, inverse ? -scale : scale, cosSin);
            }
            for (int h = 0; h < heads; h += block) {
                int in = xOffset + (r * heads + h) * d;
                int o = outOffset + (r * heads + h) * d;
                if (halfSplit) {
                    halfSplitHeads(cosSin, row, pairs, d, block, x, in, out, o);
                } else {
                    interleavedHeads(cosSin, row, pairs, d, block, x, in, out, o);
                }
                if (!inPlace && 2 * pairs < d) {
                    System.arraycopy(x, in + 2 * pairs, out, o + 2 * pairs, d - 2 * pairs);
                }
            }
        }
    }

    /**
     * Writes {@code cos θ_i·scale} to {@code row[i]} and {@code sin θ_i·sinScale} to {@code row[pairs + i]},
     * {@code θ_i = p·inv_freq_i}: vectors of L pairs, the rest (and every pair of a row whose angles exceed
     * exact reduction) in double.
     */
    private static void cosSinRow(double[] inv, int p, float scale, float sinScale, float[] row) {
        int pairs = inv.length;
        DoubleVector position = DoubleVector.broadcast(D, p);
        int i = 0;
        if (Math.abs((double) p) * inv[largest(inv)] <= MAX_ANGLE) {
            for (; i + LANES <= pairs; i += LANES) {
                FloatVector theta = reducedAngles(position, inv, i);
                theta.lanewise(VectorOperators.COS).mul(scale).intoArray(row, i);
                theta.lanewise(VectorOperators.SIN).mul(sinScale).intoArray(row, pairs + i);
            }
        }
        for (; i < pairs; i++) {
            double theta = p * inv[i];
            row[i] = (float) (Math.cos(theta) * scale);
            row[pairs + i] = (float) (Math.sin(theta) * sinScale);
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

    /** {@code θ_i … θ_{i+L−1} = p·inv_freq}, reduced into about [−π, π] in double, then rounded to float. */
    private static FloatVector reducedAngles(DoubleVector position, double[] inv, int i) {
        FloatVector low = (FloatVector) reduced(position, inv, i).convertShape(VectorOperators.D2F, F, 0);
        FloatVector high = (FloatVector) reduced(position, inv, i + HALF).convertShape(VectorOperators.D2F, F, -1);
        return high.blend(low, LOW_HALF);
    }

    private static DoubleVector reduced(DoubleVector position, double[] inv, int i) {
        return TwoPi.reduce(position.mul(DoubleVector.fromArray(D, inv, i)));
    }

    /**
     * {@code n} consecutive HALF_SPLIT heads: pairs {@code (j, j + r/2)}, L at a time ({@code y_a = a·c − b·s},
     * {@code y_b = b·c + a·s}), with {@code c = cosSin[row + j]}, {@code s = cosSin[row + r/2 + j]}.
     */
    private static void halfSplitHeads(float[] cosSin, int row, int pairs, int d, int n, float[] x, int in, float[] out,
                                       int o) {
        int j = 0;
        for (; j + LANES <= pairs; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + pairs + j);
            FloatVector negativeS = s.neg();
            for (int h = 0; h < n; h++) {
                FloatVector a = FloatVector.fromArray(F, x, in + h * d + j);
                FloatVector b = FloatVector.fromArray(F, x, in + h * d + pairs + j);
                Lanes.fma(b, negativeS, a.mul(c)).intoArray(out, o + h * d + j);
                Lanes.fma(a, s, b.mul(c)).intoArray(out, o + h * d + pairs + j);
            }
        }
        for (; j < pairs; j++) {
            for (int h = 0; h < n; h++) {
                scalarPair(cosSin[row + j], cosSin[row + pairs + j], x, in + h * d + j, in + h * d + pairs + j, out,
                        o + h * d + j, o + h * d + pairs + j);
            }
        }
    }

    /**
     * {@code n} consecutive INTERLEAVED heads: {@code y = x·C + swap(x)·S} a vector at a time,
     * {@code C = [c0,c0,c1,c1,…]} and {@code S = [−s0,s0,−s1,s1,…]} shuffled from the row's cosines and sines.
     */
    private static void interleavedHeads(float[] cosSin, int row, int pairs, int d, int n, float[] x, int in,
                                         float[] out, int o) {
        int j = 0;
        for (; j + LANES <= pairs; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + pairs + j);
            interleavedVectors(c, s, DUPLICATE_LOW, DUPLICATE_LOW, d, n, x, in + 2 * j, out, o + 2 * j);
            interleavedVectors(c, s, DUPLICATE_HIGH, DUPLICATE_HIGH, d, n, x, in + 2 * j + LANES, out, o + 2 * j + LANES);
        }
        if (j + HALF <= pairs) {
            // Half a chunk: the sines are read so that they land in the upper half, keeping both loads in the row.
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + pairs + j - HALF);
            interleavedVectors(c, s, DUPLICATE_LOW, DUPLICATE_HIGH, d, n, x, in + 2 * j, out, o + 2 * j);
            j += HALF;
        }
        for (; j < pairs; j++) {
            for (int h = 0; h < n; h++) {
                scalarPair(cosSin[row + j], cosSin[row + pairs + j], x, in + h * d + 2 * j, in + h * d + 2 * j + 1, out,
                        o + h * d + 2 * j, o + h * d + 2 * j + 1);
            }
        }
    }

    /** One vector of each of {@code n} INTERLEAVED heads: {@code C} is {@code cos} shuffled by {@code fromC}, {@code S} likewise. */
    private static void interleavedVectors(FloatVector cos, FloatVector sin, VectorShuffle<Float> fromC,
                                           VectorShuffle<Float> fromS, int d, int n, float[] x, int in, float[] out,
                                           int o) {
        FloatVector c = cos.rearrange(fromC);
        FloatVector s = sin.rearrange(fromS).lanewise(VectorOperators.NEG, EVEN_LANES);
        for (int h = 0; h < n; h++) {
            FloatVector v = FloatVector.fromArray(F, x, in + h * d);
            Lanes.fma(v.rearrange(SWAP_PAIRS), s, v.mul(c)).intoArray(out, o + h * d);
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
