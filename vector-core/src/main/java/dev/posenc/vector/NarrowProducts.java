package dev.posenc.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of a narrow block (at most one vector of entries: decode), along the head width
 * instead of along the entries, so that every lane does useful work:
 * <ul>
 *   <li>{@link #scores}: {@code S[j][e] = Σ_c q_e[c]·k_j[c]} for four entries and four keys at a time,
 *       each key row loaded once per four entries and each query row once per four keys; the sixteen
 *       lanewise sums are folded together ({@link PairSums}), which leaves lane {@code 4·key + entry}
 *       holding that total, then the tail is added in order;
 *   <li>{@link #accumulate}: {@code O[e][c] += p_{j,e}·v_j[c]} over a run of keys, each value vector
 *       loaded once per four entries and sixteen output vectors (four entries × four columns) held in
 *       registers across the run; output rows row-major {@code [entries × valueDim]}.
 * </ul>
 * {@code accumulate} performs the same fused multiply-adds in the same order as
 * {@link TileProducts#accumulate} (per output, over the keys), so outputs match a wide block's bit for
 * bit given the same probabilities; the logits' lane tree sums in another order than the wide
 * kernels' chains ({@code d/L} fused multiply-adds per lane, then {@code log₂L} pairwise sums, then
 * the tail), within the same error bound {@code γ_d}. Every operation here is exact IEEE arithmetic in
 * a fixed order, so the results do not depend on the JIT tier.
 */
final class NarrowProducts {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;
    /** Keys whose logits {@link #scores} computes per pass over the head width. */
    static final int KEYS = 4;
    private static final FloatVector EVEN = PairSums.EVEN;
    private static final FloatVector ODD = PairSums.ODD;

    private NarrowProducts() {}

    /**
     * {@code s[at + (j − first)·PANEL + e] = Σ_c q[e·d + c]·k[kRow + (j − first)·kStride + c]} for the
     * {@code keys} key rows from {@code kRow} and {@code e < 4·quads} (q row-major, padded with zero
     * rows to whole quads); {@code norms[normsAt + j − first] = Σ_c k[…]²}, each key row's squared norm
     * in float (the logit guard's input, computed from the rows already loaded).
     */
    static void scores(float[] q, int quads, int d, float[] k, int kRow, int kStride, int keys, float[] s, int at,
                       float[] norms, int normsAt) {
        for (int j = 0; j < keys; j += KEYS) {
            int count = Math.min(KEYS, keys - j);
            int row = kRow + j * kStride;
            // Rows past the last key repeat it; their logits and norms are not stored.
            int last = row + (count - 1) * kStride;
            for (int quad = 0; quad < quads; quad++) {
                int c = scores16(q, 4 * quad * d, d, k, row, Math.min(row + kStride, last),
                        Math.min(row + 2 * kStride, last), last, count, s, at + j * PANEL + 4 * quad,
                        quad == 0 ? norms : null, normsAt + j);
                for (int key = 0; c < d && key < count; key++) {
                    int o = row + key * kStride;
                    for (int e = 0; e < 4; e++) {
                        int out = at + (j + key) * PANEL + 4 * quad + e;
                        s[out] = tail(q, (4 * quad + e) * d, k, o, c, d, s[out]);
                    }
                    if (quad == 0) {
                        float norm = norms[normsAt + j + key];
                        for (int i = c; i < d; i++) {
                            norm += k[o + i] * k[o + i];
                        }
                        norms[normsAt + j + key] = norm;
                    }
                }
            }
        }
    }

    /**
     * The four entries' dot products with four key rows over the whole vectors of the head width:
     * sixteen lanewise accumulators, folded to their totals and stored at {@code s[at + key·PANEL + e]} for
     * {@code key < count}, and the key rows' squared norms at {@code norms[normsAt + key]} unless
     * {@code norms} is null (another quad of entries has stored them); returns where the scalar tail
     * starts.
     */
    private static int scores16(float[] q, int q0, int d, float[] k, int row0, int row1, int row2, int row3, int count,
                                float[] s, int at, float[] norms, int normsAt) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        FloatVector n0 = a0, n1 = a0, n2 = a0, n3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        int c = 0;
        for (int bound = F.loopBound(d); c < bound; c += L) {
            FloatVector x0 = FloatVector.fromArray(F, q, q0 + c);
            FloatVector x1 = FloatVector.fromArray(F, q, q0 + d + c);
            FloatVector x2 = FloatVector.fromArray(F, q, q0 + 2 * d + c);
            FloatVector x3 = FloatVector.fromArray(F, q, q0 + 3 * d + c);
            FloatVector key = FloatVector.fromArray(F, k, row0 + c);
            n0 = FMA ? key.fma(key, n0) : key.mul(key).add(n0);
            a0 = FMA ? x0.fma(key, a0) : x0.mul(key).add(a0);
            a1 = FMA ? x1.fma(key, a1) : x1.mul(key).add(a1);
            a2 = FMA ? x2.fma(key, a2) : x2.mul(key).add(a2);
            a3 = FMA ? x3.fma(key, a3) : x3.mul(key).add(a3);
            key = FloatVector.fromArray(F, k, row1 + c);
            n1 = FMA ? key.fma(key, n1) : key.mul(key).add(n1);
            b0 = FMA ? x0.fma(key, b0) : x0.mul(key).add(b0);
            b1 = FMA ? x1.fma(key, b1) : x1.mul(key).add(b1);
            b2 = FMA ? x2.fma(key, b2) : x2.mul(key).add(b2);
            b3 = FMA ? x3.fma(key, b3) : x3.mul(key).add(b3);
            key = FloatVector.fromArray(F, k, row2 + c);
            n2 = FMA ? key.fma(key, n2) : key.mul(key).add(n2);
            c0 = FMA ? x0.fma(key, c0) : x0.mul(key).add(c0);
            c1 = FMA ? x1.fma(key, c1) : x1.mul(key).add(c1);
            c2 = FMA ? x2.fma(key, c2) : x2.mul(key).add(c2);
            c3 = FMA ? x3.fma(key, c3) : x3.mul(key).add(c3);
            key = FloatVector.fromArray(F, k, row3 + c);
            n3 = FMA ? key.fma(key, n3) : key.mul(key).add(n3);
            e0 = FMA ? x0.fma(key, e0) : x0.mul(key).add(e0);
            e1 = FMA ? x1.fma(key, e1) : x1.mul(key).add(e1);
            e2 = FMA ? x2.fma(key, e2) : x2.mul(key).add(e2);
            e3 = FMA ? x3.fma(key, e3) : x3.mul(key).add(e3);
        }
        // Folded level by level (PairSums): after log2(L) levels, lane 4·key + entry of the 16 / L results
        // holds that dot product's total.
        FloatVector h0 = EVEN.selectFrom(a0, a1).add(ODD.selectFrom(a0, a1));
        FloatVector h1 = EVEN.selectFrom(a2, a3).add(ODD.selectFrom(a2, a3));
        FloatVector h2 = EVEN.selectFrom(b0, b1).add(ODD.selectFrom(b0, b1));
        FloatVector h3 = EVEN.selectFrom(b2, b3).add(ODD.selectFrom(b2, b3));
        FloatVector h4 = EVEN.selectFrom(c0, c1).add(ODD.selectFrom(c0, c1));
        FloatVector h5 = EVEN.selectFrom(c2, c3).add(ODD.selectFrom(c2, c3));
        FloatVector h6 = EVEN.selectFrom(e0, e1).add(ODD.selectFrom(e0, e1));
        FloatVector h7 = EVEN.selectFrom(e2, e3).add(ODD.selectFrom(e2, e3));
        FloatVector key0 = EVEN.selectFrom(h0, h1).add(ODD.selectFrom(h0, h1));
        FloatVector key1 = EVEN.selectFrom(h2, h3).add(ODD.selectFrom(h2, h3));
        FloatVector key2 = EVEN.selectFrom(h4, h5).add(ODD.selectFrom(h4, h5));
        FloatVector key3 = EVEN.selectFrom(h6, h7).add(ODD.selectFrom(h6, h7));
        // The key rows' squared norms: lanes [i·L/4, (i + 1)·L/4) hold row i's partials, halved to lane i.
        FloatVector n01 = EVEN.selectFrom(n0, n1).add(ODD.selectFrom(n0, n1));
        FloatVector n23 = EVEN.selectFrom(n2, n3).add(ODD.selectFrom(n2, n3));
        FloatVector squares = EVEN.selectFrom(n01, n23).add(ODD.selectFrom(n01, n23));
        for (int span = L / 4; span > 1; span /= 2) {
            squares = EVEN.selectFrom(squares, squares).add(ODD.selectFrom(squares, squares));
        }
        if (norms != null) {
            squares.intoArray(norms, normsAt, VectorMask.fromLong(F, (1L << count) - 1));
        }
        if (L == 4) {
            for (int key = 0; key < count; key++) {
                (key == 0 ? key0 : key == 1 ? key1 : key == 2 ? key2 : key3).intoArray(s, at + key * PANEL);
            }
            return c;
        }
        FloatVector keys01 = EVEN.selectFrom(key0, key1).add(ODD.selectFrom(key0, key1));
        FloatVector keys23 = EVEN.selectFrom(key2, key3).add(ODD.selectFrom(key2, key3));
        FloatVector all = EVEN.selectFrom(keys01, keys23).add(ODD.selectFrom(keys01, keys23));
        int perVector = L / 4;
        for (int key = 0; key < count; key++) {
            // Lanes [4i, 4i + 4) of the vector holding this key go to s[at + key·PANEL …].
            int i = key % perVector;
            FloatVector totals = L == 16 ? all : key < 2 ? keys01 : keys23;
            totals.intoArray(s, at + key * PANEL - 4 * i, VectorMask.fromLong(F, 0xFL << 4 * i));
        }
        return c;
    }

    private static float tail(float[] q, int q0, float[] k, int kRow, int from, int d, float sum) {
        for (int c = from; c < d; c++) {
            sum = fma(q[q0 + c], k[kRow + c], sum);
        }
        return sum;
    }

    /**
     * {@code o[e·dv + c] = fma(s[at + j·PANEL + e], v[vRow + j·vStride + c], o[e·dv + c])} for
     * {@code e < 4·quads}, {@code c < dv} and keys {@code j < keys} in order: a run of keys' contributions to
     * every entry's output row.
     */
    static void accumulate(float[] s, int at, int quads, float[] v, int vRow, int vStride, int keys, int dv,
                           float[] o) {
        for (int quad = 0; quad < quads; quad++) {
            int c = 0;
            for (; c + 4 * L <= dv; c += 4 * L) {
                accumulate16(s, at + 4 * quad, v, vRow + c, vStride, keys, dv, o, 4 * quad * dv + c);
            }
            accumulate4(s, at + 4 * quad, v, vRow, vStride, keys, c, dv, o, 4 * quad * dv);
        }
    }

    /**
     * Four entries' outputs over four vectors of columns from {@code o0}, held in sixteen registers across
     * the keys: per key, four probabilities broadcast and four value vectors loaded for sixteen fused
     * multiply-adds.
     */
    private static void accumulate16(float[] s, int at, float[] v, int vRow, int vStride, int keys, int dv,
                                     float[] o, int o0) {
        FloatVector x00 = FloatVector.fromArray(F, o, o0);
        FloatVector x01 = FloatVector.fromArray(F, o, o0 + L);
        FloatVector x02 = FloatVector.fromArray(F, o, o0 + 2 * L);
        FloatVector x03 = FloatVector.fromArray(F, o, o0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(F, o, o0 + dv);
        FloatVector x11 = FloatVector.fromArray(F, o, o0 + dv + L);
        FloatVector x12 = FloatVector.fromArray(F, o, o0 + dv + 2 * L);
        FloatVector x13 = FloatVector.fromArray(F, o, o0 + dv + 3 * L);
        FloatVector x20 = FloatVector.fromArray(F, o, o0 + 2 * dv);
        FloatVector x21 = FloatVector.fromArray(F, o, o0 + 2 * dv + L);
        FloatVector x22 = FloatVector.fromArray(F, o, o0 + 2 * dv + 2 * L);
        FloatVector x23 = FloatVector.fromArray(F, o, o0 + 2 * dv + 3 * L);
        FloatVector x30 = FloatVector.fromArray(F, o, o0 + 3 * dv);
        FloatVector x31 = FloatVector.fromArray(F, o, o0 + 3 * dv + L);
        FloatVector x32 = FloatVector.fromArray(F, o, o0 + 3 * dv + 2 * L);
        FloatVector x33 = FloatVector.fromArray(F, o, o0 + 3 * dv + 3 * L);
        for (int j = 0, p = at, row = vRow; j < keys; j++, p += PANEL, row += vStride) {
            FloatVector v0 = FloatVector.fromArray(F, v, row);
            FloatVector v1 = FloatVector.fromArray(F, v, row + L);
            FloatVector v2 = FloatVector.fromArray(F, v, row + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, v, row + 3 * L);
            FloatVector p0 = FloatVector.broadcast(F, s[p]);
            x00 = FMA ? p0.fma(v0, x00) : p0.mul(v0).add(x00);
            x01 = FMA ? p0.fma(v1, x01) : p0.mul(v1).add(x01);
            x02 = FMA ? p0.fma(v2, x02) : p0.mul(v2).add(x02);
            x03 = FMA ? p0.fma(v3, x03) : p0.mul(v3).add(x03);
            FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
            x10 = FMA ? p1.fma(v0, x10) : p1.mul(v0).add(x10);
            x11 = FMA ? p1.fma(v1, x11) : p1.mul(v1).add(x11);
            x12 = FMA ? p1.fma(v2, x12) : p1.mul(v2).add(x12);
            x13 = FMA ? p1.fma(v3, x13) : p1.mul(v3).add(x13);
            FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
            x20 = FMA ? p2.fma(v0, x20) : p2.mul(v0).add(x20);
            x21 = FMA ? p2.fma(v1, x21) : p2.mul(v1).add(x21);
            x22 = FMA ? p2.fma(v2, x22) : p2.mul(v2).add(x22);
            x23 = FMA ? p2.fma(v3, x23) : p2.mul(v3).add(x23);
            FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
            x30 = FMA ? p3.fma(v0, x30) : p3.mul(v0).add(x30);
            x31 = FMA ? p3.fma(v1, x31) : p3.mul(v1).add(x31);
            x32 = FMA ? p3.fma(v2, x32) : p3.mul(v2).add(x32);
            x33 = FMA ? p3.fma(v3, x33) : p3.mul(v3).add(x33);
        }
        x00.intoArray(o, o0);
        x01.intoArray(o, o0 + L);
        x02.intoArray(o, o0 + 2 * L);
        x03.intoArray(o, o0 + 3 * L);
        x10.intoArray(o, o0 + dv);
        x11.intoArray(o, o0 + dv + L);
        x12.intoArray(o, o0 + dv + 2 * L);
        x13.intoArray(o, o0 + dv + 3 * L);
        x20.intoArray(o, o0 + 2 * dv);
        x21.intoArray(o, o0 + 2 * dv + L);
        x22.intoArray(o, o0 + 2 * dv + 2 * L);
        x23.intoArray(o, o0 + 2 * dv + 3 * L);
        x30.intoArray(o, o0 + 3 * dv);
        x31.intoArray(o, o0 + 3 * dv + L);
        x32.intoArray(o, o0 + 3 * dv + 2 * L);
        x33.intoArray(o, o0 + 3 * dv + 3 * L);
    }

    /**
     * Four entries' output columns from {@code from} (those short of a group of four vectors), one vector
     * column at a time held in registers across the keys, then the scalar tail.
     */
    private static void accumulate4(float[] s, int at, float[] v, int vRow, int vStride, int keys, int from, int dv,
                                    float[] o, int o0) {
        int c = from;
        for (int bound = F.loopBound(dv); c < bound; c += L) {
            FloatVector x0 = FloatVector.fromArray(F, o, o0 + c);
            FloatVector x1 = FloatVector.fromArray(F, o, o0 + dv + c);
            FloatVector x2 = FloatVector.fromArray(F, o, o0 + 2 * dv + c);
            FloatVector x3 = FloatVector.fromArray(F, o, o0 + 3 * dv + c);
            for (int j = 0, p = at, row = vRow + c; j < keys; j++, p += PANEL, row += vStride) {
                FloatVector value = FloatVector.fromArray(F, v, row);
                FloatVector p0 = FloatVector.broadcast(F, s[p]);
                FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
                FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
                FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
                x0 = FMA ? p0.fma(value, x0) : p0.mul(value).add(x0);
                x1 = FMA ? p1.fma(value, x1) : p1.mul(value).add(x1);
                x2 = FMA ? p2.fma(value, x2) : p2.mul(value).add(x2);
                x3 = FMA ? p3.fma(value, x3) : p3.mul(value).add(x3);
            }
            x0.intoArray(o, o0 + c);
            x1.intoArray(o, o0 + dv + c);
            x2.intoArray(o, o0 + 2 * dv + c);
            x3.intoArray(o, o0 + 3 * dv + c);
        }
        for (; c < dv; c++) {
            for (int e = 0; e < 4; e++) {
                int oe = o0 + e * dv + c;
                float sum = o[oe];
                for (int j = 0; j < keys; j++) {
                    sum = fma(s[at + j * PANEL + e], v[vRow + j * vStride + c], sum);
                }
                o[oe] = sum;
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
