package dev.posenc.vector;

import dev.posenc.internal.AttentionProblem;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Decides whether a block's float logits for a tile are accurate enough. A float logit errs by at most
 * {@code γ_{d+6}·s·(‖q‖·‖k‖ + extra)} ({@code γ_n = n·u/(1 − n·u)}, the dot products' rounding, the
 * scale, and the scheme's own dot products); with the block's largest query norm and the tile's
 * largest key norm, tiles whose bound exceeds {@value #MAX_LOGIT_ERROR_TEXT} are refused, and the block is
 * computed in double instead. That happens for huge or nearly tied logits (the conformance case
 * {@code large_logits_near_ties}: logits near 2.8·10⁴ that differ by O(1)) and for inputs whose float
 * products overflow; never for ordinary data. Key norms are computed once per call, kv head and tile,
 * over the keys some query of the call may see, and cached here (blocks of one kv head share them).
 */
final class LogitGuard {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /**
     * Hardware FMA, else a multiply and an add (as {@link Lanes#fma}), written out at each use: a small
     * helper taking vectors is left uninlined when a large compilation hits C2's node budget, and its
     * vectors are then boxed.
     */
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    private static final String MAX_LOGIT_ERROR_TEXT = "2⁻⁷";
    private static final double MAX_LOGIT_ERROR = 0x1p-7;
    private static final double U = 0x1p-24;

    /** Per (kv head, tile) largest key norm of the current call, valid where {@code normKnown == generation}. */
    private double[] keyNorms = new double[0];
    private long[] normKnown = new long[0];
    private long generation;
    private AttentionProblem normsOf;
    private long normsSerial;
    private int normsTile;
    private final float[] lanes = new float[L];

    /**
     * Whether float logits of kv head {@code kvHead}'s tile at t meet the bound. NaN (from NaN inputs)
     * counts as meeting it, so NaN flows to the output as the contract says.
     */
    boolean allows(AttentionProblem p, int kvHead, int t, int tile, double queryNorm, double extraNorm) {
        int n = p.headDim + 6;
        double bound = n * U / (1 - n * U) * p.scale * (queryNorm * keyNorm(p, kvHead, t, tile) + extraNorm);
        return !(bound > MAX_LOGIT_ERROR);
    }

    /**
     * The largest key norm of the tile at {@code t} of a kv head, over the keys some query of the call
     * may see; computed once per call and tile (blocks of the same kv head share it).
     */
    private double keyNorm(AttentionProblem p, int kvHead, int t, int tile) {
        if (normsOf != p || normsSerial != p.serial || normsTile != tile) {
            normsOf = p;
            normsSerial = p.serial;
            normsTile = tile;
            int slots = p.kvHeads * ((p.keys + tile - 1) / tile);
            if (keyNorms.length < slots) {
                keyNorms = new double[slots];
                normKnown = new long[slots];
            }
            generation++;
        }
        int slot = kvHead * ((p.keys + tile - 1) / tile) + t / tile;
        if (normKnown[slot] != generation) {
            int j0 = Math.max(t, p.callFirstKey);
            int j1 = Math.min(t + tile, p.callEndKey);
            keyNorms[slot] = Math.sqrt(maxSquaredNorm(p.k, p.kAt(j0, kvHead), p.kStride, j1 - j0, p.headDim, lanes));
            normKnown[slot] = generation;
        }
        return keyNorms[slot];
    }

    /**
     * The largest squared norm of {@code rows} rows of width d, in float (overflow gives +∞), each
     * summed in a fixed order ({@code lanes}: L floats of scratch).
     */
    static float maxSquaredNorm(float[] x, int at, int stride, int rows, int d, float[] lanes) {
        float largest = 0;
        int bound = F.loopBound(d);
        for (int r = 0, o = at; r < rows; r++, o += stride) {
            FloatVector acc = FloatVector.zero(F);
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector x0 = FloatVector.fromArray(F, x, o + c);
                acc = FMA ? x0.fma(x0, acc) : x0.mul(x0).add(acc);
            }
            acc.intoArray(lanes, 0);
            float s = NarrowProducts.total(lanes, 0);
            for (; c < d; c++) {
                s += x[o + c] * x[o + c];
            }
            largest = Float.isNaN(s) ? s : Math.max(largest, s);
        }
        return largest;
    }
}
