package dev.posenc.bias;

import dev.posenc.Positions;

/**
 * An additive bias {@code b(h, p, j)} of head {@code h} for the query at position {@code p} and the
 * key at position {@code j}, that depends on {@code j − p} only. Attention adds it to the logit after
 * the scale (and after the soft cap, as FlashAttention-2 does with ALiBi):
 * <pre>  logit = softcap(s·q·k) + b(h, p, j)</pre>
 */
public sealed interface RelativeBias extends PositionScheme permits AlibiBias, T5RelativeBias, KerpleBias {

    /** The number of heads, one bias function each. */
    int heads();

    /** {@code b(h, p, j)} in double, for {@code 0 <= head < heads()}. */
    @Override
    double bias(int head, int queryPosition, int keyPosition);

    /**
     * Writes {@code out[h, i, j] = (float) b(h, queryPositions.at(i), j)} for keys at positions
     * {@code 0 … keys − 1}, row-major {@code [heads × queries × keys]} from {@code outOffset}: the
     * bias an attention call applies, as a dense tensor (HF's {@code compute_bias}, BLOOM's
     * {@code build_alibi_tensor} up to a per-row constant).
     */
    default void materialize(Positions queryPositions, int keys, float[] out, int outOffset) {
        BiasGrid.fill(queryPositions, keys, heads(), out, outOffset, (h, i, p, j) -> bias(h, p, j));
    }

    @Override
    default void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (heads != heads()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has " + heads()
                    + " heads but attention has heads = " + heads);
        }
    }
}
