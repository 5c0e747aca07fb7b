package dev.posenc.reference;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.CausalMask;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.PositionScheme;

/**
 * One attention call as the kernels read it, resolved once after its arguments were checked: the
 * options, where each query row sits, which keys its causal mask and window leave visible, and where
 * each head's rows are in q, k, v and out. Written by {@link WorkItemAttention} when a call starts and
 * read-only while it runs (the workers of a parallel call share it). Kept in the workspace's
 * {@link AttentionScratch}, so a call allocates nothing.
 */
public final class AttentionCall {
    private AttentionOptions options;
    private PositionScheme scheme;
    private int heads;
    private int kvHeads;
    private int group;
    private int headDim;
    private int valueDim;
    private double scale;
    private double softCap;
    private boolean causal;
    private int window;
    private int queries;
    private int keys;
    private Positions positions;
    private int firstPosition;
    private DenseBias dense;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private int qOffset;
    private int kOffset;
    private int vOffset;
    private int outOffset;
    private int callFirstKey;
    private int callEndKey;
    private int maxDistance;
    private long serial;

    /** Resolves a checked call. */
    AttentionCall set(AttentionOptions o, int queries, int keys, Positions positions, DenseBias dense, float[] q,
                      int qOffset, float[] k, int kOffset, float[] v, int vOffset, float[] out, int outOffset) {
        options = o;
        scheme = o.scheme();
        heads = o.heads();
        kvHeads = o.kvHeads();
        group = o.group();
        headDim = o.headDim();
        valueDim = o.valueDim();
        scale = o.scale();
        softCap = o.softCap();
        causal = o.causal() != CausalMask.NONE;
        window = o.window();
        this.queries = queries;
        this.keys = keys;
        this.positions = positions;
        firstPosition = o.causal() == CausalMask.BOTTOM_RIGHT ? keys - queries : 0;
        this.dense = dense;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.qOffset = qOffset;
        this.kOffset = kOffset;
        this.vOffset = vOffset;
        this.outOffset = outOffset;
        callFirstKey = keys;
        callEndKey = 0;
        maxDistance = 0;
        for (int i = 0; i < queries; i++) {
            int p = position(i);
            if (endKey(p) > firstKey(p)) {
                callFirstKey = Math.min(callFirstKey, firstKey(p));
                callEndKey = Math.max(callEndKey, endKey(p));
                maxDistance = Math.max(maxDistance, Math.max(Math.abs(firstKey(p) - p), Math.abs(endKey(p) - 1 - p)));
            }
        }
        serial++;
        return this;
    }

    /** The options of the call. */
    public AttentionOptions options() {
        return options;
    }

    /** The position scheme, or {@code null}. */
    public PositionScheme scheme() {
        return scheme;
    }

    /** The scheme's {@code τ(p)} (1 without a scheme). */
    public double queryScale(int position) {
        return scheme == null ? 1 : scheme.queryScale(position);
    }

    /** The scheme's {@code σ_h} (−∞ without a scheme). */
    public double sinkLogit(int head) {
        return scheme == null ? Double.NEGATIVE_INFINITY : scheme.sinkLogit(head);
    }

    /** The per-call dense bias or mask, or {@code null}. */
    public DenseBias dense() {
        return dense;
    }

    public int heads() {
        return heads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    /** Query heads per kv head. */
    public int group() {
        return group;
    }

    public int headDim() {
        return headDim;
    }

    public int valueDim() {
        return valueDim;
    }

    public double scale() {
        return scale;
    }

    /** The soft cap, or 0. */
    public double softCap() {
        return softCap;
    }

    public int queries() {
        return queries;
    }

    public int keys() {
        return keys;
    }

    /** Changes with every call that uses this object: lets a kernel tell a new call from the one it cached data for. */
    public long serial() {
        return serial;
    }

    /** The position of query row {@code row}. */
    public int position(int row) {
        return positions == null ? firstPosition + row : positions.at(row);
    }

    /** The first key the causal mask, window and scheme leave visible to a query at {@code position}. */
    public int firstKey(int position) {
        int first = window < 0 ? 0 : (int) Math.max(0, (long) position - window);
        return scheme == null ? first : Math.max(first, scheme.firstVisibleKey(position));
    }

    /** One past the last key the causal mask and window leave visible to a query at {@code position}. */
    public int endKey(int position) {
        long end = causal ? (long) position + 1 : window < 0 ? keys : (long) position + window + 1;
        return (int) Math.max(0, Math.min(keys, end));
    }

    /** The first key any query row of the call may see (its keys before are never read). */
    public int callFirstKey() {
        return callFirstKey;
    }

    /** One past the last key any query row of the call may see. */
    public int callEndKey() {
        return callEndKey;
    }

    /** The largest distance {@code |j − p|} between a query and a key it may see (0 when none sees any). */
    public int maxDistance() {
        return maxDistance;
    }

    public float[] q() {
        return q;
    }

    public float[] k() {
        return k;
    }

    public float[] v() {
        return v;
    }

    public float[] out() {
        return out;
    }

    /** Floats between consecutive key rows (and key tokens) of one kv head. */
    public int kStride() {
        return kvHeads * headDim;
    }

    /** Floats between consecutive value rows of one kv head. */
    public int vStride() {
        return kvHeads * valueDim;
    }

    /** Where row {@code row} of query head {@code head} starts in {@link #q()}. */
    public int qAt(int row, int head) {
        return qOffset + (row * heads + head) * headDim;
    }

    /** Where key row {@code key} of kv head {@code kvHead} starts in {@link #k()}. */
    public int kAt(int key, int kvHead) {
        return kOffset + (key * kvHeads + kvHead) * headDim;
    }

    /** Where value row {@code key} of kv head {@code kvHead} starts in {@link #v()}. */
    public int vAt(int key, int kvHead) {
        return vOffset + (key * kvHeads + kvHead) * valueDim;
    }

    /** Where output row {@code row} of head {@code head} starts in {@link #out()}. */
    public int outAt(int row, int head) {
        return outOffset + (row * heads + head) * valueDim;
    }
}
