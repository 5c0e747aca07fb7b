package dev.posenc.vector;

import dev.posenc.rope.RopeLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Applies a row of cos/sin to the heads of one token: the multiply-and-add half of every RoPE kernel
 * ({@link VectorRope}, and through it M-RoPE, 2-D vision RoPE and xPos, whose rows differ only in how
 * the angles and scales are formed). A row is laid out for its pair layout so that applying it only
 * multiplies and adds:
 * <ul>
 *   <li>HALF_SPLIT: {@code [c_0 … c_{r/2−1}, s_0 … s_{r/2−1}]}, {@code r} floats;
 *   <li>INTERLEAVED: {@code [c_0, c_0, c_1, c_1, …, −s_0, s_0, −s_1, s_1, …]}, {@code 2r} floats, so that
 *       {@code y = x·C + swap(x)·S} with {@code swap} exchanging each pair's two elements.
 * </ul>
 * HALF_SPLIT pairs are two contiguous half-heads: {@code y_a = a·c − b·s}, {@code y_b = b·c + a·s} over
 * {@code L} pairs at once; INTERLEAVED pairs are neighbouring lanes (one shuffle). Pairs left over by the
 * vectors are scalar (double arithmetic on the row's float cos/sin, rounded once).
 *
 * <p>Loop order. In place, four vectors of the row at a time are applied to every head of the token, which
 * stays in L1. Out of place, heads go one after the other: visiting every head per vector would make dozens
 * of strided streams through x and out (32 heads of 128 floats: 512-byte strides) that defeat the
 * prefetchers and alias in L1; measured at 32 × 512 × 128, head by head is 1.3–3× faster out of place and
 * vector by vector 1.3× faster in place.
 */
final class RowRotation {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final int LANES = F.length();
    /** Exchanges the two lanes of each pair. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(F, j -> j ^ 1);
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;

    private RowRotation() {}

    /** Floats per row for rotary dimension {@code r}. */
    static int width(RopeLayout layout, int r) {
        return layout == RopeLayout.HALF_SPLIT ? r : 2 * r;
    }

    /** Writes pair {@code i}'s cosine and sine into the row at {@code row} of a table for rotary dimension {@code r}. */
    static void put(RopeLayout layout, float[] table, int row, int r, int i, float cos, float sin) {
        if (layout == RopeLayout.HALF_SPLIT) {
            table[row + i] = cos;
            table[row + r / 2 + i] = sin;
        } else {
            table[row + 2 * i] = cos;
            table[row + 2 * i + 1] = cos;
            table[row + r + 2 * i] = -sin;
            table[row + r + 2 * i + 1] = sin;
        }
    }

    /** Pair {@code i}'s cosine in the row at {@code row}. */
    static float cos(RopeLayout layout, float[] table, int row, int i) {
        return table[layout == RopeLayout.HALF_SPLIT ? row + i : row + 2 * i];
    }

    /** Pair {@code i}'s sine in the row at {@code row}. */
    static float sin(RopeLayout layout, float[] table, int row, int r, int i) {
        return table[layout == RopeLayout.HALF_SPLIT ? row + r / 2 + i : row + r + 2 * i + 1];
    }

    /**
     * Rotates the {@code heads} heads of {@code d} dims at {@code x[in …]} by the row at {@code cosSin[row …]}
     * into {@code out[o …]} (in place when {@code out} is {@code x} at {@code in}); dims {@code r … d − 1}
     * are copied.
     */
    static void apply(RopeLayout layout, float[] cosSin, int row, int r, int d, int heads, float[] x, int in,
                      float[] out, int o) {
        if (x == out && in == o) {
            // Each vector of cos/sin serves every head of the row, which stays in L1.
            if (layout == RopeLayout.HALF_SPLIT) {
                halfSplitRow(cosSin, row, r / 2, d, heads, x, in);
            } else {
                interleavedRow(cosSin, row, r, d, heads, x, in);
            }
            return;
        }
        // One head at a time: x and out stay two sequential streams.
        for (int h = 0; h < heads; h++) {
            if (layout == RopeLayout.HALF_SPLIT) {
                halfSplitHead(cosSin, row, r / 2, x, in + h * d, out, o + h * d);
            } else {
                interleavedHead(cosSin, row, r, x, in + h * d, out, o + h * d);
            }
            if (r < d) {
                System.arraycopy(x, in + h * d + r, out, o + h * d + r, d - r);
            }
        }
    }

    /**
     * Every HALF_SPLIT head of a row in place: four vectors of the cos/sin row at a time are applied to every
     * head (one pass over the row per four vectors: at 32 heads × 128, passes of one vector each ran 25%
     * slower), then single vectors, then scalar pairs. Each vector of pairs {@code (j, j + r/2)} is
     * {@code y_a = a·c − b·s}, {@code y_b = b·c + a·s}, written out at each use (the package's C2 rule: a
     * helper taking the vectors was left out of line at the single-vector loop once it was compiled on its own,
     * boxing its arguments).
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
                FloatVector a0 = FloatVector.fromArray(F, x, at);
                FloatVector b0 = FloatVector.fromArray(F, x, at + pairs);
                FloatVector a1 = FloatVector.fromArray(F, x, at + LANES);
                FloatVector b1 = FloatVector.fromArray(F, x, at + LANES + pairs);
                FloatVector a2 = FloatVector.fromArray(F, x, at + 2 * LANES);
                FloatVector b2 = FloatVector.fromArray(F, x, at + 2 * LANES + pairs);
                FloatVector a3 = FloatVector.fromArray(F, x, at + 3 * LANES);
                FloatVector b3 = FloatVector.fromArray(F, x, at + 3 * LANES + pairs);
                (FMA ? b0.fma(n0, a0.mul(c0)) : b0.mul(n0).add(a0.mul(c0))).intoArray(x, at);
                (FMA ? a0.fma(s0, b0.mul(c0)) : a0.mul(s0).add(b0.mul(c0))).intoArray(x, at + pairs);
                (FMA ? b1.fma(n1, a1.mul(c1)) : b1.mul(n1).add(a1.mul(c1))).intoArray(x, at + LANES);
                (FMA ? a1.fma(s1, b1.mul(c1)) : a1.mul(s1).add(b1.mul(c1))).intoArray(x, at + LANES + pairs);
                (FMA ? b2.fma(n2, a2.mul(c2)) : b2.mul(n2).add(a2.mul(c2))).intoArray(x, at + 2 * LANES);
                (FMA ? a2.fma(s2, b2.mul(c2)) : a2.mul(s2).add(b2.mul(c2))).intoArray(x, at + 2 * LANES + pairs);
                (FMA ? b3.fma(n3, a3.mul(c3)) : b3.mul(n3).add(a3.mul(c3))).intoArray(x, at + 3 * LANES);
                (FMA ? a3.fma(s3, b3.mul(c3)) : a3.mul(s3).add(b3.mul(c3))).intoArray(x, at + 3 * LANES + pairs);
            }
        }
        for (; j + LANES <= pairs; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + pairs + j);
            FloatVector n = s.neg();
            for (int h = 0; h < heads; h++) {
                int at = in + h * d + j;
                FloatVector a = FloatVector.fromArray(F, x, at);
                FloatVector b = FloatVector.fromArray(F, x, at + pairs);
                (FMA ? b.fma(n, a.mul(c)) : b.mul(n).add(a.mul(c))).intoArray(x, at);
                (FMA ? a.fma(s, b.mul(c)) : a.mul(s).add(b.mul(c))).intoArray(x, at + pairs);
            }
        }
        for (int h = 0; h < heads; h++) {
            halfSplitPairs(cosSin, row, pairs, j, x, in + h * d, x, in + h * d);
        }
    }

    /** One HALF_SPLIT head from {@code x[in …]} into {@code out[o …]}, as {@link #halfSplitRow}. */
    private static void halfSplitHead(float[] cosSin, int row, int pairs, float[] x, int in, float[] out, int o) {
        int j = 0;
        for (; j + LANES <= pairs; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + pairs + j);
            FloatVector a = FloatVector.fromArray(F, x, in + j);
            FloatVector b = FloatVector.fromArray(F, x, in + j + pairs);
            FloatVector n = s.neg();
            (FMA ? b.fma(n, a.mul(c)) : b.mul(n).add(a.mul(c))).intoArray(out, o + j);
            (FMA ? a.fma(s, b.mul(c)) : a.mul(s).add(b.mul(c))).intoArray(out, o + j + pairs);
        }
        halfSplitPairs(cosSin, row, pairs, j, x, in, out, o);
    }

    /** HALF_SPLIT pairs {@code from … pairs − 1} of one head, scalar. */
    private static void halfSplitPairs(float[] cosSin, int row, int pairs, int from, float[] x, int in, float[] out,
                                       int o) {
        for (int j = from; j < pairs; j++) {
            scalarPair(cosSin[row + j], cosSin[row + pairs + j], x, in + j, in + pairs + j, out, o + j, o + pairs + j);
        }
    }

    /**
     * Every INTERLEAVED head of a row in place, four vectors at a time as {@link #halfSplitRow}; each vector of
     * L/2 pairs is {@code y = x·C + swap(x)·S}.
     */
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
                FloatVector v0 = FloatVector.fromArray(F, x, at);
                FloatVector v1 = FloatVector.fromArray(F, x, at + LANES);
                FloatVector v2 = FloatVector.fromArray(F, x, at + 2 * LANES);
                FloatVector v3 = FloatVector.fromArray(F, x, at + 3 * LANES);
                FloatVector w0 = v0.rearrange(SWAP_PAIRS);
                FloatVector w1 = v1.rearrange(SWAP_PAIRS);
                FloatVector w2 = v2.rearrange(SWAP_PAIRS);
                FloatVector w3 = v3.rearrange(SWAP_PAIRS);
                (FMA ? w0.fma(s0, v0.mul(c0)) : w0.mul(s0).add(v0.mul(c0))).intoArray(x, at);
                (FMA ? w1.fma(s1, v1.mul(c1)) : w1.mul(s1).add(v1.mul(c1))).intoArray(x, at + LANES);
                (FMA ? w2.fma(s2, v2.mul(c2)) : w2.mul(s2).add(v2.mul(c2))).intoArray(x, at + 2 * LANES);
                (FMA ? w3.fma(s3, v3.mul(c3)) : w3.mul(s3).add(v3.mul(c3))).intoArray(x, at + 3 * LANES);
            }
        }
        for (; j + LANES <= r; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + r + j);
            for (int h = 0; h < heads; h++) {
                int at = in + h * d + j;
                FloatVector v = FloatVector.fromArray(F, x, at);
                FloatVector w = v.rearrange(SWAP_PAIRS);
                (FMA ? w.fma(s, v.mul(c)) : w.mul(s).add(v.mul(c))).intoArray(x, at);
            }
        }
        for (int h = 0; h < heads; h++) {
            interleavedPairs(cosSin, row, r, j, x, in + h * d, x, in + h * d);
        }
    }

    /** One INTERLEAVED head from {@code x[in …]} into {@code out[o …]}, as {@link #interleavedRow}. */
    private static void interleavedHead(float[] cosSin, int row, int r, float[] x, int in, float[] out, int o) {
        int j = 0;
        for (; j + LANES <= r; j += LANES) {
            FloatVector c = FloatVector.fromArray(F, cosSin, row + j);
            FloatVector s = FloatVector.fromArray(F, cosSin, row + r + j);
            FloatVector v = FloatVector.fromArray(F, x, in + j);
            FloatVector w = v.rearrange(SWAP_PAIRS);
            (FMA ? w.fma(s, v.mul(c)) : w.mul(s).add(v.mul(c))).intoArray(out, o + j);
        }
        interleavedPairs(cosSin, row, r, j, x, in, out, o);
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
