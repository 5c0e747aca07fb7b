package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;

/**
 * The evaluator of one {@link dev.posenc.bias.PositionScheme}: what the scheme adds to a block's
 * tiles, lanewise, in the places of the formula ({@link TileLogits}). Each scheme has one, named after
 * it ({@code VectorAlibiBias} for {@code AlibiBias}, …), kept per block and chosen when the block
 * starts by the switch in {@link VectorSchemes}. Every method has a neutral default; an evaluator overrides the
 * terms its scheme has. Arguments are the block's data, passed in; an evaluator keeps only its own
 * per-block tables (and what it derives once per scheme object).
 */
interface VectorScheme {
    /** No position scheme. */
    VectorScheme NONE = new VectorScheme() {};

    /**
     * Added to each query row before the scale, row-major {@code [heads × headDim]} (Transformer-XL's
     * content bias u), or {@code null}.
     */
    default float[] queryOffsets() {
        return null;
    }

    /**
     * Once per block, after Qᵀ ({@code queries}: the entries' query rows, offset and multiplied by
     * {@code scale}, lane-major by panel) is built: the scheme's per-entry data.
     *
     * @param queryNorm the largest norm of the entries' (offset) query rows, unscaled
     * @return what the scheme adds to {@code ‖q‖·‖k‖} in the logit's error bound ({@link LogitGuard})
     */
    default double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        return 0;
    }

    /**
     * After {@link #prepare}: what the scheme adds to the logit's error bound per unit of the tile's largest key norm
     * (DeBERTa's {@code max‖Qr_h‖}), so that a block's guard reads {@code (‖q‖ + share)·‖k‖ + extra}; 0 by default.
     */
    default double keyNormShare() {
        return 0;
    }

    /**
     * Adds the scheme's terms inside the scaled logit to the tile's {@code Qᵀ·K} for the call's keys
     * {@code [j0, j1)} ({@code s} lane-major by panel, {@code rows} rows per panel).
     */
    default void addLogitTerms(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {}

    /** Adds the scheme's bias to the tile's logits, after the soft cap. */
    default void addBias(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {}

    /**
     * After the tile's probabilities {@code p} (same layout as the logits) and the rescale factors
     * {@code alpha} of the online softmax: whatever the scheme's value terms need.
     */
    default void accumulateValueWeights(Entries entries, float[] p, int rows, int j0, int j1, float[] alpha) {}

    /** Whether {@link #valueTerm} may be other than 0 (Shaw's value embeddings): the blocks add it only then. */
    default boolean hasValueTerms() {
        return false;
    }

    /**
     * Entry e's value term {@code Σ_j p_j·a(p, j)[column]}, unnormalised, with every term multiplied by
     * {@code scale} (the values' scale of {@link OnlineSoftmax}, so that the sum cannot overflow); 0 by default.
     */
    default float valueTerm(int e, int column, float scale) {
        return 0f;
    }
}
