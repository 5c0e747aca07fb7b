package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Decides whether a block's float logits for a tile are accurate enough. A float logit errs by at most
 * {@code γ_{d+6}·s·(‖q‖·‖k‖ + extra)} ({@code γ_n = n·u/(1 − n·u)}, the dot products' rounding, the
 * scale, and the scheme's own dot products); with the block's largest query norm and the tile's
 * largest key norm, tiles whose bound exceeds {@value #MAX_LOGIT_ERROR_TEXT} are refused, and the block is
 * computed in double instead. That happens for huge or nearly tied logits (the conformance case
 * {@code large_logits_near_ties}: logits near 2.8·10⁴ that differ by O(1)) and for inputs whose float
 * products overflow; never for ordinary data. Wide blocks take the largest norm of the tile's packed key
 * rows ({@link #largestNorm}); narrow blocks (decode) the norms a cache stored when its rows were appended,
 * or those their logits' kernel folds from the rows it loads ({@link NarrowProducts#scores}).
 */
final class LogitGuard {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    private static final String MAX_LOGIT_ERROR_TEXT = "2⁻⁷";
    private static final double MAX_LOGIT_ERROR = 0x1p-7;
    private static final double U = 0x1p-24;

    private final float[] lanes = new float[L];

    /**
     * Whether float logits meet the bound, given the entries' largest query norm and the tile's largest key
     * norm. NaN (from NaN inputs) counts as meeting it, so NaN flows to the output as the contract says.
     */
    static boolean allows(AttentionCall call, double queryNorm, double keyNorm, double extraNorm) {
        int n = call.headDim() + 6;
        double bound = n * U / (1 - n * U) * call.scale() * (queryNorm * keyNorm + extraNorm);
        return !(bound > MAX_LOGIT_ERROR);
    }

    /** The largest of {@code n} squared norms from {@code at} (NaN if one is NaN). */
    static float largest(float[] squaredNorms, int at, int n) {
        float largest = 0;
        for (int i = at; i < at + n; i++) {
            float s = squaredNorms[i];
            largest = Float.isNaN(s) ? s : Math.max(largest, s);
        }
        return largest;
    }

    /** The largest norm of {@code keys} packed rows of width d (NaN if one is NaN). */
    double largestNorm(float[] packed, int keys, int d) {
        return Math.sqrt(maxSquaredNorm(packed, 0, d, keys, d, lanes));
    }

    /**
     * The largest squared norm of {@code rows} rows of width d, in float (overflow gives +∞; NaN if a
     * row's is NaN), each summed in a fixed order: four rows at a time, lanewise fused multiply-adds over
     * the whole vectors, folded by {@link PairSums}, then the tail in order ({@code lanes}: L floats of
     * scratch).
     */
    static float maxSquaredNorm(float[] x, int at, int stride, int rows, int d, float[] lanes) {
        float largest = 0;
        int bound = F.loopBound(d);
        FloatVector even = PairSums.EVEN;
        FloatVector odd = PairSums.ODD;
        for (int r = 0; r < rows; r += 4) {
            // Rows past the last repeat it (the largest norm is the same).
            int o0 = at + r * stride;
            int last = at + (rows - 1) * stride;
            int o1 = Math.min(o0 + stride, last);
            int o2 = Math.min(o0 + 2 * stride, last);
            int o3 = Math.min(o0 + 3 * stride, last);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int c = 0; c < bound; c += L) {
                FloatVector x0 = FloatVector.fromArray(F, x, o0 + c);
                FloatVector x1 = FloatVector.fromArray(F, x, o1 + c);
                FloatVector x2 = FloatVector.fromArray(F, x, o2 + c);
                FloatVector x3 = FloatVector.fromArray(F, x, o3 + c);
                a0 = FMA ? x0.fma(x0, a0) : x0.mul(x0).add(a0);
                a1 = FMA ? x1.fma(x1, a1) : x1.mul(x1).add(a1);
                a2 = FMA ? x2.fma(x2, a2) : x2.mul(x2).add(a2);
                a3 = FMA ? x3.fma(x3, a3) : x3.mul(x3).add(a3);
            }
            // Lanes [i·L/4, (i + 1)·L/4) hold row i's partial sums; halve that span down to one lane.
            FloatVector a01 = even.selectFrom(a0, a1).add(odd.selectFrom(a0, a1));
            FloatVector a23 = even.selectFrom(a2, a3).add(odd.selectFrom(a2, a3));
            FloatVector sums = even.selectFrom(a01, a23).add(odd.selectFrom(a01, a23));
            for (int span = L / 4; span > 1; span /= 2) {
                sums = even.selectFrom(sums, sums).add(odd.selectFrom(sums, sums));
            }
            sums.intoArray(lanes, 0);
            for (int i = 0; i < 4; i++) {
                int o = i == 0 ? o0 : i == 1 ? o1 : i == 2 ? o2 : o3;
                float s = lanes[i];
                for (int c = bound; c < d; c++) {
                    s += x[o + c] * x[o + c];
                }
                lanes[i] = s;
            }
            largest = Math.max(largest, largest(lanes, 0, 4));
        }
        return largest;
    }
}
