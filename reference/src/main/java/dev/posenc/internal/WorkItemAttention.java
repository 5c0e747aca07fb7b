package dev.posenc.internal;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.bias.DenseBias;
import java.util.concurrent.Executor;

/**
 * An attention kernel that cuts a call into numbered work items, each computed the same way whoever
 * runs it: the single-threaded call runs them in order on one workspace, the parallel call spreads
 * them over the executor's workers ({@link ParallelWork}), so both give the same bits. Implementations
 * say how many items a call has and compute one.
 */
public abstract class WorkItemAttention implements AttentionKernel {

    /** How many work items the call has. */
    protected abstract int items(AttentionProblem p);

    /** Computes and writes work item {@code item}, using {@code scratch} for buffers. */
    protected abstract void run(AttentionProblem p, int item, AttentionScratch scratch);

    @Override
    public final void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
                             float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                             float[] out, int outOffset, AttentionWorkspace workspace) {
        AttentionKernel.checkArguments(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset, v, vOffset,
                out, outOffset, workspace);
        AttentionScratch scratch = SharedState.of(workspace, AttentionScratch.class);
        AttentionProblem p = scratch.problem().set(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset,
                v, vOffset, out, outOffset);
        int items = items(p);
        for (int item = 0; item < items; item++) {
            run(p, item, scratch);
        }
    }

    @Override
    public final void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
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
}
