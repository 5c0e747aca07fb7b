package dev.posenc.internal;

import java.util.Arrays;

/**
 * One (head, query row) of attention as the formula reads, in double: the row's logits are
 * materialised, then softmax, then the weighted sum of values, rounded once to float. The scalar
 * reference computes every row this way; the Vector API kernel uses it for the rare blocks whose
 * float logits could not meet its error bound.
 *
 * <pre>
 *   z_j = softcap(s·(q·k_j + extra_j)) + b(h, p, j) + dense_ij      for visible keys j, else −∞
 *   out = Σ_j exp(z_j − m)·(v_j + aV_j) / Σ_j exp(z_j − m),          m = max_j z_j</pre>
 * with {@code extra_j} = {@code q·aK[c]} (Shaw) or {@code u·k_j + (q + v)·r_δ} (Transformer-XL), and
 * {@code aV_j} the Shaw value embedding. A row with no visible key (or only −∞ logits) is zeros;
 * a NaN or +∞ logit makes the row NaN. Products of floats are exact in double and the sums err by
 * at most n·2⁻⁵³ relative, so the result is the float nearest a value within ~1e−12 of exact.
 */
public final class ExactAttention {
    private ExactAttention() {}

    /**
     * Computes and writes output row {@code row} of query head {@code head}.
     *
     * @param scores at least {@code keys} long
     * @param acc    at least {@code valueDim} long
     */
    public static void row(AttentionProblem p, int head, int row, double[] scores, double[] acc) {
        int position = p.position(row);
        int first = p.firstKey(position);
        int end = p.endKey(position);
        int kvHead = head / p.group;
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int j = first; j < end; j++) {
            double z = logit(p, head, kvHead, row, position, j);
            scores[j] = z;
            nan |= Double.isNaN(z);
            max = Math.max(max, z);
        }
        int o = p.outAt(row, head);
        if (nan || max == Double.POSITIVE_INFINITY || max == Double.NEGATIVE_INFINITY) {
            Arrays.fill(p.out, o, o + p.valueDim, nan || max == Double.POSITIVE_INFINITY ? Float.NaN : 0f);
            return;
        }
        Arrays.fill(acc, 0, p.valueDim, 0.0);
        double sum = 0;
        for (int j = first; j < end; j++) {
            if (scores[j] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double e = Math.exp(scores[j] - max);
            sum += e;
            int vRow = p.vAt(j, kvHead);
            for (int c = 0; c < p.valueDim; c++) {
                acc[c] += e * p.v[vRow + c];
            }
            if (p.shaw != null && p.shaw.hasValues()) {
                int index = p.shaw.index(position, j);
                for (int c = 0; c < p.valueDim; c++) {
                    acc[c] += e * p.shaw.valueEmbedding(index, c);
                }
            }
        }
        for (int c = 0; c < p.valueDim; c++) {
            p.out[o + c] = (float) (acc[c] / sum);
        }
    }

    /** {@code z_j} of the class comment, −∞ when the dense mask hides the key. */
    private static double logit(AttentionProblem p, int head, int kvHead, int row, int position, int j) {
        double dense = p.dense == null ? 0.0 : denseBias(p, head, row, j);
        if (dense == Double.NEGATIVE_INFINITY) {
            return dense;
        }
        int qRow = p.qAt(row, head);
        int kRow = p.kAt(j, kvHead);
        double dot = 0;
        for (int c = 0; c < p.headDim; c++) {
            dot += (double) p.q[qRow + c] * p.k[kRow + c];
        }
        if (p.shaw != null) {
            int index = p.shaw.index(position, j);
            for (int c = 0; c < p.headDim; c++) {
                dot += (double) p.q[qRow + c] * p.shaw.keyEmbedding(index, c);
            }
        }
        if (p.xl != null) {
            int delta = p.xl.distance(position, j);
            for (int c = 0; c < p.headDim; c++) {
                dot += (double) p.xl.contentBias(head, c) * p.k[kRow + c]
                        + ((double) p.q[qRow + c] + p.xl.positionBias(head, c)) * p.xl.relativeEmbedding(delta, head, c);
            }
        }
        double z = p.scale * dot;
        if (p.softCap > 0) {
            z = p.softCap * Math.tanh(z / p.softCap);
        }
        if (p.relative != null) {
            z += p.relative.bias(head, position, j);
        }
        return z + dense;
    }

    private static double denseBias(AttentionProblem p, int head, int row, int j) {
        int at = p.denseAt(row, head) + j;
        DenseData d = p.dense;
        return d.allowed() != null ? (d.allowed()[at] ? 0.0 : Double.NEGATIVE_INFINITY) : d.values()[at];
    }
}
