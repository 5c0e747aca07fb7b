package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;

/**
 * What the wide and the narrow block share: the {@link Entries}, Qᵀ (their query rows, offset by the
 * scheme and scaled by {@code s·τ(p)}, lane-major by panel), the evaluator of the call's position
 * scheme, the logits' pipeline and the online softmax (started at the scheme's sink logits), all set
 * up by {@link #begin}.
 */
abstract class Block {
    private static final int L = Lanes.FLOAT.length();
    private static final int PANEL = TileProducts.PANEL;

    final Entries entries = new Entries();
    final OnlineSoftmax softmax = new OnlineSoftmax();
    final TileLogits tileLogits = new TileLogits();
    private final VectorSchemes schemes = new VectorSchemes();
    /** The call's scheme evaluator. */
    VectorScheme scheme;
    /** Qᵀ {@code [headDim × panels·PANEL]}. */
    float[] queries = new float[0];
    /** The largest norm of the entries' (offset) query rows, unscaled, and the scheme's share of the logit bound. */
    double queryNorm;
    double extraNorm;

    /** Starts the block of entries {@code [heads h0, h1) × [rows r0, r1)}. */
    final void begin(AttentionCall call, int h0, int h1, int r0, int r1) {
        entries.set(call, h0, h1, r0, r1);
        scheme = schemes.of(call);
        double scale = call.softCap() > 0 ? call.scale() / call.softCap() : call.scale();
        queryNorm = transposeQueries(call, scale, scheme.queryOffsets());
        extraNorm = scheme.prepare(call, entries, queries, (float) scale, queryNorm);
        softmax.begin(call, entries);
    }

    /**
     * {@code Qᵀ[c][e] = (q_e[c] + offsets[h_e][c])·(scale·τ(p_e))} (0 in padding lanes); returns the
     * largest {@code τ(p_e)·‖q_e + offset‖} (NaN if one is NaN).
     */
    private double transposeQueries(AttentionCall call, double scale, float[] offsets) {
        int d = call.headDim();
        int lanes = entries.panels() * PANEL;
        if (queries.length < d * lanes) {
            queries = new float[d * lanes];
        }
        float[] q = call.q();
        double largest = 0;
        for (int e = 0; e < entries.vectors * L; e++) {
            boolean real = e < entries.count;
            int at = call.qAt(entries.row[e], entries.head[e]);
            int h = entries.head[e] * d;
            int column = TileProducts.at(e, d);
            double tau = real ? Math.abs(call.queryScale(entries.position[e])) : 1;
            float entryScale = (float) (scale * tau);
            double norm = 0;
            for (int c = 0; c < d; c++) {
                float x = real ? q[at + c] : 0f;
                float content = offsets == null || !real ? x : x + offsets[h + c];
                queries[column + c * PANEL] = content * entryScale;
                norm += (double) content * content;
            }
            norm *= tau * tau;
            largest = Double.isNaN(norm) ? norm : Math.max(largest, norm);
        }
        return Math.sqrt(largest);
    }
}
