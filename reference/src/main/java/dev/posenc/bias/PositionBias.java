package dev.posenc.bias;

/**
 * A relative position scheme that attention evaluates inside its kernel, tile by tile, instead of
 * reading a materialised {@code [queries × keys]} matrix. Set one on
 * {@link dev.posenc.attention.AttentionOptions#withBias}; every kind can also be materialised for
 * inspection.
 *
 * <p>With {@code p} the query's position, {@code j} the key's and {@code s} the attention scale:
 * <ul>
 *   <li>{@link RelativeBias}: an additive {@code b(h, p, j)} that depends on {@code j − p} only
 *       ({@link AlibiBias}, {@link T5RelativeBias});
 *   <li>{@link ShawRelativePositions}: a learned key embedding inside the scaled logit and a learned
 *       value embedding in the output, both indexed by the clipped distance;
 *   <li>{@link TransformerXlPositions}: content and position biases u, v and projected sinusoidal
 *       relative embeddings inside the scaled logit.
 * </ul>
 * Instances are immutable and thread-safe.
 */
public sealed interface PositionBias permits RelativeBias, ShawRelativePositions, TransformerXlPositions {

    /**
     * Requires this scheme to fit attention with the given shape.
     *
     * @throws IllegalArgumentException naming the mismatch (head count, head or value width)
     */
    void requireCompatible(int heads, int headDim, int valueDim);
}
