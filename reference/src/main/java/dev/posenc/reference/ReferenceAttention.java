package dev.posenc.reference;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.bias.DenseBias;
import dev.posenc.internal.AttentionProblem;
import dev.posenc.internal.AttentionScratch;
import dev.posenc.internal.ExactAttention;
import dev.posenc.internal.ParallelWork;
import dev.posenc.internal.SharedState;
import java.util.concurrent.Executor;

/**
 * Attention as the formula reads ({@link ExactAttention}): for every head and query row, the row of
 * logits in double, its softmax, the weighted sum of values, rounded once to float. Materialises one
 * row of {@code keys} doubles at a time (in the workspace); no tiling.
 */
final class ReferenceAttention implements AttentionKernel {
    /** Query rows per work item of the parallel overload. */
    private static final int ROWS_PER_ITEM = 16;
    private static final int SCORES = 0;
    private static final int ACC = 1;

    @Override
    public void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
                       float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                       float[] out, int outOffset, AttentionWorkspace workspace) {
        AttentionKernel.checkArguments(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset, v, vOffset,
                out, outOffset, workspace);
        AttentionScratch scratch = SharedState.of(workspace, AttentionScratch.class);
        AttentionProblem p = scratch.problem().set(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset,
                v, vOffset, out, outOffset);
        for (int item = 0; item < items(p); item++) {
            run(p, item, scratch);
        }
    }

    @Override
    public void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
                       float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                       float[] out, int outOffset, Executor executor, AttentionWorkspace... workspaces) {
        AttentionKernel.checkParallel(executor, workspaces);
        AttentionKernel.checkArguments(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset, v, vOffset,
                out, outOffset, workspaces[0]);
        AttentionScratch[] scratches = new AttentionScratch[workspaces.length];
        for (int w = 0; w < workspaces.length; w++) {
            scratches[w] = SharedState.of(workspaces[w], AttentionScratch.class);
        }
        AttentionProblem p = scratches[0].problem().set(options, queries, keys, queryPositions, dense, q, qOffset, k,
                kOffset, v, vOffset, out, outOffset);
        ParallelWork.run(items(p), executor, scratches, (item, scratch) -> run(p, item, scratch));
    }

    /** Items are (head, block of {@link #ROWS_PER_ITEM} rows). */
    private static int items(AttentionProblem p) {
        return p.heads * ((p.queries + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM);
    }

    private static void run(AttentionProblem p, int item, AttentionScratch scratch) {
        int blocks = (p.queries + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
        int head = item / blocks;
        int first = item % blocks * ROWS_PER_ITEM;
        double[] scores = scratch.doubles(SCORES, p.keys);
        double[] acc = scratch.doubles(ACC, p.valueDim);
        for (int row = first; row < Math.min(p.queries, first + ROWS_PER_ITEM); row++) {
            ExactAttention.row(p, head, row, scores, acc);
        }
    }
}
