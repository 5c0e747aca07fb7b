package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * Chunked local attention (Llama 4's {@code attention_chunk_size} C, 8192 in Llama 4 Scout and
 * Maverick, on its RoPE layers): positions are cut into chunks {@code [k·C, (k + 1)·C)} and a query sees
 * only the keys of its own chunk, causally,
 * <pre>  t ≤ p  and  ⌊t / C⌋ = ⌊p / C⌋,   that is  firstVisibleKey(p) = ⌊p / C⌋·C</pre>
 * This matches HF {@code masking_utils.chunked_overlay} and'ed with {@code causal_mask_function}
 * ({@code kv_idx // chunk_size == q_idx // chunk_size}, without left padding; older releases:
 * {@code Llama4TextModel.create_chunked_attention_mask}). Keys before the chunk are never read, so a
 * chunked call costs at most C keys per query. It requires a causal mask. Immutable and thread-safe.
 */
public final class ChunkedAttention implements PositionScheme {
    private final int chunkSize;

    private ChunkedAttention(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** @param chunkSize C > 0 */
    public static ChunkedAttention of(int chunkSize) {
        return new ChunkedAttention(Checks.positive(chunkSize, "chunkSize"));
    }

    /** C. */
    public int chunkSize() {
        return chunkSize;
    }

    /** {@code ⌊p / C⌋·C}, the first position of the query's chunk. */
    @Override
    public int firstVisibleKey(int queryPosition) {
        return (int) ((long) Math.floorDiv(queryPosition, chunkSize) * chunkSize);
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (!causal) {
            throw new IllegalArgumentException("ChunkedAttention needs a causal mask, but attention has causal = false");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkedAttention c && c.chunkSize == chunkSize;
    }

    @Override
    public int hashCode() {
        return chunkSize;
    }

    @Override
    public String toString() {
        return "ChunkedAttention[chunkSize=" + chunkSize + "]";
    }
}
