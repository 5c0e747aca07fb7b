package dev.posenc.reference;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.Tokens;
import dev.posenc.bias.DenseBias;
import dev.posenc.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * An attention kernel that cuts a call into numbered work items, each computed the same way whoever
 * runs it: the single-threaded call runs them in order on one workspace, the parallel call spreads
 * them over the executor's workers ({@link ParallelWork}), so both give the same bits. It checks the
 * arguments once and resolves the call ({@link AttentionCall}); implementations say how many items a
 * call has and compute one, with the scratch of type {@code S} they keep in each workspace. Items may leave
 * partial results in the call's scratch (its first workspace's, the only one of a single-threaded call), each in
 * its own place, for {@link #finish} to combine once every item is done, on the calling thread.
 */
public abstract class WorkItemAttention<S extends AttentionScratch> implements AttentionKernel {
    private final Class<S> scratchType;
    private final Function<AttentionWorkspace, S> newScratch;

    /** An implementation keeping scratch of type {@code scratchType} in each workspace, made by {@code newScratch}. */
    protected WorkItemAttention(Class<S> scratchType, Function<AttentionWorkspace, S> newScratch) {
        this.scratchType = scratchType;
        this.newScratch = newScratch;
    }

    /**
     * How many work items the call has; {@code shared}: the call's scratch, where this may size what the items
     * leave for {@link #finish} (on the calling thread, before any item runs).
     */
    protected abstract int items(AttentionCall call, S shared);

    /**
     * Computes work item {@code item} with {@code scratch}'s buffers: writes its outputs, or leaves its partial
     * results in its own place of {@code shared} (the call's scratch, which other workers' items write too).
     */
    protected abstract void run(AttentionCall call, int item, S scratch, S shared);

    /** After every item, on the calling thread: combines what the items left in {@code shared}. Nothing by default. */
    protected void finish(AttentionCall call, S shared) {}

    @Override
    public final void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
                             float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                             float[] out, int outOffset, AttentionWorkspace workspace) {
        AttentionKernel.checkArguments(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset, v, vOffset,
                out, outOffset, workspace);
        S scratch = workspace.scratch(scratchType, newScratch);
        AttentionCall call = scratch.call().set(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset,
                v, vOffset, out, outOffset).sharedBy(1);
        int items = items(call, scratch);
        for (int item = 0; item < items; item++) {
            run(call, item, scratch, scratch);
        }
        finish(call, scratch);
    }

    @Override
    public final void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
                             float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                             float[] out, int outOffset, Executor executor, AttentionWorkspace... workspaces) {
        AttentionKernel.checkParallel(executor, workspaces);
        AttentionKernel.checkArguments(options, queries, keys, queryPositions, dense, q, qOffset, k, kOffset, v, vOffset,
                out, outOffset, workspaces[0]);
        List<S> scratches = new ArrayList<>(workspaces.length);
        for (AttentionWorkspace w : workspaces) {
            scratches.add(w.scratch(scratchType, newScratch));
        }
        AttentionCall call = scratches.get(0).call().set(options, queries, keys, queryPositions, dense, q, qOffset, k,
                kOffset, v, vOffset, out, outOffset).sharedBy(workspaces.length);
        S shared = scratches.get(0);
        ParallelWork.run(items(call, shared), executor, scratches, (item, scratch) -> run(call, item, scratch, shared));
        finish(call, shared);
    }

    @Override
    public final void attend(AttentionOptions options, Positions queryPositions, DenseBias dense, Tokens q, KvCache cache,
                             Tokens out, AttentionWorkspace workspace) {
        AttentionKernel.checkCache(options, queryPositions, dense, q, cache, out);
        Checks.notNull(workspace, "workspace");
        S scratch = workspace.scratch(scratchType, newScratch);
        AttentionCall call = scratch.call().set(options, q.tokens(), queryPositions, dense, q.array(), q.offset(), cache,
                out.array(), out.offset()).sharedBy(1);
        int items = items(call, scratch);
        for (int item = 0; item < items; item++) {
            run(call, item, scratch, scratch);
        }
        finish(call, scratch);
    }

    @Override
    public final void attend(AttentionOptions options, Positions queryPositions, DenseBias dense, Tokens q, KvCache cache,
                             Tokens out, Executor executor, AttentionWorkspace... workspaces) {
        AttentionKernel.checkParallel(executor, workspaces);
        AttentionKernel.checkCache(options, queryPositions, dense, q, cache, out);
        List<S> scratches = new ArrayList<>(workspaces.length);
        for (AttentionWorkspace w : workspaces) {
            scratches.add(w.scratch(scratchType, newScratch));
        }
        AttentionCall call = scratches.get(0).call().set(options, q.tokens(), queryPositions, dense, q.array(), q.offset(),
                cache, out.array(), out.offset()).sharedBy(workspaces.length);
        S shared = scratches.get(0);
        ParallelWork.run(items(call, shared), executor, scratches, (item, scratch) -> run(call, item, scratch, shared));
        finish(call, shared);
    }
}
