package dev.posenc.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of a narrow block (at most one vector of entries: decode), one key at a time and
 * along the head width instead of along the entries, so that every lane does useful work and a work
 * item can visit the key and value rows of all its kv heads in memory order:
 * <ul>
 *   <li>{@link #scores}: {@code S[j][e] = Σ_c q_e[c]·k_j[c]} for four entries at a time, the key row
 *       loaded once; each sum adds its lanes in order, then the tail;
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
    private NarrowProducts() {}

    /**
     * {@code s[at + e] = Σ_c q[e·d + c]·k[kRow + c]} for {@code e < 4·quads} (q row-major, padded with
     * zero rows to whole quads); {@code partials} holds at least {@code 4·L} floats.
     */
    static void scores(float[] q, int quads, int d, float[] k, int kRow, float[] s, int at, float[] partials) {
        for (int quad = 0; quad < quads; quad++) {
            int q0 = 4 * quad * d;
            int c = scores4(q, q0, d, k, kRow, partials);
            for (int e = 0; e < 4; e++) {
                s[at + 4 * quad + e] = tail(q, q0 + e * d, k, kRow, c, d, total(partials, e * L));
            }
        }
    }

    /**
     * The lanewise partial sums of four dot products over the whole vectors of the head width, into
     * {@code partials} (four vectors); returns where the scalar tail starts. The sums leave as arrays,
     * not vectors: a vector passed to a method C2 does not inline is boxed.
     */
    private static int scores4(float[] q, int q0, int d, float[] k, int kRow, float[] partials) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int c = 0;
        for (int bound = F.loopBound(d); c < bound; c += L) {
            FloatVector key = FloatVector.fromArray(F, k, kRow + c);
            FloatVector x0 = FloatVector.fromArray(F, q, q0 + c);
            FloatVector x1 = FloatVector.fromArray(F, q, q0 + d + c);
            FloatVector x2 = FloatVector.fromArray(F, q, q0 + 2 * d + c);
            FloatVector x3 = FloatVector.fromArray(F, q, q0 + 3 * d + c);
            a0 = FMA ? x0.fma(key, a0) : x0.mul(key).add(a0);
            a1 = FMA ? x1.fma(key, a1) : x1.mul(key).add(a1);
            a2 = FMA ? x2.fma(key, a2) : x2.mul(key).add(a2);
            a3 = FMA ? x3.fma(key, a3) : x3.mul(key).add(a3);
        }
        a0.intoArray(partials, 0);
        a1.intoArray(partials, L);
        a2.intoArray(partials, 2 * L);
        a3.intoArray(partials, 3 * L);
        return c;
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
     * {@code o[e·dv + c] = fma(s[at + e], v[vRow + c], o[e·dv + c])} for {@code e < entries},
     * {@code c < dv}, then the same for the next key ({@code at + G}, {@code vRow + vStride}) when
     * {@code both}: one or two keys' contributions to every entry's output row.
     */
    static void accumulate(float[] s, int at, int entries, float[] v, int vRow, int vStride, boolean both, int dv,
                           float[] o) {
        int G = TileProducts.G;
        int c = 0;
        for (int bound = F.loopBound(dv); c < bound; c += L) {
            FloatVector first = FloatVector.fromArray(F, v, vRow + c);
            FloatVector second = both ? FloatVector.fromArray(F, v, vRow + vStride + c) : first;
            for (int e = 0, oe = c; e < entries; e++, oe += dv) {
                FloatVector x = FloatVector.fromArray(F, o, oe);
                FloatVector p = FloatVector.broadcast(F, s[at + e]);
                x = FMA ? p.fma(first, x) : p.mul(first).add(x);
                if (both) {
                    FloatVector p2 = FloatVector.broadcast(F, s[at + G + e]);
                    x = FMA ? p2.fma(second, x) : p2.mul(second).add(x);
                }
                x.intoArray(o, oe);
            }
        }
        for (; c < dv; c++) {
            for (int e = 0, oe = c; e < entries; e++, oe += dv) {
                o[oe] = fma(s[at + e], v[vRow + c], o[oe]);
                if (both) {
                    o[oe] = fma(s[at + G + e], v[vRow + vStride + c], o[oe]);
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
