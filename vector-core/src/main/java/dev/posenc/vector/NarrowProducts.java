package dev.posenc.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of a narrow block (at most one vector of entries: decode), one key at a time and
 * along the head width instead of along the entries, so that every lane does useful work and a work
 * item can visit the key and value rows of all its kv heads in memory order:
 * <ul>
 *   <li>{@link #scores}: {@code S[j][e] = Σ_c q_e[c]·k_j[c]} for four entries and two keys at a time,
 *       each key row loaded once per four entries; each sum folds its lanes by a fixed tree of
 *       rotate-and-adds, then adds the tail in order;
 *   <li>{@link #accumulate}: {@code O[e][c] += p_{j,e}·v_j[c]}, the value row loaded once, output rows
 *       row-major {@code [entries × valueDim]}.
 * </ul>
 * {@code accumulate} performs the same fused multiply-adds in the same order as
 * {@link TileProducts#accumulate} (per output, over the keys), so outputs match a wide block's bit for
 * bit given the same probabilities; the logits' lane tree sums in another order than the wide
 * kernels' chains, within the same error bound. Every operation here is exact IEEE arithmetic in a
 * fixed order, so the results do not depend on the JIT tier.
 */
final class NarrowProducts {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /**
     * Hardware FMA, else a multiply and an add (as {@link Lanes#fma}), written out at each use: a small
     * helper taking vectors is left uninlined when a large compilation hits C2's node budget, and its
     * vectors are then boxed.
     */
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    /** Rotations by L/2, L/4, L/8 and L/16 lanes (those below L/4 are unused at narrower widths). */
    private static final VectorShuffle<Float> HALF = rotation(1);
    private static final VectorShuffle<Float> QUARTER = rotation(2);
    private static final VectorShuffle<Float> EIGHTH = rotation(3);
    private static final VectorShuffle<Float> SIXTEENTH = rotation(4);

    private NarrowProducts() {}

    private static VectorShuffle<Float> rotation(int level) {
        return VectorShuffle.iota(F, Math.max(1, L >> level), 1, true);
    }

    /**
     * {@code s[at + e] = Σ_c q[e·d + c]·k[kRow + c]} and {@code s[at + G + e]} likewise for the key row at
     * {@code kRow + kStride} when {@code both}, for {@code e < 4·quads} (q row-major, padded with zero
     * rows to whole quads); {@code partials} holds at least {@code 8·L + 8} floats.
     */
    static void scores(float[] q, int quads, int d, float[] k, int kRow, int kStride, boolean both, float[] s, int at,
                       float[] partials) {
        int second = both ? kRow + kStride : kRow;
        for (int quad = 0; quad < quads; quad++) {
            int q0 = 4 * quad * d;
            int c = scores8(q, q0, d, k, kRow, second, partials);
            fold(partials, 8, partials, 8 * L);
            for (int e = 0; e < 4; e++) {
                s[at + 4 * quad + e] = tail(q, q0 + e * d, k, kRow, c, d, partials[8 * L + e]);
                if (both) {
                    float partial = partials[8 * L + 4 + e];
                    s[at + TileProducts.G + 4 * quad + e] = tail(q, q0 + e * d, k, second, c, d, partial);
                }
            }
        }
    }

    /**
     * The lanewise partial sums of four dot products with each of two key rows over the whole vectors
     * of the head width, into {@code partials} (eight vectors); returns where the scalar tail starts.
     * The sums leave as arrays, not vectors: a vector passed to a method C2 does not inline is boxed.
     */
    private static int scores8(float[] q, int q0, int d, float[] k, int row0, int row1, float[] partials) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        int c = 0;
        for (int bound = F.loopBound(d); c < bound; c += L) {
            FloatVector key = FloatVector.fromArray(F, k, row0 + c);
            FloatVector other = FloatVector.fromArray(F, k, row1 + c);
            FloatVector x0 = FloatVector.fromArray(F, q, q0 + c);
            FloatVector x1 = FloatVector.fromArray(F, q, q0 + d + c);
            FloatVector x2 = FloatVector.fromArray(F, q, q0 + 2 * d + c);
            FloatVector x3 = FloatVector.fromArray(F, q, q0 + 3 * d + c);
            a0 = FMA ? x0.fma(key, a0) : x0.mul(key).add(a0);
            a1 = FMA ? x1.fma(key, a1) : x1.mul(key).add(a1);
            a2 = FMA ? x2.fma(key, a2) : x2.mul(key).add(a2);
            a3 = FMA ? x3.fma(key, a3) : x3.mul(key).add(a3);
            b0 = FMA ? x0.fma(other, b0) : x0.mul(other).add(b0);
            b1 = FMA ? x1.fma(other, b1) : x1.mul(other).add(b1);
            b2 = FMA ? x2.fma(other, b2) : x2.mul(other).add(b2);
            b3 = FMA ? x3.fma(other, b3) : x3.mul(other).add(b3);
        }
        a0.intoArray(partials, 0);
        a1.intoArray(partials, L);
        a2.intoArray(partials, 2 * L);
        a3.intoArray(partials, 3 * L);
        b0.intoArray(partials, 4 * L);
        b1.intoArray(partials, 5 * L);
        b2.intoArray(partials, 6 * L);
        b3.intoArray(partials, 7 * L);
        return c;
    }

    /** {@code sums[at + i]} = the total of vector i of {@code partials}, by a fixed tree of rotate-and-adds. */
    private static void fold(float[] partials, int vectors, float[] sums, int at) {
        for (int i = 0; i < vectors; i++) {
            FloatVector v = FloatVector.fromArray(F, partials, i * L);
            v = v.add(v.rearrange(HALF));
            v = v.add(v.rearrange(QUARTER));
            if (L >= 8) {
                v = v.add(v.rearrange(EIGHTH));
            }
            if (L >= 16) {
                v = v.add(v.rearrange(SIXTEENTH));
            }
            sums[at + i] = v.lane(0);
        }
    }

    /** {@code Σ x[at … at + L)}, in order. */
    static float total(float[] x, int at) {
        float sum = 0;
        for (int i = 0; i < L; i++) {
            sum += x[at + i];
        }
        return sum;
    }

    private static float tail(float[] q, int q0, float[] k, int kRow, int from, int d, float sum) {
        for (int c = from; c < d; c++) {
            sum = fma(q[q0 + c], k[kRow + c], sum);
        }
        return sum;
    }

    /**
     * {@code o[e·dv + c] = fma(s[at + e], v[vRow + c], o[e·dv + c])} for {@code e < 4·quads},
     * {@code c < dv}, then the same for the next key ({@code at + G}, {@code vRow + vStride}) when
     * {@code both}: one or two keys' contributions to every entry's output row, the probabilities
     * broadcast once per quad.
     */
    static void accumulate(float[] s, int at, int quads, float[] v, int vRow, int vStride, boolean both, int dv,
                           float[] o) {
        for (int quad = 0; quad < quads; quad++) {
            accumulate4(s, at + 4 * quad, v, vRow, both ? vRow + vStride : -1, dv, o, 4 * quad * dv);
        }
    }

    private static void accumulate4(float[] s, int at, float[] v, int row0, int row1, int dv, float[] o, int o0) {
        int G = TileProducts.G;
        boolean both = row1 >= 0;
        FloatVector p0 = FloatVector.broadcast(F, s[at]);
        FloatVector p1 = FloatVector.broadcast(F, s[at + 1]);
        FloatVector p2 = FloatVector.broadcast(F, s[at + 2]);
        FloatVector p3 = FloatVector.broadcast(F, s[at + 3]);
        FloatVector r0 = FloatVector.broadcast(F, both ? s[at + G] : 0f);
        FloatVector r1 = FloatVector.broadcast(F, both ? s[at + G + 1] : 0f);
        FloatVector r2 = FloatVector.broadcast(F, both ? s[at + G + 2] : 0f);
        FloatVector r3 = FloatVector.broadcast(F, both ? s[at + G + 3] : 0f);
        int c = 0;
        for (int bound = F.loopBound(dv); c < bound; c += L) {
            FloatVector first = FloatVector.fromArray(F, v, row0 + c);
            FloatVector x0 = FloatVector.fromArray(F, o, o0 + c);
            FloatVector x1 = FloatVector.fromArray(F, o, o0 + dv + c);
            FloatVector x2 = FloatVector.fromArray(F, o, o0 + 2 * dv + c);
            FloatVector x3 = FloatVector.fromArray(F, o, o0 + 3 * dv + c);
            x0 = FMA ? p0.fma(first, x0) : p0.mul(first).add(x0);
            x1 = FMA ? p1.fma(first, x1) : p1.mul(first).add(x1);
            x2 = FMA ? p2.fma(first, x2) : p2.mul(first).add(x2);
            x3 = FMA ? p3.fma(first, x3) : p3.mul(first).add(x3);
            if (both) {
                FloatVector second = FloatVector.fromArray(F, v, row1 + c);
                x0 = FMA ? r0.fma(second, x0) : r0.mul(second).add(x0);
                x1 = FMA ? r1.fma(second, x1) : r1.mul(second).add(x1);
                x2 = FMA ? r2.fma(second, x2) : r2.mul(second).add(x2);
                x3 = FMA ? r3.fma(second, x3) : r3.mul(second).add(x3);
            }
            x0.intoArray(o, o0 + c);
            x1.intoArray(o, o0 + dv + c);
            x2.intoArray(o, o0 + 2 * dv + c);
            x3.intoArray(o, o0 + 3 * dv + c);
        }
        for (; c < dv; c++) {
            for (int e = 0; e < 4; e++) {
                int oe = o0 + e * dv + c;
                o[oe] = fma(s[at + e], v[row0 + c], o[oe]);
                if (both) {
                    o[oe] = fma(s[at + G + e], v[row1 + c], o[oe]);
                }
            }
        }
    }

    /** {@code o[e·dv + c] ·= alpha[e]} where {@code alpha[e] ≠ 1}: the online softmax's rescale. */
    static void rescale(float[] o, int entries, int dv, float[] alpha) {
        for (int e = 0; e < entries; e++) {
            float a = alpha[e];
            if (a == 1f) {
                continue;
            }
            int c = e * dv;
            for (int bound = c + F.loopBound(dv); c < bound; c += L) {
                FloatVector.fromArray(F, o, c).mul(a).intoArray(o, c);
            }
            for (; c < (e + 1) * dv; c++) {
                o[c] *= a;
            }
        }
    }

    /** {@code a·b + c} exactly as a lane of {@link Lanes#fma} computes it. */
    private static float fma(float a, float b, float c) {
        return Lanes.FMA ? Math.fma(a, b, c) : a * b + c;
    }
}
