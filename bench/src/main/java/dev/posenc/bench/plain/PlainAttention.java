package dev.posenc.bench.plain;

/**
 * Causal attention, bottom-right aligned (the queries are the last positions), layout
 * {@code [seq × heads × headDim]}, grouped-query heads ({@code h / (heads / kvHeads)}), one query row
 * at a time: logits {@code q·k/√d + bias}, softmax, then {@code Σ p_j v_j}. The bias is a table by head
 * and distance {@code j − i} ({@code [heads × (2·keys − 1)]}, distance {@code −(keys − 1)} first) as
 * one would precompute ALiBi, T5 buckets or KERPLE, or {@code null}. Other schemes come as {@link Terms}
 * that the loop calls per query and per (query, key), as a hand port calls a scheme's formula: {@code p_j (v_j + a)}
 * with a value term {@code a} per (query, key, column) where the scheme has one.
 *
 * <p>Under ALiBi this loop pays for float's subnormal range: a key 87–103 nats below the row's maximum gets a
 * subnormal weight {@code exp(logit − max)}, and every multiply with a subnormal operand takes a microcode assist
 * (this project's Xeon: 44 ns per element against about 1 ns for {@code y·0.5f} over 65536 floats). The benchmark's
 * 8 ALiBi prefill rows (8 heads × 128, 4096 keys, slopes 2⁻¹…2⁻⁸) took 259 ms against 145 ms with every bias clamped
 * at −60 and 148 ms with no bias (medians of 30 calls alternating in one JVM, load 0.4, 2026-11-30). A hand port pays
 * that too, so it stays in the baseline. posenc's vector kernels form such weights as well ({@code TileExp} rounds
 * into the subnormals), but they did not cost them measurable time: a build that flushed them to 0 ran ALiBi prefill
 * at 0.985× (quartiles 0.980–0.998, 30 pairs) and f32 ALiBi decode at 4096 keys at 0.989× (0.956–1.024, 240 pairs)
 * of main's speed (bench's PairedCalls, load 3.8–5.1).
 */
public final class PlainAttention {
    private PlainAttention() {}

    /** What a position scheme adds beyond a bias by distance, called per query row or per (row, key). */
    public interface Terms {
        /** τ(p), multiplying the logit scaled by 1/√d (and the scheme's own scale over 1/√d, DeBERTa's 1/√3). */
        float queryScale(int position);

        /** The first key a query at {@code position} may see. */
        int firstKey(int position);

        /** The head's sink logit σ_h (joins the denominator, carries no value), or −∞. */
        float sink(int head);

        /**
         * What the scheme adds to the scaled logit {@code s·τ·q·k} of (head, position, key), with q's row at
         * {@code qi} and k's at {@code kj}; −∞ hides the key.
         */
        float logit(int head, int position, int key, float[] q, int qi, float[] k, int kj, float scale);

        /** Whether the scheme adds {@link #value} to the values (Shaw's value embeddings). */
        boolean hasValues();

        /** What the scheme adds to column {@code column} of key {@code key}'s value for (head, position). */
        float value(int head, int position, int key, int column);
    }

    /**
     * Query rows {@code [firstRow, firstRow + rows)} of a block of {@code queries} over {@code keys}
     * keys, heads {@code [firstHead, lastHead)}; {@code q} and {@code out} hold only those rows.
     *
     * @param terms  the scheme's other terms, or {@code null}
     * @param scores scratch of at least {@code keys} floats
     */
    public static void attend(int heads, int kvHeads, int headDim, int queries, int keys, int firstRow, int rows,
                              int firstHead, int lastHead, float[] q, float[] k, float[] v, float[] bias, Terms terms,
                              float[] out, float[] scores) {
        float scale = (float) (1 / Math.sqrt(headDim));
        int group = heads / kvHeads;
        int distances = 2 * keys - 1;
        boolean values = terms != null && terms.hasValues();
        for (int row = 0; row < rows; row++) {
            int position = keys - queries + firstRow + row;   // bottom-right: the last query sees every key
            int first = terms == null ? 0 : Math.max(0, terms.firstKey(position));
            float rowScale = terms == null ? scale : scale * terms.queryScale(position);
            for (int h = firstHead; h < lastHead; h++) {
                int qi = (row * heads + h) * headDim;
                int kvh = h / group;
                float sink = terms == null ? Float.NEGATIVE_INFINITY : terms.sink(h);
                float max = sink;
                for (int j = first; j <= position; j++) {
                    int kj = (j * kvHeads + kvh) * headDim;
                    float extra = terms == null ? 0f : terms.logit(h, position, j, q, qi, k, kj, rowScale);
                    if (extra == Float.NEGATIVE_INFINITY) {
                        scores[j] = extra;
                        continue;
                    }
                    float dot = 0f;
                    for (int c = 0; c < headDim; c++) {
                        dot += q[qi + c] * k[kj + c];
                    }
                    float logit = dot * rowScale + extra + (bias == null ? 0f : bias[h * distances + j - position + keys - 1]);
                    scores[j] = logit;
                    max = Math.max(max, logit);
                }
                float sum = sink == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(sink - max);
                for (int j = first; j <= position; j++) {
                    float e = (float) Math.exp(scores[j] - max);
                    scores[j] = e;
                    sum += e;
                }
                float inverse = 1f / sum;
                for (int c = 0; c < headDim; c++) {
                    out[qi + c] = 0f;
                }
                for (int j = first; j <= position; j++) {
                    float p = scores[j] * inverse;
                    int vj = (j * kvHeads + kvh) * headDim;
                    if (values) {
                        for (int c = 0; c < headDim; c++) {
                            out[qi + c] += p * (v[vj + c] + terms.value(h, position, j, c));
                        }
                    } else {
                        for (int c = 0; c < headDim; c++) {
                            out[qi + c] += p * v[vj + c];
                        }
                    }
                }
            }
        }
    }
}
