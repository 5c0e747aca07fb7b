package dev.posenc.vector;

import dev.posenc.internal.AttentionProblem;
import dev.posenc.internal.AttentionScratch;
import dev.posenc.internal.WorkItemAttention;

/**
 * Fused, tiled, streaming attention (FlashAttention-2's algorithm on the CPU): the work is cut into
 * blocks of (head, query row) entries that share a kv head, each computed by a {@link StreamingBlock}
 * over tiles of keys with an online softmax. With at least {@link StreamingBlock#WIDTH} queries a
 * block is that many consecutive rows of one head; with fewer (decode) it is every row of as many
 * heads of the group as fit, so each key and value row is read once for all of them.
 *
 * <p>Rounding: logits err by at most {@code γ_{d+6}·s·Σ|q_c k_c|} (plus {@code 4u·|bias|}, and
 * {@code 4u·cap} under a soft cap), and never by more than 2⁻⁷ (blocks that could are computed in
 * double); the softmax and output sums add {@code (4n + 16)·u} relative over n visible keys (see
 * {@code AttentionOracle} in the conformance kit). Results do not depend on the number of threads.
 */
final class VectorAttention extends WorkItemAttention {

    @Override
    protected int items(AttentionProblem p) {
        return p.kvHeads * ceilDiv(p.group, headsPerBlock(p)) * ceilDiv(p.queries, rowsPerBlock(p));
    }

    /** Item → (kv head, heads of its group, rows), in kv-head-major, then head, then row order. */
    @Override
    protected void run(AttentionProblem p, int item, AttentionScratch scratch) {
        int rows = rowsPerBlock(p);
        int heads = headsPerBlock(p);
        int rowBlocks = ceilDiv(p.queries, rows);
        int perKvHead = ceilDiv(p.group, heads) * rowBlocks;
        int kvHead = item / perKvHead;
        int h0 = kvHead * p.group + item % perKvHead / rowBlocks * heads;
        int r0 = item % rowBlocks * rows;
        StreamingBlock.of(scratch).run(p, kvHead, h0, Math.min(h0 + heads, (kvHead + 1) * p.group), r0,
                Math.min(r0 + rows, p.queries), scratch.keyTile());
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
