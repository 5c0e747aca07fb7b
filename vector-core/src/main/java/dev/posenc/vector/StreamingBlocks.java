package dev.posenc.vector;

import dev.posenc.internal.AttentionScratch;
import java.util.Arrays;

/**
 * The blocks of one workspace (kept in its scratch, so calls allocate nothing once they exist): one
 * for ordinary work items, several when a work item advances the blocks of neighbouring kv heads
 * tile by tile together (decode), all sharing one {@link TilePacks}.
 */
final class StreamingBlocks {
    private final TilePacks packs = new TilePacks();
    private StreamingBlock[] blocks = new StreamingBlock[0];

    /** The blocks of a workspace. */
    static StreamingBlocks of(AttentionScratch scratch) {
        return scratch.kernelState(StreamingBlocks.class, StreamingBlocks::new);
    }

    /** Block {@code i}, made on first use. */
    StreamingBlock get(int i) {
        if (i >= blocks.length) {
            blocks = Arrays.copyOf(blocks, i + 1);
        }
        if (blocks[i] == null) {
            blocks[i] = new StreamingBlock(packs);
        }
        return blocks[i];
    }
}
