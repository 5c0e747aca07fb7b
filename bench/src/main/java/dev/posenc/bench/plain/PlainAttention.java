package dev.posenc.bench.plain;

/**
 * Causal attention, bottom-right aligned (the queries are the last positions), layout
 * {@code [seq × heads × headDim]}, grouped-query heads ({@code h / (heads / kvHeads)}), one query row
 * at a time: logits {@code q·k/√d + bias}, softmax, then {@code Σ p_j v_j}. The bias is a table by head
 * and distance {@code j − i} ({@code [heads × (2·keys − 1)]}, distance {@code −(keys − 1)} first) as
 * one would precompute ALiBi or T5 buckets, or {@code null}.
 */
public final class PlainAttention {
    private PlainAttention() {}

    /**
     * Query rows {@code [firstRow, firstRow + rows)} of a block of {@code queries} over {@code keys}
     * keys, heads {@code [firstHead, lastHead)}; {@code q} and {@code out} hold only those rows.
     *
     * @param scores scratch of at least {@code keys} floats
     */
    public static void attend(int heads, int kvHeads, int headDim, int queries, int keys, int firstRow, int rows,
                              int firstHead, int lastHead, float[] q, float[] k, float[] v, float[] bias,
                              float[] out, float[] scores) {
        float scale = (float) (1 / Math.sqrt(headDim));
        int group = heads / kvHeads;
        int distances = 2 * keys - 1;
        for (int row = 0; row < rows; row++) {
            int position = keys - queries + firstRow + row;   // bottom-right: the last query sees every key
            for (int h = firstHead; h < lastHead; h++) {
                int qi = (row * heads + h) * headDim;
                int kvh = h / group;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= position; j++) {
                    int kj = (j * kvHeads + kvh) * headDim;
                    float dot = 0f;
                    for (int c = 0; c < headDim; c++) {
                        dot += q[qi + c] * k[kj + c];
                    }
                    float logit = dot * scale + (bias == null ? 0f : bias[h * distances + j - position + keys - 1]);
                    scores[j] = logit;
                    max = Math.max(max, logit);
                }
                float sum = 0f;
                for (int j = 0; j <= position; j++) {
                    float e = (float) Math.exp(scores[j] - max);
                    scores[j] = e;
                    sum += e;
                }
                float inverse = 1f / sum;
                for (int c = 0; c < headDim; c++) {
                    out[qi + c] = 0f;
                }
                for (int j = 0; j <= position; j++) {
                    float p = scores[j] * inverse;
                    int vj = (j * kvHeads + kvh) * headDim;
                    for (int c = 0; c < headDim; c++) {
                        out[qi + c] += p * v[vj + c];
                    }
                }
            }
        }
    }
}
