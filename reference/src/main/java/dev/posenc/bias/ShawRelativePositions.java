package dev.posenc.bias;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;

/**
 * Relative position representations of Shaw, Uszkoreit and Vaswani (2018): learned key and value
 * embeddings {@code aK, aV} of the clipped distance, shared by every head (§3.3 of the paper). With
 * {@code c(i, j) = clip(j − i, −k, k) + k}, an index in {@code [0, 2k]}:
 * <pre>
 *   logit_ij = s·q_i·(k_j + aK[c(i, j)])            (eq. 4, s = 1/√d by default)
 *   out_i    = Σ_j α_ij·(v_j + aV[c(i, j)])          (eq. 3)</pre>
 * Attention fuses both: per query row it forms the {@code 2k + 1} products {@code q_i·aK[c]} once
 * and reads them by index, and it sums the weights {@code α_ij} of each index so that the value
 * embeddings cost {@code (2k + 1)·valueDim} per row rather than per key.
 *
 * <p>HF BERT's {@code position_embedding_type="relative_key"} is the key half without clipping:
 * its {@code distance_embedding} row {@code i − j + P − 1} ({@code P = max_position_embeddings}) is
 * row {@code 2k − c(i, j)} here with {@code k = P − 1}: pass its rows in reverse order and no value
 * table. ({@code relative_key_query} also adds {@code k_j·aK}, which this class does not.)
 *
 * <p>The tables are copied at construction. Immutable and thread-safe.
 */
public final class ShawRelativePositions implements PositionScheme {
    private final int clip;
    private final int headDim;
    private final int valueDim;
    /** {@code aK}, row-major {@code [(2k + 1) × headDim]}. */
    private final float[] key;
    /** {@code aV}, row-major {@code [(2k + 1) × valueDim]}, or {@code null}. */
    private final float[] value;

    private ShawRelativePositions(int clip, int headDim, int valueDim, float[] key, float[] value) {
        this.clip = clip;
        this.headDim = headDim;
        this.valueDim = valueDim;
        this.key = key;
        this.value = value;
    }

    /**
     * Copies of the tables.
     *
     * @param clip       the largest distance k told apart, ≥ 0
     * @param keyTable   {@code aK}, row-major {@code [(2k + 1) × headDim]} from {@code keyOffset}
     * @param valueTable {@code aV}, row-major {@code [(2k + 1) × valueDim]} from {@code valueOffset},
     *                   or {@code null} for key embeddings only
     */
    public static ShawRelativePositions of(int clip, int headDim, float[] keyTable, int keyOffset,
                                           int valueDim, float[] valueTable, int valueOffset) {
        Checks.nonNegative(clip, "clip");
        Checks.positive(headDim, "headDim");
        Checks.positive(valueDim, "valueDim");
        int rows = Checks.product(2, "2", clip, "clip") + 1;
        float[] key = copy(keyTable, "keyTable", keyOffset, rows, headDim, "headDim");
        float[] value = valueTable == null ? null : copy(valueTable, "valueTable", valueOffset, rows, valueDim, "valueDim");
        return new ShawRelativePositions(clip, headDim, valueDim, key, value);
    }

    private static float[] copy(float[] table, String name, int offset, int rows, int width, String widthName) {
        int size = Checks.product(rows, "2·clip + 1", width, widthName);
        Checks.fits(table, name, offset, size, "(2·clip + 1) × " + widthName);
        float[] copy = new float[size];
        System.arraycopy(table, offset, copy, 0, size);
        return copy;
    }

    /** {@code c(i, j) = clip(j − i, −k, k) + k} for query position i and key position j. */
    public int index(int queryPosition, int keyPosition) {
        long r = (long) keyPosition - queryPosition;
        return (int) (Math.max(-clip, Math.min(clip, r)) + clip);
    }

    /** The clipping distance k. */
    public int clip() {
        return clip;
    }

    /** The width of the key embeddings (the attention head width). */
    public int headDim() {
        return headDim;
    }

    /** The width of the value embeddings. */
    public int valueDim() {
        return valueDim;
    }

    /** Whether value embeddings are present. */
    public boolean hasValues() {
        return value != null;
    }

    /** {@code aK[index, column]}, for {@code 0 <= index <= 2k} and {@code 0 <= column < headDim}. */
    public float keyEmbedding(int index, int column) {
        return key[Checks.index(index, 2 * clip + 1, "index") * headDim + Checks.index(column, headDim, "column")];
    }

    /** {@code aV[index, column]}, for {@code 0 <= index <= 2k} and {@code 0 <= column < valueDim}; 0 when there is no value table. */
    public float valueEmbedding(int index, int column) {
        Checks.index(index, 2 * clip + 1, "index");
        Checks.index(column, valueDim, "column");
        return value == null ? 0f : value[index * valueDim + column];
    }

    /** {@code q·aK[c(p, t)]}, the key half of equation 4 (before the scale). */
    @Override
    public double logitTerm(int head, int queryPosition, int keyPosition, float[] q, int qAt, float[] k, int kAt) {
        int row = index(queryPosition, keyPosition) * headDim;
        double dot = 0;
        for (int c = 0; c < headDim; c++) {
            dot += (double) q[qAt + c] * key[row + c];
        }
        return dot;
    }

    @Override
    public boolean hasValueTerms() {
        return value != null;
    }

    /** {@code aV[c(p, t), column]}, the value half of equation 3 (shared by every head). */
    @Override
    public double valueTerm(int head, int queryPosition, int keyPosition, int column) {
        return valueEmbedding(index(queryPosition, keyPosition), column);
    }

    /**
     * The key half of the logit before scaling, for inspection:
     * {@code out[h, i, j] = q_{i,h}·aK[c(p_i, j)]} (accumulated in double), row-major
     * {@code [heads × queries × keys]}, with q in attention's layout {@code [queries × heads × headDim]}
     * and keys at positions {@code 0 … keys − 1}.
     */
    public void materializeKeyTerm(Positions queryPositions, int keys, int heads, float[] q, int qOffset,
                                   float[] out, int outOffset) {
        BiasGrid.requireQueries(q, qOffset, queryPositions, heads, headDim);
        BiasGrid.fill(queryPositions, keys, heads, out, outOffset, (h, i, p, j) -> {
            int qRow = qOffset + (i * heads + h) * headDim;
            int a = index(p, j) * headDim;
            double dot = 0;
            for (int c = 0; c < headDim; c++) {
                dot += (double) q[qRow + c] * key[a + c];
            }
            return dot;
        });
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (headDim != this.headDim || valueDim != this.valueDim) {
            throw new IllegalArgumentException("ShawRelativePositions has headDim = " + this.headDim + " and valueDim = "
                    + this.valueDim + " but attention has headDim = " + headDim + " and valueDim = " + valueDim);
        }
    }

    @Override
    public String toString() {
        return "ShawRelativePositions[clip=" + clip + ", headDim=" + headDim + ", valueDim=" + valueDim
                + (hasValues() ? "" : ", keys only") + "]";
    }
}
