package dev.posenc.reference;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.CausalMask;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvPrecision;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.PositionScheme;
import java.lang.foreign.MemorySegment;

/**
 * One attention call as the kernels read it, resolved once after its arguments were checked: the
 * options, where each query row sits, which keys its causal mask and window leave visible, and where
 * each head's rows are in q, k, v and out. Written by {@link WorkItemAttention} when a call starts and
 * read-only while it runs (the workers of a parallel call share it). Kept in the workspace's
 * {@link AttentionScratch}, so a call allocates nothing.
 *
 * <p>Keys and values come from float arrays ({@link #k()}, {@link #v()}) or from a {@link KvCache}.
 * Either way they are also a source of rows in memory for the kernels that read them in place:
 * {@link #keyRows()} and {@link #valueRows()} in the call's {@link #precision()}, the row of the key at
 * position t and kv head g at byte {@link #keyAt}{@code (t, g)}. Rows of consecutive positions are
 * {@link #keyRowBytes()} apart up to {@link #runEnd}, where a ring cache wraps to its first row. The
 * segment of an array form is made when the call brings another array than the previous call of this
 * workspace did (one small object), so that repeated calls over the same arrays allocate nothing.
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
    private int workers = 1;
    private KvCache cache;
    private KvPrecision precision;
    private MemorySegment keyRows;
    private MemorySegment valueRows;
    private short[] keyHalves;
    private short[] valueHalves;
    private long keyBase;
    private long valueBase;
    private int ring;
    private float[] kWrapped;
    private float[] vWrapped;
    private MemorySegment kSegment;
    private MemorySegment vSegment;

    /** Resolves a checked call over float arrays. */
    AttentionCall set(AttentionOptions o, int queries, int keys, Positions positions, DenseBias dense, float[] q,
                      int qOffset, float[] k, int kOffset, float[] v, int vOffset, float[] out, int outOffset) {
        if (k != kWrapped) {
            kWrapped = k;
            kSegment = MemorySegment.ofArray(k);
        }
        if (v != vWrapped) {
            vWrapped = v;
            vSegment = MemorySegment.ofArray(v);
        }
        cache = null;
        precision = KvPrecision.F32;
        keyRows = kSegment;
        valueRows = vSegment;
        keyHalves = null;
        valueHalves = null;
        keyBase = (long) kOffset * Float.BYTES;
        valueBase = (long) vOffset * Float.BYTES;
        ring = 0;
        return resolve(o, queries, keys, positions, dense, q, qOffset, k, kOffset, v, vOffset, out, outOffset);
    }

    /** Resolves a checked call over a cache's positions {@code [0, nextPosition())}. */
    AttentionCall set(AttentionOptions o, int queries, Positions positions, DenseBias dense, float[] q, int qOffset,
                      KvCache cache, float[] out, int outOffset) {
        this.cache = cache;
        precision = cache.spec().precision();
        keyRows = cache.keys();
        valueRows = cache.values();
        keyHalves = cache.keyHalves();
        valueHalves = cache.valueHalves();
        keyBase = 0;
        valueBase = 0;
        ring = cache.spec().ring() ? cache.spec().capacity() : 0;
        return resolve(o, queries, cache.nextPosition(), positions, dense, q, qOffset, null, 0, null, 0, out, outOffset);
    }

    private AttentionCall resolve(AttentionOptions o, int queries, int keys, Positions positions, DenseBias dense,
                                  float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset, float[] out,
                                  int outOffset) {
        options = o;
        scheme = o.scheme();
        heads = o.heads();
        kvHeads = o.kvHeads();
        group = o.group();
        headDim = o.headDim();
        valueDim = o.valueDim();
        scale = o.scale();
        softCap = o.softCap();
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

    /**
     * How many workers share the call: 1, or the number of workspaces of a parallel call. A kernel may cut its
     * work items finer for them; the results must not depend on it.
     */
    public int workers() {
        return workers;
    }

    /** Sets {@link #workers()} for the call just resolved. */
    AttentionCall sharedBy(int workers) {
        this.workers = workers;
        return this;
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
        return options.firstVisibleKey(position);
    }

    /** One past the last key the causal mask and window leave visible to a query at {@code position}. */
    public int endKey(int position) {
        return options.endVisibleKey(position, keys);
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

    /** The key array of an array call, or {@code null} when the keys are a cache's. */
    public float[] k() {
        return k;
    }

    /** The value array of an array call, or {@code null} when the values are a cache's. */
    public float[] v() {
        return v;
    }

    /** The cache the keys and values come from, or {@code null} for arrays. */
    public KvCache cache() {
        return cache;
    }

    /** The element type of {@link #keyRows()} and {@link #valueRows()}: F32 for arrays. */
    public KvPrecision precision() {
        return precision;
    }

    /** The memory holding the key rows (the key array, or the cache's keys), read-only. */
    public MemorySegment keyRows() {
        return keyRows;
    }

    /** The memory holding the value rows, read-only. */
    public MemorySegment valueRows() {
        return valueRows;
    }

    /** The heap array behind {@link #keyRows()} in F16 or BF16 ({@link KvCache#keyHalves()}), or {@code null}. */
    public short[] keyHalves() {
        return keyHalves;
    }

    /** As {@link #keyHalves()} for {@link #valueRows()}. */
    public short[] valueHalves() {
        return valueHalves;
    }

    /** The row of storage holding key position {@code position}: itself, or its place in a ring. */
    public int slot(int position) {
        return ring == 0 ? position : position % ring;
    }

    /**
     * One past the last position from {@code position} on whose rows follow one another in storage (a
     * ring wraps to its first row at multiples of its capacity); {@link Integer#MAX_VALUE} when they all do.
     */
    public int runEnd(int position) {
        return ring == 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, ((long) position / ring + 1) * ring);
    }

    /** Byte offset in {@link #keyRows()} of the key row of position {@code position} and kv head {@code kvHead}. */
    public long keyAt(int position, int kvHead) {
        return keyBase + ((long) slot(position) * kvHeads + kvHead) * headDim * precision.bytes();
    }

    /** Byte offset in {@link #valueRows()} of the value row of position {@code position} and kv head {@code kvHead}. */
    public long valueAt(int position, int kvHead) {
        return valueBase + ((long) slot(position) * kvHeads + kvHead) * valueDim * precision.bytes();
    }

    /** Bytes between the key rows of consecutive positions of one kv head (within a run). */
    public long keyRowBytes() {
        return (long) kvHeads * headDim * precision.bytes();
    }

    /** Bytes between the value rows of consecutive positions of one kv head (within a run). */
    public long valueRowBytes() {
        return (long) kvHeads * valueDim * precision.bytes();
    }

    /**
     * The squared norms of the cache's key rows, {@code [capacity × kvHeads]} floats read-only
     * ({@code slot × kvHeads + kvHead}), or {@code null} for arrays.
     */
    public MemorySegment keyNorms() {
        return cache == null ? null : cache.keyNorms();
    }

    /**
     * Which of the cache's rows hold a subnormal element ({@link KvCache#subnormalRows()}: {@code [capacity × kvHeads]}
     * bytes by {@code slot × kvHeads + kvHead}), or {@code null} for arrays.
     */
    public MemorySegment subnormalRows() {
        return cache == null ? null : cache.subnormalRows();
    }

    /** The largest position the call's cache holds a NaN or infinity at, or −1 (and −1 for arrays). */
    public int lastNonFinite() {
        return cache == null ? -1 : cache.lastNonFinitePosition();
    }

    /** Key element {@code column} of kv head {@code kvHead} at position {@code position}, as a float. */
    public float key(int position, int kvHead, int column) {
        return k != null ? k[kAt(position, kvHead) + column] : precision.read(keyRows, keyAt(position, kvHead) + (long) column * precision.bytes());
    }

    /** Value element {@code column} of kv head {@code kvHead} at position {@code position}, as a float. */
    public float value(int position, int kvHead, int column) {
        return v != null ? v[vAt(position, kvHead) + column] : precision.read(valueRows, valueAt(position, kvHead) + (long) column * precision.bytes());
    }


    public float[] out() {
        return out;
    }

    /** Where row {@code row} of query head {@code head} starts in {@link #q()}. */
    public int qAt(int row, int head) {
        return qOffset + (row * heads + head) * headDim;
    }

    /** Floats between consecutive key rows of one kv head in {@link #k()} (array calls; a cache's rows are {@link #keyRowBytes()} apart). */
    public int kStride() {
        return kvHeads * headDim;
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
