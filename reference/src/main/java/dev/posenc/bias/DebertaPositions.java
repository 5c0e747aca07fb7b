package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * DeBERTa-v2/v3's disentangled attention (He et al. 2021): besides content-to-content, each logit has a
 * content-to-position and a position-to-content term read from projected relative embeddings
 * {@code Kr_h, Qr_h} ({@code [2·span × headDim]} per head) at one index per (query, key),
 * <pre>
 *   e_h(p, t) = q·Kr_h[c(p, t)] + k·Qr_h[c(p, t)],   c(p, t) = clamp(bucket(p − t) + span, 0, 2·span − 1)
 *   logit     = s·(q·k + e),   s = 1/√(3·headDim)  (set it with AttentionOptions.withScale)</pre>
 * with {@code span = position_buckets} when buckets are on, else {@code max_relative_positions}. The
 * buckets are HF's {@code make_log_bucket_position}: distances below {@code mid = position_buckets / 2}
 * are their own bucket, larger ones {@code sign·(⌈log(|r|/mid)/log((max_relative_positions − 1)/mid)·(mid − 1)⌉ + mid)},
 * computed in float32 as HF does and not clamped (the index is). This matches HF
 * {@code modeling_deberta_v2}: {@code build_relative_position} (r = query index − key index),
 * {@code DisentangledSelfAttention.disentangled_attention_bias} with {@code pos_att_type = "p2c|c2p"}
 * ({@code c2p_pos = clamp(r + span)}; {@code p2c_pos = clamp(−r' + span)} at the transposed pair, which
 * is the same index since buckets are odd) and {@code scale_factor = 3}. HF numbers queries and keys
 * 0…L−1 alike; explicit query positions generalise it. {@code Kr = pos_key_proj(rel_embeddings)} and
 * {@code Qr = pos_query_proj(rel_embeddings)} (or {@code key_proj}/{@code query_proj} with
 * {@code share_att_key}, as DeBERTa-v3 does), split into heads, are what this class takes.
 *
 * <p>The tables are copied at construction. Immutable and thread-safe.
 */
public final class DebertaPositions implements PositionScheme {
    private final int heads;
    private final int headDim;
    private final int positionBuckets;
    private final int maxRelativePositions;
    private final int span;
    private final float[] keyTable;
    private final float[] queryTable;

    private DebertaPositions(int heads, int headDim, int positionBuckets, int maxRelativePositions, float[] keyTable,
                             float[] queryTable) {
        this.heads = heads;
        this.headDim = headDim;
        this.positionBuckets = positionBuckets;
        this.maxRelativePositions = maxRelativePositions;
        this.span = positionBuckets > 0 ? positionBuckets : maxRelativePositions;
        this.keyTable = keyTable;
        this.queryTable = queryTable;
    }

    /**
     * Copies of the projected relative embeddings, each row-major {@code [heads × 2·span × headDim]}.
     *
     * @param positionBuckets      HF {@code position_buckets}: 0 for no buckets, else ≥ 2 (DeBERTa-v3: 256)
     * @param maxRelativePositions HF {@code max_relative_positions} > 0 (DeBERTa-v3: 512); with buckets,
     *                             more than {@code positionBuckets / 2 + 1}
     * @param keyTable             Kr (c2p) from {@code keyOffset}
     * @param queryTable           Qr (p2c) from {@code queryOffset}
     */
    public static DebertaPositions of(int heads, int headDim, int positionBuckets, int maxRelativePositions,
                                      float[] keyTable, int keyOffset, float[] queryTable, int queryOffset) {
        Checks.positive(heads, "heads");
        Checks.positive(headDim, "headDim");
        Checks.nonNegative(positionBuckets, "positionBuckets");
        Checks.positive(maxRelativePositions, "maxRelativePositions");
        if (positionBuckets == 1) {
            throw new IllegalArgumentException("positionBuckets must be 0 (no buckets) or >= 2, was 1");
        }
        if (positionBuckets > 0 && maxRelativePositions <= positionBuckets / 2 + 1) {
            throw new IllegalArgumentException("maxRelativePositions = " + maxRelativePositions + " must be > positionBuckets / 2 + 1 = "
                    + (positionBuckets / 2 + 1) + " (the log buckets divide by log((maxRelativePositions − 1) / mid))");
        }
        int span = positionBuckets > 0 ? positionBuckets : maxRelativePositions;
        int rows = Checks.product(2, "2", span, positionBuckets > 0 ? "positionBuckets" : "maxRelativePositions");
        int size = Checks.product(heads, "heads", rows, "2·span", headDim, "headDim");
        return new DebertaPositions(heads, headDim, positionBuckets, maxRelativePositions,
                copy(keyTable, "keyTable", keyOffset, size), copy(queryTable, "queryTable", queryOffset, size));
    }

    private static float[] copy(float[] table, String name, int offset, int size) {
        Checks.fits(table, name, offset, size, "heads × 2·span × headDim");
        float[] copy = new float[size];
        System.arraycopy(table, offset, copy, 0, size);
        return copy;
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return headDim;
    }

    public int positionBuckets() {
        return positionBuckets;
    }

    public int maxRelativePositions() {
        return maxRelativePositions;
    }

    /** The attention span: half the rows of each head's table. */
    public int span() {
        return span;
    }

    /**
     * HF's {@code make_log_bucket_position} of the relative position r (query minus key), in float32 as
     * HF computes it, not clamped; r itself without buckets.
     */
    public long bucket(long r) {
        if (positionBuckets == 0) {
            return r;
        }
        int mid = positionBuckets / 2;
        long a = r < mid && r > -mid ? mid - 1 : r == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(r);
        if (a <= mid) {
            return r;
        }
        float logRatio = (float) Math.log((float) a / (float) mid);
        float logMax = (float) Math.log((float) ((maxRelativePositions - 1) / (double) mid));
        float magnitude = (float) Math.ceil(logRatio / logMax * (float) (mid - 1)) + mid;
        return Long.signum(r) * (long) magnitude;
    }

    /** {@code c(p, t) = clamp(bucket(p − t) + span, 0, 2·span − 1)}. */
    public int index(int queryPosition, int keyPosition) {
        long c = bucket((long) queryPosition - keyPosition) + span;
        return (int) Math.max(0, Math.min(2L * span - 1, c));
    }

    /** {@code Kr_h[index, column]}. */
    public float keyEmbedding(int head, int index, int column) {
        return keyTable[at(head, index, column)];
    }

    /** {@code Qr_h[index, column]}. */
    public float queryEmbedding(int head, int index, int column) {
        return queryTable[at(head, index, column)];
    }

    private int at(int head, int index, int column) {
        return (Checks.index(head, heads, "head") * 2 * span + Checks.index(index, 2 * span, "index")) * headDim
                + Checks.index(column, headDim, "column");
    }

    /** {@code q·Kr_h[c(p, t)] + k·Qr_h[c(p, t)]} (before the scale), accumulated in double. */
    @Override
    public double logitTerm(int head, int queryPosition, int keyPosition, float[] q, int qAt, float[] k, int kAt) {
        int row = (head * 2 * span + index(queryPosition, keyPosition)) * headDim;
        double sum = 0;
        for (int c = 0; c < headDim; c++) {
            sum += (double) q[qAt + c] * keyTable[row + c] + (double) k[kAt + c] * queryTable[row + c];
        }
        return sum;
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (heads != this.heads || headDim != this.headDim) {
            throw new IllegalArgumentException("DebertaPositions has heads = " + this.heads + " and headDim = " + this.headDim
                    + " but attention has heads = " + heads + " and headDim = " + headDim);
        }
    }

    @Override
    public String toString() {
        return "DebertaPositions[heads=" + heads + ", headDim=" + headDim + ", positionBuckets=" + positionBuckets
                + ", maxRelativePositions=" + maxRelativePositions + "]";
    }
}
