package dev.posenc.vector;

import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.reference.AttentionScratch;

/**
 * What the Vector API attention keeps in a workspace: its blocks (a band of wide ones, a narrow one), the logit guard's cache of key
 * norms, the tables the scheme evaluators derive, and (inherited) the resolved call and the buffers of
 * exact rows. Made on a workspace's first call, so that later calls allocate nothing.
 */
final class VectorScratch extends AttentionScratch {
    /** Keys per tile unless the workspace asks for another size. */
    static final int DEFAULT_TILE = 72;

    final WideBand wide = new WideBand();
    final NarrowBlock narrow = new NarrowBlock();
    final LogitGuard guard = new LogitGuard();
    final SchemeTables tables = new SchemeTables();

    VectorScratch(AttentionWorkspace workspace) {
        super(workspace);
    }

    /** The keys per tile. */
    int tile() {
        return keyTile() == 0 ? DEFAULT_TILE : keyTile();
    }
}
