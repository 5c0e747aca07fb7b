package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * An explicit bias or mask for one attention call, indexed by query row i and key row j (not by
 * position): row-major {@code [heads × queries × keys]}, or {@code [queries × keys]} shared by every
 * head. Use it for what no {@link PositionScheme} expresses: padding masks, document masks, a bias
 * computed elsewhere (HF's additive {@code attention_mask}, PyTorch's {@code attn_mask}).
 * <ul>
 *   <li>{@link #additive}: the value is added to the logit last; {@code −∞} masks the key (any other
 *       non-finite value makes the row NaN, as a NaN or +∞ logit does);
 *   <li>{@link #mask}: {@code true} = the query may attend to the key (PyTorch's boolean
 *       {@code attn_mask} convention).
 * </ul>
 * It combines with the options' causal mask, window and position bias: a key is seen only when
 * every one of them allows it.
 *
 * <p>A view, not a copy: creating one allocates one small object; the kernel reads the caller's
 * array during the call, so do not change it meanwhile. Validated against the call's shape (query
 * and key counts, one or all heads). Kernels read the caller's array in place ({@link #values()},
 * {@link #allowed()}, {@link #rowAt}).
 */
public final class DenseBias {
    /** Exactly one of the two is non-null. */
    private final float[] values;
    private final boolean[] allowed;
    private final int offset;
    private final int heads;
    private final int queries;
    private final int keys;

    private DenseBias(float[] values, boolean[] allowed, int offset, int heads, int queries, int keys) {
        this.values = values;
        this.allowed = allowed;
        this.offset = offset;
        this.heads = heads;
        this.queries = queries;
        this.keys = keys;
    }

    /**
     * An additive bias {@code values[offset …]}, {@code [heads × queries × keys]}.
     *
     * @param heads 1 (shared by every head) or the attention's query head count
     */
    public static DenseBias additive(float[] values, int offset, int heads, int queries, int keys) {
        Checks.fits(values, "values", offset, size(heads, queries, keys), "heads × queries × keys");
        return new DenseBias(values, null, offset, heads, queries, keys);
    }

    /**
     * A boolean mask {@code allowed[offset …]}, {@code [heads × queries × keys]}, {@code true} where
     * the query may attend to the key.
     *
     * @param heads 1 (shared by every head) or the attention's query head count
     */
    public static DenseBias mask(boolean[] allowed, int offset, int heads, int queries, int keys) {
        Checks.notNull(allowed, "allowed");
        int size = size(heads, queries, keys);
        if (offset < 0 || (long) offset + size > allowed.length) {
            throw new IllegalArgumentException("allowed is too short: offset " + offset + " + heads × queries × keys "
                    + size + " = " + ((long) offset + size) + " elements needed, but its length is " + allowed.length);
        }
        return new DenseBias(null, allowed, offset, heads, queries, keys);
    }

    private static int size(int heads, int queries, int keys) {
        Checks.positive(heads, "heads");
        Checks.positive(queries, "queries");
        Checks.positive(keys, "keys");
        return Checks.product(heads, "heads", queries, "queries", keys, "keys");
    }

    /** 1 when shared by every head, else the number of heads. */
    public int heads() {
        return heads;
    }

    /** The number of query rows. */
    public int queries() {
        return queries;
    }

    /** The number of key rows. */
    public int keys() {
        return keys;
    }

    /** Whether this is a boolean mask rather than an additive bias. */
    public boolean isMask() {
        return allowed != null;
    }

    /**
     * What is added to the logit of query row i and key row j in head h: the additive value, or 0
     * (allowed) and −∞ (masked) for a mask. A shared bias ignores {@code head}; the others are indexes,
     * {@code 0 <= head < heads()}, {@code 0 <= query < queries()}, {@code 0 <= key < keys()}.
     */
    public double bias(int head, int query, int key) {
        int at = rowAt(heads == 1 ? 0 : Checks.index(head, heads, "head"), Checks.index(query, queries, "query"))
                + Checks.index(key, keys, "key");
        return isMask() ? (allowed[at] ? 0.0 : Double.NEGATIVE_INFINITY) : values[at];
    }

    /** The caller's array of an additive bias (not a copy), or {@code null} for a mask. */
    public float[] values() {
        return values;
    }

    /** The caller's array of a mask (not a copy), or {@code null} for an additive bias. */
    public boolean[] allowed() {
        return allowed;
    }

    /**
     * Where the row of query row {@code query} of head {@code head} starts in {@link #values()} or
     * {@link #allowed()}: element {@code [head, query, key]} is at {@code rowAt(head, query) + key}
     * (a shared bias ignores {@code head}). Unchecked: for {@code 0 ≤ query < queries()} and a head of
     * the attention.
     */
    public int rowAt(int head, int query) {
        return offset + ((heads == 1 ? 0 : head) * queries + query) * keys;
    }

    /**
     * Requires this bias to fit an attention call.
     *
     * @throws IllegalArgumentException naming the mismatched count
     */
    public void requireShape(int attentionHeads, int attentionQueries, int attentionKeys) {
        if (heads != 1 && heads != attentionHeads) {
            throw new IllegalArgumentException("dense bias heads must be 1 or heads = " + attentionHeads + ", was " + heads);
        }
        if (queries != attentionQueries || keys != attentionKeys) {
            throw new IllegalArgumentException("dense bias is [" + queries + " × " + keys + "] but the call has queries = "
                    + attentionQueries + " and keys = " + attentionKeys);
        }
    }

    @Override
    public String toString() {
        return "DenseBias[" + (isMask() ? "mask" : "additive") + ", heads=" + heads + ", " + queries + " × " + keys + "]";
    }
}
