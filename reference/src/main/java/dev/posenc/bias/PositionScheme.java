package dev.posenc.bias;

/**
 * A position scheme that attention evaluates inside its kernel, tile by tile, instead of reading a
 * materialised {@code [queries × keys]} matrix. Set one on
 * {@link dev.posenc.attention.AttentionOptions#withScheme}.
 *
 * <p>Each scheme is one type holding its parameters and its formula in double; the scalar reference
 * evaluates exactly these methods. With {@code h} the query head, {@code p} the query's position,
 * {@code t} the key's position, {@code s} the attention scale and {@code j} the key row, attention
 * computes (see {@link dev.posenc.attention.AttentionKernel}), over the keys j that query i sees,
 * <pre>
 *   z_ij  = softcap(s·{@link #queryScale τ(p)}·(q_i·k_j + {@link #logitTerm e_h(p, t)})) + {@link #bias b_h(p, t)} + dense_ij
 *   out_i = Σ_j exp(z_ij − m)·(v_j + {@link #valueTerm a_h(p, t)}) / (exp({@link #sinkLogit σ_h} − m) + Σ_j exp(z_ij − m))</pre>
 * with {@code m} the largest of σ_h and the z_ij. A key is seen when the causal mask, the window,
 * the dense mask and {@link #firstVisibleKey} allow it. A scheme overrides the terms it adds; the
 * others are neutral (τ = 1, e = b = a = 0, σ = −∞, every key allowed):
 * <ul>
 *   <li>{@link RelativeBias}: an additive {@code b_h} that depends on {@code t − p} only
 *       ({@link AlibiBias}, {@link T5RelativeBias}, {@link KerpleBias});
 *   <li>{@link ShawRelativePositions}: a learned key embedding inside the scaled logit ({@code e}) and a
 *       learned value embedding in the output ({@code a}), both indexed by the clipped distance;
 *   <li>{@link TransformerXlPositions}: content and position biases u, v and projected sinusoidal
 *       relative embeddings inside the scaled logit ({@code e});
 *   <li>{@link DebertaPositions}: DeBERTa's content-to-position and position-to-content terms ({@code e});
 *   <li>{@link FireBias}: FIRE's learned function of the normalised distance ({@code b});
 *   <li>{@link AttentionSinks}: gpt-oss's learned sink logits ({@code σ});
 *   <li>{@link StreamingWindow}: StreamingLLM's sink tokens and window (b = −∞ in the gap);
 *   <li>{@link ChunkedAttention}: Llama 4's local chunks ({@link #firstVisibleKey});
 *   <li>{@link AttentionTemperature}: Llama 4's temperature of NoPE layers ({@code τ}).
 * </ul>
 * The Vector API implementation has one evaluator per scheme, named after it
 * ({@code VectorAlibiBias}, …), chosen by a switch over this sealed type when a block starts, never per tile.
 * Instances are immutable and thread-safe.
 */
public sealed interface PositionScheme permits RelativeBias, ShawRelativePositions, TransformerXlPositions, DebertaPositions,
        FireBias, AttentionSinks, StreamingWindow, ChunkedAttention, AttentionTemperature {

    /**
     * Requires this scheme to fit attention with the given shape and mask.
     *
     * @param causal whether the attention has a causal mask
     * @param window the sliding window, or {@code AttentionOptions.NO_WINDOW} (−1)
     * @throws IllegalArgumentException naming the mismatch (head count, head or value width, mask)
     */
    void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window);

    /**
     * {@code e_h(p, t)}: what the scheme adds to {@code q·k} before the scale, for query row
     * {@code q[qAt …]} and key row {@code k[kAt …]} of head {@code head} ({@code headDim} floats each),
     * accumulated in double; 0 unless the scheme has terms inside the logit.
     */
    default double logitTerm(int head, int queryPosition, int keyPosition, float[] q, int qAt, float[] k, int kAt) {
        return 0;
    }

    /**
     * {@code b_h(p, t)}: what the scheme adds to the logit after the scale and soft cap; 0 by default. −∞
     * hides the key, as a mask does (as the dense bias's −∞ does): the logit is −∞ whatever q·k is.
     */
    default double bias(int head, int queryPosition, int keyPosition) {
        return 0;
    }

    /** Whether the scheme adds {@link #valueTerm} to the values; false by default. */
    default boolean hasValueTerms() {
        return false;
    }

    /**
     * {@code a_h(p, t)[column]}: what the scheme adds to column {@code column} of the key's value row
     * for head {@code head}; 0 by default.
     */
    default double valueTerm(int head, int queryPosition, int keyPosition, int column) {
        return 0;
    }

    /**
     * {@code τ(p)} ≥ 0: the factor by which the scheme scales a query at position {@code queryPosition}
     * (a temperature that depends on the position); 1 by default.
     */
    default double queryScale(int queryPosition) {
        return 1;
    }

    /**
     * {@code σ_h}: a logit of head {@code head} that joins every row's softmax denominator but carries
     * no value (a learned attention sink); −∞, none, by default.
     */
    default double sinkLogit(int head) {
        return Double.NEGATIVE_INFINITY;
    }

    /**
     * The first key a query at position {@code queryPosition} may see as far as the scheme goes (a
     * visibility rule such as local chunks); the causal mask and window narrow it further. 0 by default.
     */
    default int firstVisibleKey(int queryPosition) {
        return 0;
    }
}
