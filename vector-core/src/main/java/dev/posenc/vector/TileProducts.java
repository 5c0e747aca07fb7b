package dev.posenc.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two matrix products of a streaming attention tile, with a block's queries along the vector
 * lanes. Lane-major buffers are stored by groups of {@link #G} lanes (four vectors): row {@code r} of
 * lane {@code e} is at {@link #at}{@code (e, rows) + r·G}, so the rows a group's kernels walk are
 * {@code G} floats apart whatever the block width (rows a power-of-two kilobyte apart would compete
 * for a few L1 sets).
 * <ul>
 *   <li>{@link #scores}: {@code S[j] = Σ_c Qᵀ[c]·k_j[c]}: each key element is broadcast and multiplied
 *       into the query vectors;
 *   <li>{@link #accumulate}: {@code Oᵀ[c] = α·Oᵀ[c] + Σ_j P[j]·v_j[c]}: each value element is broadcast
 *       and multiplied into the probability vectors.
 * </ul>
 * Key rows are read in place (a short last group is copied out with zero rows); values come packed
 * (rows contiguous, padded with zeros to a multiple of {@link #ROWS} columns), so there are no tails. A full group runs 4 × 3 register tiles: twelve accumulators,
 * four vector loads and three broadcasts per twelve FMAs, no horizontal reductions; a partial group
 * (decode) runs each vector against eight keys or columns. Every lane is a chain of fused
 * multiply-adds in a fixed order (over the head width, or over the keys after the rescale), so a
 * query's result does not depend on the block, lane or kernel it was computed in. Each register tile
 * is its own method, too large for C2 to inline into its caller: C2 intrinsifies the Vector API only
 * within a budget per compiled method and falls back to slow, allocating Java code beyond it.
 */
final class TileProducts {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final int L = F.length();
    /** Lanes per group: four vectors. */
    static final int G = 4 * L;
    /** Keys and value columns are processed in multiples of this many; callers pad both to it. */
    static final int ROWS = 24;

    private TileProducts() {}

    /** Where row 0 of lane {@code lane} is in a group-major buffer of {@code rows} rows. */
    static int at(int lane, int rows) {
        return lane / G * rows * G + lane % G;
    }

    /**
     * {@code S[j] = Σ_c Qᵀ[c]·k[kAt + j·kStride + c]} for {@code j < keys} and the lanes of
     * {@code vectors} query vectors; Qᵀ has d rows, S has {@code sRows} (at least {@code keys} rounded
     * up to a multiple of 8). Key rows are read where they are; the last few, short of a whole register
     * tile, are copied into {@code tail} (at least {@code 8·d} floats) with zero rows after them.
     */
    static void scores(float[] qT, int d, int vectors, float[] k, int kAt, int kStride, int keys, float[] tail,
                       float[] s, int sRows) {
        for (int g = 0; 4 * g < vectors; g++) {
            int q0 = g * d * G;
            int s0 = g * sRows * G;
            if (vectors - 4 * g >= 4) {
                int whole = keys - keys % 3;
                for (int j = 0; j < whole; j += 3) {
                    scores4x3(qT, q0, d, k, kAt + j * kStride, kStride, s, s0 + j * G);
                }
                if (whole < keys) {
                    TilePacks.pack(k, kAt + whole * kStride, kStride, keys - whole, d, d, tail, 3);
                    scores4x3(qT, q0, d, tail, 0, d, s, s0 + whole * G);
                }
                continue;
            }
            int whole = keys - keys % 8;
            if (whole < keys) {
                TilePacks.pack(k, kAt + whole * kStride, kStride, keys - whole, d, d, tail, 8);
            }
            for (int lane = 0; lane < (vectors - 4 * g) * L; lane += L) {
                for (int j = 0; j < whole; j += 8) {
                    scores1x8(qT, q0 + lane, d, k, kAt + j * kStride, kStride, s, s0 + j * G + lane);
                }
                if (whole < keys) {
                    scores1x8(qT, q0 + lane, d, tail, 0, d, s, s0 + whole * G + lane);
                }
            }
        }
    }

    private static void scores4x3(float[] qT, int q0, int d, float[] k, int k0, int kStride, float[] s, int at) {
        int k1 = k0 + kStride;
        int k2 = k1 + kStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector c2 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        FloatVector d2 = a0;
        for (int c = 0, q = q0; c < d; c++, q += G) {
            FloatVector w = FloatVector.fromArray(F, qT, q);
            FloatVector x = FloatVector.fromArray(F, qT, q + L);
            FloatVector y = FloatVector.fromArray(F, qT, q + 2 * L);
            FloatVector z = FloatVector.fromArray(F, qT, q + 3 * L);
            FloatVector e = FloatVector.broadcast(F, k[k0 + c]);
            a0 = Lanes.fma(w, e, a0);
            b0 = Lanes.fma(x, e, b0);
            c0 = Lanes.fma(y, e, c0);
            d0 = Lanes.fma(z, e, d0);
            e = FloatVector.broadcast(F, k[k1 + c]);
            a1 = Lanes.fma(w, e, a1);
            b1 = Lanes.fma(x, e, b1);
            c1 = Lanes.fma(y, e, c1);
            d1 = Lanes.fma(z, e, d1);
            e = FloatVector.broadcast(F, k[k2 + c]);
            a2 = Lanes.fma(w, e, a2);
            b2 = Lanes.fma(x, e, b2);
            c2 = Lanes.fma(y, e, c2);
            d2 = Lanes.fma(z, e, d2);
        }
        store4(a0, b0, c0, d0, s, at);
        store4(a1, b1, c1, d1, s, at + G);
        store4(a2, b2, c2, d2, s, at + 2 * G);
    }

    private static void scores1x8(float[] qT, int q0, int d, float[] k, int k0, int kStride, float[] s, int at) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int c = 0, q = q0, r = k0; c < d; c++, q += G, r++) {
            FloatVector x = FloatVector.fromArray(F, qT, q);
            a0 = Lanes.fma(x, FloatVector.broadcast(F, k[r]), a0);
            a1 = Lanes.fma(x, FloatVector.broadcast(F, k[r + kStride]), a1);
            a2 = Lanes.fma(x, FloatVector.broadcast(F, k[r + 2 * kStride]), a2);
            a3 = Lanes.fma(x, FloatVector.broadcast(F, k[r + 3 * kStride]), a3);
            a4 = Lanes.fma(x, FloatVector.broadcast(F, k[r + 4 * kStride]), a4);
            a5 = Lanes.fma(x, FloatVector.broadcast(F, k[r + 5 * kStride]), a5);
            a6 = Lanes.fma(x, FloatVector.broadcast(F, k[r + 6 * kStride]), a6);
            a7 = Lanes.fma(x, FloatVector.broadcast(F, k[r + 7 * kStride]), a7);
        }
        a0.intoArray(s, at);
        a1.intoArray(s, at + G);
        a2.intoArray(s, at + 2 * G);
        a3.intoArray(s, at + 3 * G);
        a4.intoArray(s, at + 4 * G);
        a5.intoArray(s, at + 5 * G);
        a6.intoArray(s, at + 6 * G);
        a7.intoArray(s, at + 7 * G);
    }

    /**
     * {@code Oᵀ[c] = α·Oᵀ[c] + Σ_j P[j]·v[j·dv + c]} for {@code c < dv}, a multiple of {@link #ROWS}
     * (packed value rows), and the lanes of {@code vectors} query vectors; P has {@code pRows} rows,
     * Oᵀ has dv.
     */
    static void accumulate(float[] p, int pRows, int vectors, int keys, float[] v, int dv, float[] alpha, float[] oT) {
        for (int lane = 0; lane < vectors * L; lane += L) {
            rescale(oT, at(lane, dv), dv, alpha, lane);
        }
        for (int g = 0; 4 * g < vectors; g++) {
            int p0 = g * pRows * G;
            int o0 = g * dv * G;
            if (vectors - 4 * g >= 4) {
                for (int c = 0; c < dv; c += 3) {
                    accumulate4x3(p, p0, keys, v, c, dv, oT, o0 + c * G);
                }
                continue;
            }
            for (int lane = 0; lane < (vectors - 4 * g) * L; lane += L) {
                for (int c = 0; c < dv; c += 8) {
                    accumulate1x8(p, p0 + lane, keys, v, c, dv, oT, o0 + c * G + lane);
                }
            }
        }
    }

    /** {@code Oᵀ[c] ·= α} for one vector of lanes, skipped when every α is 1 (the maximum did not grow). */
    private static void rescale(float[] oT, int o0, int rows, float[] alpha, int lane) {
        FloatVector a = FloatVector.fromArray(F, alpha, lane);
        if (a.compare(VectorOperators.EQ, 1f).allTrue()) {
            return;
        }
        for (int c = 0, o = o0; c < rows; c++, o += G) {
            FloatVector.fromArray(F, oT, o).mul(a).intoArray(oT, o);
        }
    }

    private static void accumulate4x3(float[] p, int p0, int keys, float[] v, int v0, int dv, float[] oT, int o) {
        FloatVector a0 = FloatVector.fromArray(F, oT, o);
        FloatVector b0 = FloatVector.fromArray(F, oT, o + L);
        FloatVector c0 = FloatVector.fromArray(F, oT, o + 2 * L);
        FloatVector d0 = FloatVector.fromArray(F, oT, o + 3 * L);
        FloatVector a1 = FloatVector.fromArray(F, oT, o + G);
        FloatVector b1 = FloatVector.fromArray(F, oT, o + G + L);
        FloatVector c1 = FloatVector.fromArray(F, oT, o + G + 2 * L);
        FloatVector d1 = FloatVector.fromArray(F, oT, o + G + 3 * L);
        FloatVector a2 = FloatVector.fromArray(F, oT, o + 2 * G);
        FloatVector b2 = FloatVector.fromArray(F, oT, o + 2 * G + L);
        FloatVector c2 = FloatVector.fromArray(F, oT, o + 2 * G + 2 * L);
        FloatVector d2 = FloatVector.fromArray(F, oT, o + 2 * G + 3 * L);
        for (int j = 0, row = v0, at = p0; j < keys; j++, row += dv, at += G) {
            FloatVector w = FloatVector.fromArray(F, p, at);
            FloatVector x = FloatVector.fromArray(F, p, at + L);
            FloatVector y = FloatVector.fromArray(F, p, at + 2 * L);
            FloatVector z = FloatVector.fromArray(F, p, at + 3 * L);
            FloatVector e = FloatVector.broadcast(F, v[row]);
            a0 = Lanes.fma(w, e, a0);
            b0 = Lanes.fma(x, e, b0);
            c0 = Lanes.fma(y, e, c0);
            d0 = Lanes.fma(z, e, d0);
            e = FloatVector.broadcast(F, v[row + 1]);
            a1 = Lanes.fma(w, e, a1);
            b1 = Lanes.fma(x, e, b1);
            c1 = Lanes.fma(y, e, c1);
            d1 = Lanes.fma(z, e, d1);
            e = FloatVector.broadcast(F, v[row + 2]);
            a2 = Lanes.fma(w, e, a2);
            b2 = Lanes.fma(x, e, b2);
            c2 = Lanes.fma(y, e, c2);
            d2 = Lanes.fma(z, e, d2);
        }
        store4(a0, b0, c0, d0, oT, o);
        store4(a1, b1, c1, d1, oT, o + G);
        store4(a2, b2, c2, d2, oT, o + 2 * G);
    }

    private static void accumulate1x8(float[] p, int p0, int keys, float[] v, int v0, int dv, float[] oT, int o) {
        FloatVector a0 = FloatVector.fromArray(F, oT, o);
        FloatVector a1 = FloatVector.fromArray(F, oT, o + G);
        FloatVector a2 = FloatVector.fromArray(F, oT, o + 2 * G);
        FloatVector a3 = FloatVector.fromArray(F, oT, o + 3 * G);
        FloatVector a4 = FloatVector.fromArray(F, oT, o + 4 * G);
        FloatVector a5 = FloatVector.fromArray(F, oT, o + 5 * G);
        FloatVector a6 = FloatVector.fromArray(F, oT, o + 6 * G);
        FloatVector a7 = FloatVector.fromArray(F, oT, o + 7 * G);
        for (int j = 0, row = v0, at = p0; j < keys; j++, row += dv, at += G) {
            FloatVector x = FloatVector.fromArray(F, p, at);
            a0 = Lanes.fma(x, FloatVector.broadcast(F, v[row]), a0);
            a1 = Lanes.fma(x, FloatVector.broadcast(F, v[row + 1]), a1);
            a2 = Lanes.fma(x, FloatVector.broadcast(F, v[row + 2]), a2);
            a3 = Lanes.fma(x, FloatVector.broadcast(F, v[row + 3]), a3);
            a4 = Lanes.fma(x, FloatVector.broadcast(F, v[row + 4]), a4);
            a5 = Lanes.fma(x, FloatVector.broadcast(F, v[row + 5]), a5);
            a6 = Lanes.fma(x, FloatVector.broadcast(F, v[row + 6]), a6);
            a7 = Lanes.fma(x, FloatVector.broadcast(F, v[row + 7]), a7);
        }
        a0.intoArray(oT, o);
        a1.intoArray(oT, o + G);
        a2.intoArray(oT, o + 2 * G);
        a3.intoArray(oT, o + 3 * G);
        a4.intoArray(oT, o + 4 * G);
        a5.intoArray(oT, o + 5 * G);
        a6.intoArray(oT, o + 6 * G);
        a7.intoArray(oT, o + 7 * G);
    }

    private static void store4(FloatVector a, FloatVector b, FloatVector c, FloatVector d, float[] out, int at) {
        a.intoArray(out, at);
        b.intoArray(out, at + L);
        c.intoArray(out, at + 2 * L);
        d.intoArray(out, at + 3 * L);
    }
}
