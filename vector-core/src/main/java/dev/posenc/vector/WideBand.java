package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;

/**
 * Up to {@value #BLOCKS} {@link WideBlock}s of one kv head that walk its keys together: tile by tile, each
 * block takes the tile's keys it may see, so that the tile's key and value rows are packed once for all of them
 * ({@link TilePacks}) and stay in L1/L2 while they are used. Each block's arithmetic is what it would be alone —
 * the same tiles, runs and order — so a result does not depend on the band it was computed in.
 */
final class WideBand {
    /** Blocks per band at most. */
    static final int BLOCKS = 8;
    /**
     * What the band's blocks may keep between two tiles (Qᵀ, Oᵀ and its compensation: {@link WideBlock#ENTRIES}
     * {@code × (headDim + 2·valueDim)} floats each), so that it stays in a 2 MiB L2 beside the packed tile and the
     * logits: 5 blocks of 128 entries × 128 at 512- and 256-bit vectors, 8 of 64 at 128 bits.
     */
    static final long BYTES = 1 << 20;

    private final WideBlock[] blocks = new WideBlock[BLOCKS];
    private final TilePacks packs = new TilePacks();

    WideBand() {
        for (int b = 0; b < BLOCKS; b++) {
            blocks[b] = new WideBlock();
        }
    }

    /**
     * Computes and writes {@code count} blocks of kv head {@code kvHead}: block {@code i} holds
     * {@code heads} heads of its group from {@code h0 + (first + i) / rowBlocks · heads} and {@code rows} query
     * rows from {@code (first + i) % rowBlocks · rows} ({@code rowBlocks} of them per head range).
     */
    void run(AttentionCall call, int kvHead, int first, int count, int heads, int rows, VectorScratch scratch) {
        int tile = scratch.tile();
        int groupEnd = (kvHead + 1) * call.group();
        int rowBlocks = (call.queries() + rows - 1) / rows;
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        for (int i = 0; i < count; i++) {
            int h0 = kvHead * call.group() + (first + i) / rowBlocks * heads;
            int r0 = (first + i) % rowBlocks * rows;
            WideBlock block = blocks[i];
            if (block.start(call, h0, Math.min(h0 + heads, groupEnd), r0, Math.min(r0 + rows, call.queries()), scratch)
                    && block.entries.lo < block.entries.hi) {
                lo = Math.min(lo, block.entries.firstTile(tile));
                hi = Math.max(hi, block.entries.hi);
            }
        }
        for (int t = lo; t < hi; t += tile) {
            int limit = 0;
            for (int i = 0; i < count; i++) {
                if (blocks[i].walks(t, tile)) {
                    limit = Math.max(limit, Math.min(t + tile, blocks[i].entries.hi));
                }
            }
            packs.startTile(limit);
            for (int i = 0; i < count; i++) {
                if (blocks[i].walks(t, tile)) {
                    blocks[i].tile(call, kvHead, t, tile, packs, scratch);
                }
            }
        }
        for (int i = 0; i < count; i++) {
            blocks[i].finish(call);
        }
    }
}
