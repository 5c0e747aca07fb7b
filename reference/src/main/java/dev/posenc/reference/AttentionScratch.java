package dev.posenc.reference;

import dev.posenc.attention.AttentionWorkspace;

/**
 * What an attention implementation keeps in an {@link AttentionWorkspace}: the resolved call and the
 * buffers of rows computed exactly ({@link ReferenceAttention#row}). Implementations that need more
 * extend it. Arrays grow (and so allocate) only when a call needs more than an earlier one did.
 * Thread-confined like its workspace.
 */
public class AttentionScratch {
    private final AttentionCall call = new AttentionCall();
    private final int keyTile;
    private double[] scores = new double[0];
    private double[] sums = new double[0];
    private float[] keyRow = new float[0];

    /** The scratch of {@code workspace}, with its key tile. */
    public AttentionScratch(AttentionWorkspace workspace) {
        this.keyTile = workspace.keyTile();
    }

    /** The call this workspace resolves. */
    public final AttentionCall call() {
        return call;
    }

    /** The keys per tile the workspace asks for, or 0 for the kernel's default. */
    public final int keyTile() {
        return keyTile;
    }

    /** One row of at least {@code keys} logits (contents unspecified). */
    final double[] scores(int keys) {
        if (scores.length < keys) {
            scores = new double[keys];
        }
        return scores;
    }

    /** One row of at least {@code valueDim} weighted sums (contents unspecified). */
    final double[] sums(int valueDim) {
        if (sums.length < valueDim) {
            sums = new double[valueDim];
        }
        return sums;
    }

    /** A copy of the key row of position {@code position} and kv head {@code kvHead} of a cache call, from index 0. */
    final float[] keyRow(AttentionCall call, int position, int kvHead) {
        int d = call.headDim();
        if (keyRow.length < d) {
            keyRow = new float[d];
        }
        for (int c = 0; c < d; c++) {
            keyRow[c] = call.key(position, kvHead, c);
        }
        return keyRow;
    }
}
