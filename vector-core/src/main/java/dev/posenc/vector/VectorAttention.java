package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import dev.posenc.reference.WorkItemAttention;

/**
 * Fused, tiled, streaming attention (FlashAttention-2's algorithm on the CPU). A call is cut into
 * work items, each a block of entries sharing one kv head (see the package's vocabulary):
 * <ul>
 *   <li>decode, when the rows of a whole group fit one vector: a {@link NarrowBlock} over up to
 *       {@value NarrowBlock#KV_HEADS} neighbouring kv heads, so that the KV cache is read once; a parallel
 *       call splits the kv heads evenly between its workers (8 kv heads, 2 workers: 4 each);
 *   <li>otherwise a {@link WideBand} of up to {@value WideBand#BLOCKS} neighbouring {@link WideBlock}s of one kv
 *       head (as many as keep their state in L2), each of up to {@link WideBlock#ENTRIES} entries: that many
 *       consecutive rows of one head, or, with fewer queries, every row of as many heads of the group as fit,
 *       so that each key and value row is read once for all of them; fewer blocks per band when that leaves a
 *       worker of a parallel call idle.
 * </ul>
 *
 * <p>Rounding: a logit's dot products err by at most {@code γ_{d+6}·s·Σ|q_c k_c|} and never by more
 * than 2⁻⁷ (blocks that could are computed in double, {@link LogitGuard}); the bias adds
 * {@code 4u·|bias|} and a soft cap {@code 4u·cap}; the softmax and the output sums add
 * {@code (4n + 2m + 16)·u} relative over n visible keys (m Shaw value embeddings). See
 * {@code AttentionOracle} in the conformance kit, which tests exactly this. Results do not depend on
 * the number of threads, nor on how warm the JIT is.
 */
final class VectorAttention extends WorkItemAttention<VectorScratch> {

    VectorAttention() {
        super(VectorScratch.class, VectorScratch::new);
    }

    @Override
    protected int items(AttentionCall call) {
        if (decode(call)) {
            return ceilDiv(call.kvHeads(), kvHeadsPerItem(call));
        }
        return call.kvHeads() * ceilDiv(blocksPerKvHead(call), blocksPerBand(call));
    }

    /**
     * Item → (kv head, its blocks), kv-head-major; a kv head's blocks by head, then row. In decode, kv
     * heads.
     */
    @Override
    protected void run(AttentionCall call, int item, VectorScratch scratch) {
        if (decode(call)) {
            int g0 = item * kvHeadsPerItem(call);
            scratch.narrow.run(call, g0, Math.min(call.kvHeads(), g0 + kvHeadsPerItem(call)), scratch);
            return;
        }
        int perKvHead = blocksPerKvHead(call);
        int band = blocksPerBand(call);
        int bands = ceilDiv(perKvHead, band);
        int first = item % bands * band;
        scratch.wide.run(call, item / bands, first, Math.min(band, perKvHead - first), headsPerBlock(call), rowsPerBlock(call), scratch);
    }

    /** Decode: every query row of a whole group fits one vector. */
    private static boolean decode(AttentionCall call) {
        return (long) call.queries() * call.group() <= Lanes.FLOAT.length();
    }

    /** Decode's kv heads per item: up to a narrow block's, fewer when that leaves a worker of a parallel call idle. */
    private static int kvHeadsPerItem(AttentionCall call) {
        return Math.min(NarrowBlock.KV_HEADS, ceilDiv(call.kvHeads(), call.workers()));
    }

    /** A kv head's wide blocks. */
    private static int blocksPerKvHead(AttentionCall call) {
        return ceilDiv(call.group(), headsPerBlock(call)) * ceilDiv(call.queries(), rowsPerBlock(call));
    }

    /**
     * Wide blocks per band: up to a band's (as many as {@link WideBand#BYTES} holds), fewer when that leaves a
     * worker of a parallel call idle.
     */
    private static int blocksPerBand(AttentionCall call) {
        int perKvHead = blocksPerKvHead(call);
        long blockBytes = (long) Float.BYTES * WideBlock.ENTRIES * (call.headDim() + 2L * call.valueDim());
        int fit = (int) Math.max(1, Math.min(WideBand.BLOCKS, WideBand.BYTES / blockBytes));
        return Math.min(Math.min(fit, perKvHead), ceilDiv(call.kvHeads() * perKvHead, call.workers()));
    }

    /** Rows per block: all of them when fewer than a block's width, else a block's width. */
    private static int rowsPerBlock(AttentionCall call) {
        return Math.min(call.queries(), WideBlock.ENTRIES);
    }

    /** Heads of a group per block: as many as fit beside the rows. */
    private static int headsPerBlock(AttentionCall call) {
        return Math.max(1, Math.min(call.group(), WideBlock.ENTRIES / rowsPerBlock(call)));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
