package dev.posenc.vector;

import dev.posenc.internal.AttentionProblem;
import dev.posenc.internal.AttentionScratch;
import dev.posenc.internal.WorkItemAttention;

/**
 * Fused, tiled, streaming attention (FlashAttention-2's algorithm on the CPU): the work is cut into
 * blocks of (head, query row) entries that share a kv head, each computed by a {@link StreamingBlock}
 * over tiles of keys with an online softmax. With at least {@link StreamingBlock#WIDTH} queries a
 * block is that many consecutive rows of one head; with fewer it is every row of as many heads of the
 * group as fit, so each key and value row is read once for all of them. In decode (the rows of a
 * whole group fit one vector) a work item advances the narrow blocks of up to eight kv heads a few
 * keys at a time, reading the KV cache once, as a few sequential streams.
 *
 * <p>Rounding: a logit's dot products err by at most {@code γ_{d+6}·s·Σ|q_c k_c|} and never by more
 * than 2⁻⁷ (blocks that could are computed in double, {@link LogitGuard}); the bias adds
 * {@code 4u·|bias|} and a soft cap {@code 4u·cap}; the softmax and the output sums add
 * {@code (4n + 2m + 16)·u} relative over n visible keys (m Shaw value embeddings). See
 * {@code AttentionOracle} in the conformance kit, which tests exactly this. Results do not depend on
 * the number of threads, nor on how warm the JIT is.
 */
final class VectorAttention extends WorkItemAttention {

    /** Kv heads a decode work item advances together (their rows of one position are contiguous). */
    private static final int KV_HEADS_PER_DECODE_ITEM = 8;
    /** Decode: keys whose logits, then values, a work item takes across its blocks at a time. */
    private static final int SCORE_KEYS = 2 * NarrowProducts.KEYS;
    private static final int VALUE_KEYS = 8;

    @Override
    protected int items(AttentionProblem p) {
        if (decode(p)) {
            return ceilDiv(p.kvHeads, KV_HEADS_PER_DECODE_ITEM);
        }
        return p.kvHeads * ceilDiv(p.group, headsPerBlock(p)) * ceilDiv(p.queries, rowsPerBlock(p));
    }

    /**
     * Item → (kv head, heads of its group, rows), in kv-head-major, then head, then row order; or, in
     * decode, the blocks of up to eight consecutive kv heads advanced together.
     */
    @Override
    protected void run(AttentionProblem p, int item, AttentionScratch scratch) {
        StreamingBlocks blocks = StreamingBlocks.of(scratch);
        if (decode(p)) {
            runTogether(p, item * KV_HEADS_PER_DECODE_ITEM, Math.min(p.kvHeads, (item + 1) * KV_HEADS_PER_DECODE_ITEM),
                    blocks, scratch.keyTile());
            return;
        }
        int rows = rowsPerBlock(p);
        int heads = headsPerBlock(p);
        int rowBlocks = ceilDiv(p.queries, rows);
        int perKvHead = ceilDiv(p.group, heads) * rowBlocks;
        int kvHead = item / perKvHead;
        int h0 = kvHead * p.group + item % perKvHead / rowBlocks * heads;
        int r0 = item % rowBlocks * rows;
        blocks.get(0).run(p, kvHead, h0, Math.min(h0 + heads, (kvHead + 1) * p.group), r0,
                Math.min(r0 + rows, p.queries), scratch.keyTile());
    }

    /**
     * Decode: the narrow blocks of kv heads {@code [g0, g1)} advanced tile by tile together, each tile's
     * logits and values a few keys at a time across the blocks, so that the rows of a few positions (the
     * kv heads are neighbours in memory) are read one after the other: a few sequential streams through
     * the KV cache, which the hardware prefetchers follow.
     */
    private static void runTogether(AttentionProblem p, int g0, int g1, StreamingBlocks blocks, int tileKeys) {
        int first = Integer.MAX_VALUE;
        int end = 0;
        for (int g = g0; g < g1; g++) {
            StreamingBlock b = blocks.get(g - g0);
            b.begin(p, g, g * p.group, (g + 1) * p.group, 0, p.queries, tileKeys);
            first = Math.min(first, b.firstTile());
            end = Math.max(end, b.endKey());
        }
        int tile = blocks.get(0).tile();
        for (int t = first; t < end; t += tile) {
            for (int g = g0; g < g1; g++) {
                blocks.get(g - g0).beginTile(t);
            }
            int j1 = Math.min(t + tile, end);
            for (int j = Math.max(t, first); j < j1; j += SCORE_KEYS) {
                for (int g = g0; g < g1; g++) {
                    blocks.get(g - g0).scoreKeys(p, j, SCORE_KEYS);
                }
            }
            for (int g = g0; g < g1; g++) {
                blocks.get(g - g0).endScores(p, t);
            }
            for (int j = Math.max(t, first); j < j1; j += VALUE_KEYS) {
                for (int g = g0; g < g1; g++) {
                    blocks.get(g - g0).valueKeys(p, j, VALUE_KEYS);
                }
            }
            for (int g = g0; g < g1; g++) {
                blocks.get(g - g0).endValues(p);
            }
        }
        for (int g = g0; g < g1; g++) {
            blocks.get(g - g0).finish(p);
        }
    }

    /** Decode: every query row of a whole group fits one vector (a narrow block), and there are several kv heads. */
    private static boolean decode(AttentionProblem p) {
        return p.kvHeads > 1 && (long) p.queries * p.group <= Lanes.FLOAT.length();
    }

    /** Rows per block: all of them when fewer than a block's width (decode), else a block's width. */
    private static int rowsPerBlock(AttentionProblem p) {
        return Math.min(p.queries, StreamingBlock.WIDTH);
    }

    /** Heads of a group per block: as many as fit beside the rows. */
    private static int headsPerBlock(AttentionProblem p) {
        return Math.max(1, Math.min(p.group, StreamingBlock.WIDTH / rowsPerBlock(p)));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
