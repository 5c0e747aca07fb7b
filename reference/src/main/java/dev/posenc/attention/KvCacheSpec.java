package dev.posenc.attention;

import dev.posenc.internal.Checks;

/**
 * The shape of a {@link KvCache}: how many token rows it holds, its kv heads, the widths of a key and a
 * value head, the element precision, and whether it is a ring buffer.
 * <pre>
 *   KvCacheSpec.of(4096, 8, 128, KvPrecision.F16)                  // 4096 positions, keys and values 8 × 128
 *   KvCacheSpec.of(4096, 8, 128, KvPrecision.BF16).asRing()        // the last 4096 positions (sliding window)</pre>
 *
 * @param capacity  token rows held, > 0: positions {@code 0 … capacity − 1}, or for a ring the last
 *                  {@code capacity} positions appended
 * @param kvHeads   key/value heads per row, > 0
 * @param headDim   width of a key head, > 0
 * @param valueDim  width of a value head, > 0
 * @param precision the stored element type
 * @param ring      whether appending past the capacity overwrites the oldest row
 */
public record KvCacheSpec(int capacity, int kvHeads, int headDim, int valueDim, KvPrecision precision, boolean ring) {

    /**
     * @throws IllegalArgumentException unless the sizes are positive and a row's keys
     *                                  ({@code kvHeads × headDim}) and values fit an int
     */
    public KvCacheSpec {
        Checks.positive(capacity, "capacity");
        Checks.positive(kvHeads, "kvHeads");
        Checks.product(kvHeads, "kvHeads", Checks.positive(headDim, "headDim"), "headDim");
        Checks.product(kvHeads, "kvHeads", Checks.positive(valueDim, "valueDim"), "valueDim");
        Checks.notNull(precision, "precision");
    }

    /** A cache of positions {@code 0 … capacity − 1} whose values are as wide as its keys. */
    public static KvCacheSpec of(int capacity, int kvHeads, int headDim, KvPrecision precision) {
        return new KvCacheSpec(capacity, kvHeads, headDim, headDim, precision, false);
    }

    /** The same with value heads of width {@code valueDim}. */
    public KvCacheSpec withValueDim(int valueDim) {
        return new KvCacheSpec(capacity, kvHeads, headDim, valueDim, precision, ring);
    }

    /**
     * The same as a ring buffer: it holds the last {@code capacity} positions appended, each new row
     * overwriting the oldest, for sliding-window attention (Mistral, Gemma 2's local layers). Attention
     * over it needs a window that keeps every query's keys inside the ring.
     */
    public KvCacheSpec asRing() {
        return new KvCacheSpec(capacity, kvHeads, headDim, valueDim, precision, true);
    }

    /** Floats in one token row of keys, {@code kvHeads × headDim}. */
    public int keyWidth() {
        return kvHeads * headDim;
    }

    /** Floats in one token row of values, {@code kvHeads × valueDim}. */
    public int valueWidth() {
        return kvHeads * valueDim;
    }

    /** Key elements the cache stores, {@code capacity × kvHeads × headDim}. */
    public long keyElements() {
        return (long) capacity * keyWidth();
    }

    /** Value elements the cache stores, {@code capacity × kvHeads × valueDim}. */
    public long valueElements() {
        return (long) capacity * valueWidth();
    }

    /** Bytes of keys and values together. */
    public long bytes() {
        return (keyElements() + valueElements()) * precision.bytes();
    }
}
