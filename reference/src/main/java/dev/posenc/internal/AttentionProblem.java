package dev.posenc.internal;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.CausalMask;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.PositionBias;
import dev.posenc.bias.RelativeBias;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.bias.TransformerXlPositions;

/**
 * One attention call, resolved for kernels: sizes, strides, where each query sits, which keys its
 * causal mask and window leave visible, and the position scheme by kind. Filled by {@link #set}
 * after the arguments were checked; read-only while the kernel runs (workers of a parallel call
 * share it). Reusable: a workspace keeps one, so a call allocates nothing.
 */
public final class AttentionProblem {
    public int heads, kvHeads, group, headDim, valueDim, queries, keys, window;
    /** Incremented by every {@link #set}: lets a kernel tell a new call from the one it cached data for. */
    public long serial;
    /** The first and one past the last key any query row of the call may see (causal mask and window). */
    public int callFirstKey, callEndKey;
    public double scale, softCap;
    public boolean causal;
    /** Explicit query positions, or {@code null} for {@code firstPosition + i}. */
    public Positions positions;
    public int firstPosition;
    public float[] q, k, v, out;
    public int qOffset, kOffset, vOffset, outOffset;
    public int qStride, kStride, vStride, outStride;
    /** The per-call dense bias or mask, or {@code null}. */
    public DenseData dense;
    /** The position scheme by kind; at most one is non-null ({@code relative} with alibi or t5). */
    public RelativeBias relative;
    public AlibiBias alibi;
    public T5RelativeBias t5;
    public ShawRelativePositions shaw;
    public TransformerXlPositions xl;

    /** Resolves a checked call. */
    public AttentionProblem set(AttentionOptions o, int queries, int keys, Positions positions, DenseBias dense,
                                float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                                float[] out, int outOffset) {
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
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.qOffset = qOffset;
        this.kOffset = kOffset;
        this.vOffset = vOffset;
        this.outOffset = outOffset;
        qStride = heads * headDim;
        kStride = kvHeads * headDim;
        vStride = kvHeads * valueDim;
        outStride = heads * valueDim;
        this.dense = dense == null ? null : SharedState.of(dense, DenseData.class);
        PositionBias bias = o.bias();
        relative = bias instanceof RelativeBias r ? r : null;
        alibi = bias instanceof AlibiBias a ? a : null;
        t5 = bias instanceof T5RelativeBias t ? t : null;
        shaw = bias instanceof ShawRelativePositions s ? s : null;
        xl = bias instanceof TransformerXlPositions x ? x : null;
        callFirstKey = keys;
        callEndKey = 0;
        for (int i = 0; i < queries; i++) {
            int p = position(i);
            if (endKey(p) > firstKey(p)) {
                callFirstKey = Math.min(callFirstKey, firstKey(p));
                callEndKey = Math.max(callEndKey, endKey(p));
            }
        }
        serial++;
        return this;
    }

    /** The position of query row {@code row}. */
    public int position(int row) {
        return positions == null ? firstPosition + row : positions.at(row);
    }

    /** The first key the causal mask and window leave visible to a query at {@code position}. */
    public int firstKey(int position) {
        return window < 0 ? 0 : (int) Math.max(0, (long) position - window);
    }

    /** One past the last key the causal mask and window leave visible to a query at {@code position}. */
    public int endKey(int position) {
        long end = causal ? (long) position + 1 : window < 0 ? keys : (long) position + window + 1;
        return (int) Math.max(0, Math.min(keys, end));
    }

    /** Where row {@code row} of query head {@code head} starts in {@link #q}. */
    public int qAt(int row, int head) {
        return qOffset + row * qStride + head * headDim;
    }

    /** Where key row {@code key} of kv head {@code kvHead} starts in {@link #k}. */
    public int kAt(int key, int kvHead) {
        return kOffset + key * kStride + kvHead * headDim;
    }

    /** Where value row {@code key} of kv head {@code kvHead} starts in {@link #v}. */
    public int vAt(int key, int kvHead) {
        return vOffset + key * vStride + kvHead * valueDim;
    }

    /** Where output row {@code row} of head {@code head} starts in {@link #out}. */
    public int outAt(int row, int head) {
        return outOffset + row * outStride + head * valueDim;
    }

    /** Where the dense bias row of query row {@code row} and head {@code head} starts. */
    public int denseAt(int row, int head) {
        return dense.offset() + ((dense.shared() ? 0 : head) * queries + row) * keys;
    }
}
