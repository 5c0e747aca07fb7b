package dev.posenc.reference;

import dev.posenc.bias.DenseBias;
import dev.posenc.bias.PositionScheme;
import java.util.Arrays;

/**
 * Attention as {@link dev.posenc.attention.AttentionKernel}'s formula reads, in double: for head h
 * and query row i at position p, over the keys j it sees,
 * <pre>
 *   z_ij  = softcap(s·τ(p)·(q_i·k_j + e_h(p, j))) + b_h(p, j) + dense_ij
 *   out_i = Σ_j exp(z_ij − m)·(v_j + a_h(p, j)) / (exp(σ_h − m) + Σ_j exp(z_ij − m)),   m = max(σ_h, max_j z_ij)</pre>
 * with {@code τ}, {@code e}, {@code b}, {@code a}, {@code σ} and the keys seen the position scheme's
 * own formulas ({@link PositionScheme}), rounded once to float. A row with no visible key (or only
 * −∞ logits) is zeros; a NaN or +∞ logit makes the row NaN. Products of floats are exact in double and the sums err by at most n·2⁻⁵³
 * relative, so the result is the float nearest a value within ~1e−12 of exact.
 *
 * <p>Materialises one row of {@code keys} logits at a time (in the workspace); no tiling. Work items
 * are 16 rows of one head. The Vector API kernel computes with {@link #row} the rare blocks whose
 * float logits could miss its error bound.
 */
public final class ReferenceAttention extends WorkItemAttention<AttentionScratch> {
    private static final int ROWS_PER_ITEM = 16;

    ReferenceAttention() {
        super(AttentionScratch.class, AttentionScratch::new);
    }

    @Override
    protected int items(AttentionCall call, AttentionScratch shared) {
        return call.heads() * blocks(call);
    }

    @Override
    protected void run(AttentionCall call, int item, AttentionScratch scratch, AttentionScratch shared) {
        int head = item / blocks(call);
        int first = item % blocks(call) * ROWS_PER_ITEM;
        for (int row = first; row < Math.min(call.queries(), first + ROWS_PER_ITEM); row++) {
            row(call, head, row, scratch);
        }
    }

    private static int blocks(AttentionCall call) {
        return (call.queries() + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
    }

    /** Computes and writes {@code out_i} for query row {@code row} of head {@code head}. */
    public static void row(AttentionCall call, int head, int row, AttentionScratch scratch) {
        int p = call.position(row);
        int first = call.firstKey(p);
        int end = call.endKey(p);
        double[] z = scratch.scores(call.keys());
        double sink = call.sinkLogit(head);
        double m = sink;
        boolean nan = false;
        for (int j = first; j < end; j++) {
            z[j] = logit(call, head, row, p, j, scratch);
            nan |= Double.isNaN(z[j]);
            m = Math.max(m, z[j]);
        }
        float[] out = call.out();
        int o = call.outAt(row, head);
        int dv = call.valueDim();
        if (nan || m == Double.POSITIVE_INFINITY || m == Double.NEGATIVE_INFINITY) {
            Arrays.fill(out, o, o + dv, nan || m == Double.POSITIVE_INFINITY ? Float.NaN : 0f);
            return;
        }
        double[] weighted = scratch.sums(dv);
        Arrays.fill(weighted, 0, dv, 0.0);
        double total = Math.exp(sink - m);
        for (int j = first; j < end; j++) {
            if (z[j] != Double.NEGATIVE_INFINITY) {
                double e = Math.exp(z[j] - m);
                total += e;
                addValue(call, head, p, j, e, weighted);
            }
        }
        for (int c = 0; c < dv; c++) {
            out[o + c] = (float) (weighted[c] / total);
        }
    }

    /** {@code z_ij}; −∞ where the dense mask or the scheme's bias hides key j. */
    private static double logit(AttentionCall call, int head, int row, int p, int j, AttentionScratch scratch) {
        double dense = dense(call.dense(), head, row, j);
        if (dense == Double.NEGATIVE_INFINITY) {
            return dense;
        }
        PositionScheme scheme = call.scheme();
        double b = scheme == null ? 0 : scheme.bias(head, p, j);
        if (b == Double.NEGATIVE_INFINITY) {
            return b;
        }
        float[] q = call.q();
        int qi = call.qAt(row, head);
        int g = head / call.group();
        float[] k = call.k() != null ? call.k() : scratch.keyRow(call, j, g);
        int kj = call.k() != null ? call.kAt(j, g) : 0;
        double e = scheme == null ? 0 : scheme.logitTerm(head, p, j, q, qi, k, kj);
        double s = call.scale() * call.queryScale(p);
        return softCap(call.softCap(), s * (dot(q, qi, k, kj, call.headDim()) + e)) + b + dense;
    }

    /** {@code weighted += e·(v_j + a_h(p, j))}. */
    private static void addValue(AttentionCall call, int head, int p, int j, double e, double[] weighted) {
        int g = head / call.group();
        for (int c = 0; c < call.valueDim(); c++) {
            weighted[c] += e * call.value(j, g, c);
        }
        PositionScheme scheme = call.scheme();
        if (scheme != null && scheme.hasValueTerms()) {
            for (int c = 0; c < call.valueDim(); c++) {
                weighted[c] += e * scheme.valueTerm(head, p, j, c);
            }
        }
    }

    private static double dot(float[] q, int qi, float[] k, int kj, int d) {
        double dot = 0;
        for (int c = 0; c < d; c++) {
            dot += (double) q[qi + c] * k[kj + c];
        }
        return dot;
    }

    /** {@code c·tanh(x/c)}, or x when there is no cap (c = 0). */
    private static double softCap(double c, double x) {
        return c > 0 ? c * Math.tanh(x / c) : x;
    }

    private static double dense(DenseBias dense, int head, int row, int j) {
        return dense == null ? 0.0 : dense.bias(head, row, j);
    }
}
