package dev.posenc.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two matrix products of a wide block's tile, with the block's entries along the vector lanes.
 * Lane-major buffers are stored by panels of {@link #PANEL} lanes (four vectors): row {@code r} of
 * lane {@code e} is at {@link #at}{@code (e, rows) + r·PANEL}, so the rows a panel's kernels walk are
 * {@code PANEL} floats apart whatever the block width (rows a power-of-two kilobyte apart would compete
 * for a few L1 sets).
 * <ul>
 *   <li>{@link #scores}: {@code S[j] = Σ_c Qᵀ[c]·k_j[c]}: each key element is broadcast and multiplied
 *       into the query vectors;
 *   <li>{@link #accumulate}: {@code Oᵀ[c] = α·Oᵀ[c] + Σ_j P[j]·v_j[c]}: each value element is broadcast
 *       and multiplied into the probability vectors.
 * </ul>
 * A full panel's keys come interleaved by six ({@link TilePacks#sixes}: element c of the six keys of a register
 * tile at {@code 6c + r}), so that a step's six broadcasts read one base at constant displacements: with the rows
 * {@code d} apart, C2 spilled the key base and formed six addresses per step (interleaved, the prefill ran 1.011–1.026×
 * as fast). A partial panel reads key rows in place (a short last run of keys is copied out with
 * zero rows); values come packed (rows contiguous, padded with zeros to a multiple of {@link #STEP} columns), so
 * there are no tails. The values laid out like the keys for the sums, by a copy or packed straight into that layout,
 * ran 0.929–0.994× as fast: the sums' loops already run about as fast as the scores', and the copy costs more than
 * the checks it removes. A full panel runs 4 × 6 register tiles: 24 accumulators, four vector loads and six broadcasts
 * per 24 FMAs, no horizontal reductions (the last 8 or 16 value columns when the width is not a multiple of 6
 * run 4 × 4 tiles, 1.035× as fast as a 1 × 8 tile per vector); a partial panel (the last vectors of a block) runs each
 * vector against eight keys or columns. Against 4 × 4 tiles, 4 × 6 took the scores from 0.66 to 0.71 of the FMA peak
 * and the sums from 0.61 to 0.67. Every lane is a chain of fused multiply-adds in a fixed order (over the head width,
 * or over the keys after the rescale), so a query's result does not depend on the block, lane or kernel it was
 * computed in. Each register tile is its own method (the package's C2 rule). Measurements:
 * docs/experiments/prefill.md, "TileProducts".
 *
 * <p>C2 compiles a step of {@code scores4x6} to 44 instructions, no vector spilled; unrolled, or with a constant value
 * stride, the kernels ran no faster. Where the products' time goes: {@link WideBlock}. Measurements:
 * docs/experiments/prefill.md, "The kernels' machine code (hsdis)".
 */
final class TileProducts {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    /** Lanes per panel: four vectors. */
    static final int PANEL = 4 * L;
    /** Value columns are processed in multiples of this many (4 × 6 and 1 × 8 register tiles). */
    static final int STEP = 8;
    /** Keys are processed in multiples of this many (6 for the 4 × 6 register tiles, 8 for the 1 × 8 ones). */
    static final int ROWS = 24;

    private TileProducts() {}

    /** Whether panel g of {@code vectors} query vectors is full (four vectors; a partial one reads key rows in place). */
    static boolean full(int vectors, int g) {
        return vectors - 4 * g >= 4;
    }

    /** Where row 0 of lane {@code lane} is in a panel-major buffer of {@code rows} rows. */
    static int at(int lane, int rows) {
        return lane / PANEL * rows * PANEL + lane % PANEL;
    }

    /**
     * {@code S[j] = Σ_c Qᵀ[c]·k[kAt + j·kStride + c]} for {@code j < keys} and the lanes of
     * {@code vectors} query vectors; Qᵀ has d rows, S has {@code sRows} (at least {@code keys} rounded
     * up to a multiple of {@link #ROWS}). For the full panels each six key rows are interleaved into {@code tail}
     * ({@link TilePacks#sixes}; at least {@code 8·d} floats, zero rows past the last key) and run against every full
     * panel; a partial panel reads the key rows where they are, the last few, short of eight, copied into
     * {@code tail} with zero rows after them.
     */
    static void scores(float[] qT, int d, int vectors, float[] k, int kAt, int kStride, int keys, float[] tail,
                       float[] s, int sRows) {
        int full = vectors / 4;
        for (int j = 0; full > 0 && j < keys; j += 6) {
            TilePacks.sixes(k, kAt + j * kStride, kStride, Math.min(6, keys - j), 0, d, tail, 0);
            for (int g = 0; g < full; g++) {
                scores4x6(qT, g * d * PANEL, d, tail, 0, s, g * sRows * PANEL + j * PANEL);
            }
        }
        if (full * 4 < vectors) {
            partial(qT, d, full, vectors, k, kAt, kStride, keys, tail, s, sRows);
        }
    }

    /**
     * {@link #scores} for panel {@code g} of the {@code vectors} query vectors alone, over {@code keys} (a multiple of
     * {@link #ROWS}) key rows of width d given both as rows one after another ({@code rows}) and interleaved by six
     * ({@code sixes}, {@link TilePacks#sixes}; may be {@code null} for a partial panel): a full panel reads the latter, a
     * partial one the former.
     */
    static void scores(float[] qT, int d, int g, int vectors, float[] rows, float[] sixes, int keys, float[] s, int sRows) {
        if (!full(vectors, g)) {
            partial(qT, d, g, vectors, rows, 0, d, keys, null, s, sRows);
            return;
        }
        for (int j = 0; j < keys; j += 6) {
            scores4x6(qT, g * d * PANEL, d, sixes, j * d, s, g * sRows * PANEL + j * PANEL);
        }
    }

    /** {@link #scores} for panel {@code g} that holds fewer than four of the {@code vectors} query vectors, key rows where they are. */
    private static void partial(float[] qT, int d, int g, int vectors, float[] k, int kAt, int kStride, int keys, float[] tail,
                                float[] s, int sRows) {
        int q0 = g * d * PANEL;
        int s0 = g * sRows * PANEL;
        int whole = keys - keys % 8;
        if (whole < keys) {
            TilePacks.pack(k, kAt + whole * kStride, kStride, keys - whole, d, d, tail, 8);
        }
        for (int lane = 0; lane < (vectors - 4 * g) * L; lane += L) {
            for (int j = 0; j < whole; j += 8) {
                scores1x8(qT, q0 + lane, d, k, kAt + j * kStride, kStride, s, s0 + j * PANEL + lane);
            }
            if (whole < keys) {
                scores1x8(qT, q0 + lane, d, tail, 0, d, s, s0 + whole * PANEL + lane);
            }
        }
    }

    /**
     * One 4 × 6 register tile of the scores: six keys interleaved from {@code k[k0]} (element c of key r at
     * {@code k0 + 6c + r}), so that the six broadcasts of a step read one base at constant displacements.
     */
    private static void scores4x6(float[] qT, int q0, int d, float[] k, int k0, float[] s, int at) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector b0 = a0;
        FloatVector c0 = a0;
        FloatVector d0 = a0;
        FloatVector a1 = a0;
        FloatVector b1 = a0;
        FloatVector c1 = a0;
        FloatVector d1 = a0;
        FloatVector a2 = a0;
        FloatVector b2 = a0;
        FloatVector c2 = a0;
        FloatVector d2 = a0;
        FloatVector a3 = a0;
        FloatVector b3 = a0;
        FloatVector c3 = a0;
        FloatVector d3 = a0;
        FloatVector a4 = a0;
        FloatVector b4 = a0;
        FloatVector c4 = a0;
        FloatVector d4 = a0;
        FloatVector a5 = a0;
        FloatVector b5 = a0;
        FloatVector c5 = a0;
        FloatVector d5 = a0;
        for (int c = 0; c < d; c++) {
            int q = q0 + c * PANEL;
            int r = k0 + 6 * c;
            FloatVector w = FloatVector.fromArray(F, qT, q);
            FloatVector x = FloatVector.fromArray(F, qT, q + L);
            FloatVector y = FloatVector.fromArray(F, qT, q + 2 * L);
            FloatVector z = FloatVector.fromArray(F, qT, q + 3 * L);
            FloatVector e = FloatVector.broadcast(F, k[r]);
            a0 = FMA ? w.fma(e, a0) : w.mul(e).add(a0);
            b0 = FMA ? x.fma(e, b0) : x.mul(e).add(b0);
            c0 = FMA ? y.fma(e, c0) : y.mul(e).add(c0);
            d0 = FMA ? z.fma(e, d0) : z.mul(e).add(d0);
            e = FloatVector.broadcast(F, k[r + 1]);
            a1 = FMA ? w.fma(e, a1) : w.mul(e).add(a1);
            b1 = FMA ? x.fma(e, b1) : x.mul(e).add(b1);
            c1 = FMA ? y.fma(e, c1) : y.mul(e).add(c1);
            d1 = FMA ? z.fma(e, d1) : z.mul(e).add(d1);
            e = FloatVector.broadcast(F, k[r + 2]);
            a2 = FMA ? w.fma(e, a2) : w.mul(e).add(a2);
            b2 = FMA ? x.fma(e, b2) : x.mul(e).add(b2);
            c2 = FMA ? y.fma(e, c2) : y.mul(e).add(c2);
            d2 = FMA ? z.fma(e, d2) : z.mul(e).add(d2);
            e = FloatVector.broadcast(F, k[r + 3]);
            a3 = FMA ? w.fma(e, a3) : w.mul(e).add(a3);
            b3 = FMA ? x.fma(e, b3) : x.mul(e).add(b3);
            c3 = FMA ? y.fma(e, c3) : y.mul(e).add(c3);
            d3 = FMA ? z.fma(e, d3) : z.mul(e).add(d3);
            e = FloatVector.broadcast(F, k[r + 4]);
            a4 = FMA ? w.fma(e, a4) : w.mul(e).add(a4);
            b4 = FMA ? x.fma(e, b4) : x.mul(e).add(b4);
            c4 = FMA ? y.fma(e, c4) : y.mul(e).add(c4);
            d4 = FMA ? z.fma(e, d4) : z.mul(e).add(d4);
            e = FloatVector.broadcast(F, k[r + 5]);
            a5 = FMA ? w.fma(e, a5) : w.mul(e).add(a5);
            b5 = FMA ? x.fma(e, b5) : x.mul(e).add(b5);
            c5 = FMA ? y.fma(e, c5) : y.mul(e).add(c5);
            d5 = FMA ? z.fma(e, d5) : z.mul(e).add(d5);
        }
        a0.intoArray(s, at);
        b0.intoArray(s, at + L);
        c0.intoArray(s, at + 2 * L);
        d0.intoArray(s, at + 3 * L);
        a1.intoArray(s, at + PANEL);
        b1.intoArray(s, at + PANEL + L);
        c1.intoArray(s, at + PANEL + 2 * L);
        d1.intoArray(s, at + PANEL + 3 * L);
        a2.intoArray(s, at + 2 * PANEL);
        b2.intoArray(s, at + 2 * PANEL + L);
        c2.intoArray(s, at + 2 * PANEL + 2 * L);
        d2.intoArray(s, at + 2 * PANEL + 3 * L);
        a3.intoArray(s, at + 3 * PANEL);
        b3.intoArray(s, at + 3 * PANEL + L);
        c3.intoArray(s, at + 3 * PANEL + 2 * L);
        d3.intoArray(s, at + 3 * PANEL + 3 * L);
        a4.intoArray(s, at + 4 * PANEL);
        b4.intoArray(s, at + 4 * PANEL + L);
        c4.intoArray(s, at + 4 * PANEL + 2 * L);
        d4.intoArray(s, at + 4 * PANEL + 3 * L);
        a5.intoArray(s, at + 5 * PANEL);
        b5.intoArray(s, at + 5 * PANEL + L);
        c5.intoArray(s, at + 5 * PANEL + 2 * L);
        d5.intoArray(s, at + 5 * PANEL + 3 * L);
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
        for (int c = 0, q = q0, r = k0; c < d; c++, q += PANEL, r++) {
            FloatVector x = FloatVector.fromArray(F, qT, q);
            FloatVector b0 = FloatVector.broadcast(F, k[r]);
            a0 = FMA ? x.fma(b0, a0) : x.mul(b0).add(a0);
            FloatVector b1 = FloatVector.broadcast(F, k[r + kStride]);
            a1 = FMA ? x.fma(b1, a1) : x.mul(b1).add(a1);
            FloatVector b2 = FloatVector.broadcast(F, k[r + 2 * kStride]);
            a2 = FMA ? x.fma(b2, a2) : x.mul(b2).add(a2);
            FloatVector b3 = FloatVector.broadcast(F, k[r + 3 * kStride]);
            a3 = FMA ? x.fma(b3, a3) : x.mul(b3).add(a3);
            FloatVector b4 = FloatVector.broadcast(F, k[r + 4 * kStride]);
            a4 = FMA ? x.fma(b4, a4) : x.mul(b4).add(a4);
            FloatVector b5 = FloatVector.broadcast(F, k[r + 5 * kStride]);
            a5 = FMA ? x.fma(b5, a5) : x.mul(b5).add(a5);
            FloatVector b6 = FloatVector.broadcast(F, k[r + 6 * kStride]);
            a6 = FMA ? x.fma(b6, a6) : x.mul(b6).add(a6);
            FloatVector b7 = FloatVector.broadcast(F, k[r + 7 * kStride]);
            a7 = FMA ? x.fma(b7, a7) : x.mul(b7).add(a7);
        }
        a0.intoArray(s, at);
        a1.intoArray(s, at + PANEL);
        a2.intoArray(s, at + 2 * PANEL);
        a3.intoArray(s, at + 3 * PANEL);
        a4.intoArray(s, at + 4 * PANEL);
        a5.intoArray(s, at + 5 * PANEL);
        a6.intoArray(s, at + 6 * PANEL);
        a7.intoArray(s, at + 7 * PANEL);
    }

    /**
     * {@code Oᵀ[c] ← α·Oᵀ[c] + Tᵀ[c]} with {@code Tᵀ[c] = Σ_j P[j]·v[j·dv + c]} for {@code c < dv}, a multiple of
     * {@link #STEP} (packed value rows), {@code j <} {@code panelKeys[g]} in panel g (its other weights are 0), and the
     * lanes of {@code vectors} query vectors; P has {@code pRows} rows, Oᵀ and its
     * compensation {@code carry} have dv. The tile's sums T are formed from zero in a chain of their own, one
     * register tile at a time, and each register tile is added at once ({@link CompensatedSums#add}) through
     * {@code tile} ({@code 8·PANEL} floats of scratch, hot in L1): Oᵀ is walked once per tile, and T is never a
     * buffer of its own.
     */
    static void accumulate(float[] p, int pRows, int vectors, int[] panelKeys, float[] v, int dv, float[] alpha, float[] oT,
                           float[] carry, float[] tile) {
        for (int g = 0; 4 * g < vectors; g++) {
            int keys = panelKeys[g];
            int p0 = g * pRows * PANEL;
            int o0 = g * dv * PANEL;
            // A full panel: six columns at a time, the last 0, 8 or 16 (dv − sixes, a multiple of 8) four at a time;
            // a partial one eight at a time per vector.
            boolean full = full(vectors, g);
            int sixes = full ? dv - dv % 6 / 2 * 8 : 0;
            for (int c = 0; c < sixes; c += 6) {
                accumulate4x6(p, p0, keys, v, c, dv, alpha, g * PANEL, oT, carry, o0 + c * PANEL, tile);
            }
            for (int c = sixes; full && c < dv; c += 4) {
                accumulate4x4(p, p0, keys, v, c, dv, alpha, g * PANEL, oT, carry, o0 + c * PANEL, tile);
            }
            for (int lane = 0; !full && lane < (vectors - 4 * g) * L; lane += L) {
                for (int c = sixes; c < dv; c += 8) {
                    accumulate1x8(p, p0 + lane, keys, v, c, dv, alpha, g * PANEL + lane, oT, carry, o0 + c * PANEL + lane, tile);
                }
            }
        }
    }

    private static void accumulate4x6(float[] p, int p0, int keys, float[] v, int v0, int dv, float[] alpha, int lane,
                                      float[] oT, float[] carry, int o, float[] tile) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector b0 = a0;
        FloatVector c0 = a0;
        FloatVector d0 = a0;
        FloatVector a1 = a0;
        FloatVector b1 = a0;
        FloatVector c1 = a0;
        FloatVector d1 = a0;
        FloatVector a2 = a0;
        FloatVector b2 = a0;
        FloatVector c2 = a0;
        FloatVector d2 = a0;
        FloatVector a3 = a0;
        FloatVector b3 = a0;
        FloatVector c3 = a0;
        FloatVector d3 = a0;
        FloatVector a4 = a0;
        FloatVector b4 = a0;
        FloatVector c4 = a0;
        FloatVector d4 = a0;
        FloatVector a5 = a0;
        FloatVector b5 = a0;
        FloatVector c5 = a0;
        FloatVector d5 = a0;
        for (int j = 0, row = v0, at = p0; j < keys; j++, row += dv, at += PANEL) {
            FloatVector w = FloatVector.fromArray(F, p, at);
            FloatVector x = FloatVector.fromArray(F, p, at + L);
            FloatVector y = FloatVector.fromArray(F, p, at + 2 * L);
            FloatVector z = FloatVector.fromArray(F, p, at + 3 * L);
            FloatVector e = FloatVector.broadcast(F, v[row]);
            a0 = FMA ? w.fma(e, a0) : w.mul(e).add(a0);
            b0 = FMA ? x.fma(e, b0) : x.mul(e).add(b0);
            c0 = FMA ? y.fma(e, c0) : y.mul(e).add(c0);
            d0 = FMA ? z.fma(e, d0) : z.mul(e).add(d0);
            e = FloatVector.broadcast(F, v[row + 1]);
            a1 = FMA ? w.fma(e, a1) : w.mul(e).add(a1);
            b1 = FMA ? x.fma(e, b1) : x.mul(e).add(b1);
            c1 = FMA ? y.fma(e, c1) : y.mul(e).add(c1);
            d1 = FMA ? z.fma(e, d1) : z.mul(e).add(d1);
            e = FloatVector.broadcast(F, v[row + 2]);
            a2 = FMA ? w.fma(e, a2) : w.mul(e).add(a2);
            b2 = FMA ? x.fma(e, b2) : x.mul(e).add(b2);
            c2 = FMA ? y.fma(e, c2) : y.mul(e).add(c2);
            d2 = FMA ? z.fma(e, d2) : z.mul(e).add(d2);
            e = FloatVector.broadcast(F, v[row + 3]);
            a3 = FMA ? w.fma(e, a3) : w.mul(e).add(a3);
            b3 = FMA ? x.fma(e, b3) : x.mul(e).add(b3);
            c3 = FMA ? y.fma(e, c3) : y.mul(e).add(c3);
            d3 = FMA ? z.fma(e, d3) : z.mul(e).add(d3);
            e = FloatVector.broadcast(F, v[row + 4]);
            a4 = FMA ? w.fma(e, a4) : w.mul(e).add(a4);
            b4 = FMA ? x.fma(e, b4) : x.mul(e).add(b4);
            c4 = FMA ? y.fma(e, c4) : y.mul(e).add(c4);
            d4 = FMA ? z.fma(e, d4) : z.mul(e).add(d4);
            e = FloatVector.broadcast(F, v[row + 5]);
            a5 = FMA ? w.fma(e, a5) : w.mul(e).add(a5);
            b5 = FMA ? x.fma(e, b5) : x.mul(e).add(b5);
            c5 = FMA ? y.fma(e, c5) : y.mul(e).add(c5);
            d5 = FMA ? z.fma(e, d5) : z.mul(e).add(d5);
        }
        a0.intoArray(tile, 0);
        b0.intoArray(tile, L);
        c0.intoArray(tile, 2 * L);
        d0.intoArray(tile, 3 * L);
        a1.intoArray(tile, PANEL);
        b1.intoArray(tile, PANEL + L);
        c1.intoArray(tile, PANEL + 2 * L);
        d1.intoArray(tile, PANEL + 3 * L);
        a2.intoArray(tile, 2 * PANEL);
        b2.intoArray(tile, 2 * PANEL + L);
        c2.intoArray(tile, 2 * PANEL + 2 * L);
        d2.intoArray(tile, 2 * PANEL + 3 * L);
        a3.intoArray(tile, 3 * PANEL);
        b3.intoArray(tile, 3 * PANEL + L);
        c3.intoArray(tile, 3 * PANEL + 2 * L);
        d3.intoArray(tile, 3 * PANEL + 3 * L);
        a4.intoArray(tile, 4 * PANEL);
        b4.intoArray(tile, 4 * PANEL + L);
        c4.intoArray(tile, 4 * PANEL + 2 * L);
        d4.intoArray(tile, 4 * PANEL + 3 * L);
        a5.intoArray(tile, 5 * PANEL);
        b5.intoArray(tile, 5 * PANEL + L);
        c5.intoArray(tile, 5 * PANEL + 2 * L);
        d5.intoArray(tile, 5 * PANEL + 3 * L);
        CompensatedSums.add(oT, carry, o, tile, 0, 6, 4, alpha, lane);
    }

    private static void accumulate4x4(float[] p, int p0, int keys, float[] v, int v0, int dv, float[] alpha, int lane,
                                      float[] oT, float[] carry, int o, float[] tile) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector b0 = a0;
        FloatVector c0 = a0;
        FloatVector d0 = a0;
        FloatVector a1 = a0;
        FloatVector b1 = a0;
        FloatVector c1 = a0;
        FloatVector d1 = a0;
        FloatVector a2 = a0;
        FloatVector b2 = a0;
        FloatVector c2 = a0;
        FloatVector d2 = a0;
        FloatVector a3 = a0;
        FloatVector b3 = a0;
        FloatVector c3 = a0;
        FloatVector d3 = a0;
        for (int j = 0, row = v0, at = p0; j < keys; j++, row += dv, at += PANEL) {
            FloatVector w = FloatVector.fromArray(F, p, at);
            FloatVector x = FloatVector.fromArray(F, p, at + L);
            FloatVector y = FloatVector.fromArray(F, p, at + 2 * L);
            FloatVector z = FloatVector.fromArray(F, p, at + 3 * L);
            FloatVector e = FloatVector.broadcast(F, v[row]);
            a0 = FMA ? w.fma(e, a0) : w.mul(e).add(a0);
            b0 = FMA ? x.fma(e, b0) : x.mul(e).add(b0);
            c0 = FMA ? y.fma(e, c0) : y.mul(e).add(c0);
            d0 = FMA ? z.fma(e, d0) : z.mul(e).add(d0);
            e = FloatVector.broadcast(F, v[row + 1]);
            a1 = FMA ? w.fma(e, a1) : w.mul(e).add(a1);
            b1 = FMA ? x.fma(e, b1) : x.mul(e).add(b1);
            c1 = FMA ? y.fma(e, c1) : y.mul(e).add(c1);
            d1 = FMA ? z.fma(e, d1) : z.mul(e).add(d1);
            e = FloatVector.broadcast(F, v[row + 2]);
            a2 = FMA ? w.fma(e, a2) : w.mul(e).add(a2);
            b2 = FMA ? x.fma(e, b2) : x.mul(e).add(b2);
            c2 = FMA ? y.fma(e, c2) : y.mul(e).add(c2);
            d2 = FMA ? z.fma(e, d2) : z.mul(e).add(d2);
            e = FloatVector.broadcast(F, v[row + 3]);
            a3 = FMA ? w.fma(e, a3) : w.mul(e).add(a3);
            b3 = FMA ? x.fma(e, b3) : x.mul(e).add(b3);
            c3 = FMA ? y.fma(e, c3) : y.mul(e).add(c3);
            d3 = FMA ? z.fma(e, d3) : z.mul(e).add(d3);
        }
        a0.intoArray(tile, 0);
        b0.intoArray(tile, L);
        c0.intoArray(tile, 2 * L);
        d0.intoArray(tile, 3 * L);
        a1.intoArray(tile, PANEL);
        b1.intoArray(tile, PANEL + L);
        c1.intoArray(tile, PANEL + 2 * L);
        d1.intoArray(tile, PANEL + 3 * L);
        a2.intoArray(tile, 2 * PANEL);
        b2.intoArray(tile, 2 * PANEL + L);
        c2.intoArray(tile, 2 * PANEL + 2 * L);
        d2.intoArray(tile, 2 * PANEL + 3 * L);
        a3.intoArray(tile, 3 * PANEL);
        b3.intoArray(tile, 3 * PANEL + L);
        c3.intoArray(tile, 3 * PANEL + 2 * L);
        d3.intoArray(tile, 3 * PANEL + 3 * L);
        CompensatedSums.add(oT, carry, o, tile, 0, 4, 4, alpha, lane);
    }

    private static void accumulate1x8(float[] p, int p0, int keys, float[] v, int v0, int dv, float[] alpha, int lane,
                                      float[] oT, float[] carry, int o, float[] tile) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int j = 0, row = v0, at = p0; j < keys; j++, row += dv, at += PANEL) {
            FloatVector x = FloatVector.fromArray(F, p, at);
            FloatVector b0 = FloatVector.broadcast(F, v[row]);
            a0 = FMA ? x.fma(b0, a0) : x.mul(b0).add(a0);
            FloatVector b1 = FloatVector.broadcast(F, v[row + 1]);
            a1 = FMA ? x.fma(b1, a1) : x.mul(b1).add(a1);
            FloatVector b2 = FloatVector.broadcast(F, v[row + 2]);
            a2 = FMA ? x.fma(b2, a2) : x.mul(b2).add(a2);
            FloatVector b3 = FloatVector.broadcast(F, v[row + 3]);
            a3 = FMA ? x.fma(b3, a3) : x.mul(b3).add(a3);
            FloatVector b4 = FloatVector.broadcast(F, v[row + 4]);
            a4 = FMA ? x.fma(b4, a4) : x.mul(b4).add(a4);
            FloatVector b5 = FloatVector.broadcast(F, v[row + 5]);
            a5 = FMA ? x.fma(b5, a5) : x.mul(b5).add(a5);
            FloatVector b6 = FloatVector.broadcast(F, v[row + 6]);
            a6 = FMA ? x.fma(b6, a6) : x.mul(b6).add(a6);
            FloatVector b7 = FloatVector.broadcast(F, v[row + 7]);
            a7 = FMA ? x.fma(b7, a7) : x.mul(b7).add(a7);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, PANEL);
        a2.intoArray(tile, 2 * PANEL);
        a3.intoArray(tile, 3 * PANEL);
        a4.intoArray(tile, 4 * PANEL);
        a5.intoArray(tile, 5 * PANEL);
        a6.intoArray(tile, 6 * PANEL);
        a7.intoArray(tile, 7 * PANEL);
        CompensatedSums.add(oT, carry, o, tile, 0, 8, 1, alpha, lane);
    }
}
