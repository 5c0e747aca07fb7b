package dev.posenc.attention;

import dev.posenc.Positions;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.PositionScheme;
import dev.posenc.internal.Checks;
import java.util.concurrent.Executor;

/**
 * Scaled dot-product attention with the position scheme evaluated inside the kernel.
 *
 * <p><b>Layout.</b> Row-major, sequence first ({@link Tokens} views, or arrays and offsets):
 * {@code q [queries × heads × headDim]}, {@code k [keys × kvHeads × headDim]},
 * {@code v [keys × kvHeads × valueDim]} and {@code out [queries × heads × valueDim]} (PyTorch's
 * {@code [seq, heads, dim]} after the projections, no transposes). Query head h reads kv head
 * {@code h / (heads / kvHeads)}. A prefill or a decode step is one line:
 * <pre>
 *   kernel.attend(options, q, k, v, out, workspace);                        // Tokens views
 *   kernel.attend(options, positions, dense, q, k, v, out, workspace);      // explicit positions, a dense mask
 *   kernel.attend(options, q, cache, out, workspace);                       // keys and values of a KvCache</pre>
 *
 * <p><b>Positions.</b> Key row j is at position j. Query row i is at {@code queryPositions.at(i)}
 * when given (each in {@code [0, keys)}: decode with a KV cache, chunked prefill, padding-aware
 * positions), else as {@link CausalMask} places it: {@code i}, or {@code keys − queries + i} for
 * {@link CausalMask#BOTTOM_RIGHT}. Over a {@link KvCache} the keys are its positions, {@code keys =
 * cache.nextPosition()}: a decode step's query, after its own row was appended, is at the last one.
 *
 * <p><b>Formula.</b> For head h, query i at position p and each key j (at position j) it may see,
 * <pre>
 *   z_ij  = softcap(s·τ(p)·(q_i·k_j + e_h(p, j))) + b_h(p, j) + dense_ij
 *   out_i = Σ_j exp(z_ij − m)·(v_j + a_h(p, j)) / (exp(σ_h − m) + Σ_j exp(z_ij − m)),   m = max(σ_h, max_j z_ij)</pre>
 * that is {@code out_i = Σ_j softmax_j(z_i)·(v_j + a_h(p, j))} with one more, valueless logit σ_h in
 * the softmax; s is the scale, {@code softcap(x) = c·tanh(x/c)} when a cap c is set, {@code dense}
 * the optional per-call {@link DenseBias}, and τ, e, b, a, σ the terms of the {@link PositionScheme}
 * ({@link PositionScheme#queryScale}, {@link PositionScheme#logitTerm}, {@link PositionScheme#bias},
 * {@link PositionScheme#valueTerm}, {@link PositionScheme#sinkLogit}; τ = 1, e = b = a = 0 and
 * σ = −∞ without one). A key is visible when the causal mask, the sliding window, the scheme
 * ({@link PositionScheme#firstVisibleKey}) and the dense mask all allow it. The scalar reference
 * ({@code ReferenceAttention}) computes exactly this in double.
 *
 * <p><b>Accuracy.</b> A float32 kernel's output is within {@code expm1(2Δ + (4n + 16)·u)·Σ_j p_j·|v_j|} of
 * the exact one (n visible keys, Δ the logits' rounding bound, u = 2⁻²⁴), and finite whenever the value rows
 * are: it is a convex combination of them. The library's vector kernel reads values scaled by {@code 2⁻ᴷ}
 * ({@code 2ᴷ} at least the keys, so no partial sum overflows), sums each tile of keys from zero and adds the
 * tiles with Kahan's compensation, so that its error does not grow with the number of keys: values
 * {@code 1 + 0.01·N(0, 1)} err by about 1e−7 at 4096 to 131072 keys (the kit checks ≤ 1e−6).
 *
 * <p><b>Special values.</b> A row that sees no key, or whose every logit is −∞, outputs zeros (the
 * "safe softmax" of PyTorch ≥ 2.5 SDPA; {@code torch.softmax} would give NaN, HF's eager
 * {@code finfo.min} mask a uniform average). A NaN or +∞ logit on a visible key (from NaN/∞ in q, k
 * or the bias) makes the whole row NaN. NaN or ∞ in a key's value row makes that output column NaN
 * in every row that sees the key, and may do so in rows that do not (a streaming kernel multiplies
 * whole tiles by weights, and 0·∞ is NaN; PyTorch's {@code P·V} does so for every row). Keys and
 * values outside the causal mask and window of every query row of the call are never read.
 *
 * <p><b>Memory and threads.</b> Kernels are stateless. Scratch memory comes from the
 * {@link AttentionWorkspace} (one per thread); with one reused across calls a call allocates nothing.
 * The parallel overload splits heads and query blocks across an executor with a workspace per
 * worker; its results are bit-identical to the single-threaded call whatever the number of workers.
 * It hands tasks to the caller's executor once per call, so a pool whose threads are parked pays their
 * wake-up each call (about 53 µs of a 0.86 ms two-thread decode step on a 2-vCPU VM, 2026-11-30; a worker
 * that polls between calls took 2.4 µs): an executor whose threads are hot gives the kernel's own scaling.
 * Invalid arguments throw {@link IllegalArgumentException} before anything is written.
 */
public interface AttentionKernel {

    /**
     * Attention over one sequence, on the calling thread.
     *
     * @param queryPositions positions of the query rows ({@code count() == queries}, each in
     *                       {@code [0, keys)}), or {@code null} for the causal alignment's default
     * @param dense          a per-call bias or mask {@code [1 or heads] × queries × keys}, or {@code null}
     * @param workspace      scratch memory, used by this thread only during the call
     */
    void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
                float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                float[] out, int outOffset, AttentionWorkspace workspace);

    /**
     * As {@link #attend(AttentionOptions, int, int, Positions, DenseBias, float[], int, float[], int, float[],
     * int, float[], int, AttentionWorkspace)}, with (head, query block) items run by the calling thread
     * and up to {@code workspaces.length − 1} tasks of {@code executor}, each with its own workspace.
     * Returns when all are done. Bit-identical to the single-threaded call.
     *
     * @param workspaces one distinct workspace per worker, at least one (the caller uses the first)
     */
    void attend(AttentionOptions options, int queries, int keys, Positions queryPositions, DenseBias dense,
                float[] q, int qOffset, float[] k, int kOffset, float[] v, int vOffset,
                float[] out, int outOffset, Executor executor, AttentionWorkspace... workspaces);

    /**
     * Attention of {@code q} over the keys and values {@code cache} holds, on the calling thread: the array
     * form with {@code keys = cache.nextPosition()}, key j at position j, read from the cache in place (its
     * precision converted to float as it is read). Every key some query row may see must be held: a ring
     * cache needs a window that keeps the queries' keys inside it.
     *
     * <p>The default copies the cache into float arrays of {@code nextPosition()} rows and calls the array
     * form (it allocates); the library's kernels override it.
     *
     * @param queryPositions positions of the query rows (each in {@code [0, nextPosition())}), or {@code null} for
     *                       the causal alignment's default, as in the array form ({@link CausalMask}): the last
     *                       positions with {@code BOTTOM_RIGHT} (a decode step), the first with {@code TOP_LEFT} and
     *                       {@code NONE} (which over a cache of more positions is rarely what a caller means)
     * @param dense          a per-call bias or mask {@code [1 or heads] × queries × nextPosition()}, or {@code null}
     * @throws IllegalArgumentException as the array form, for a cache of other kv heads or widths than the
     *                                  options', an empty cache, a query that may see keys a ring no longer holds,
     *                                  or {@link DebertaPositions} (an encoder's scheme: its term reads key rows)
     * @throws IllegalStateException    if the cache's arena is closed
     */
    default void attend(AttentionOptions options, Positions queryPositions, DenseBias dense, Tokens q, KvCache cache,
                        Tokens out, AttentionWorkspace workspace) {
        checkCache(options, queryPositions, dense, q, cache, out);
        float[][] kv = copyOf(cache);
        attend(options, q.tokens(), cache.nextPosition(), queryPositions, dense, q.array(), q.offset(), kv[0], 0, kv[1], 0,
                out.array(), out.offset(), workspace);
    }

    /** As the cache form, with the (head, query block) items spread over an executor as the parallel array form. */
    default void attend(AttentionOptions options, Positions queryPositions, DenseBias dense, Tokens q, KvCache cache,
                        Tokens out, Executor executor, AttentionWorkspace... workspaces) {
        checkCache(options, queryPositions, dense, q, cache, out);
        float[][] kv = copyOf(cache);
        attend(options, q.tokens(), cache.nextPosition(), queryPositions, dense, q.array(), q.offset(), kv[0], 0, kv[1], 0,
                out.array(), out.offset(), executor, workspaces);
    }

    /** Attention over a cache with the alignment's default positions (bottom-right: the last ones) and no dense bias. */
    default void attend(AttentionOptions options, Tokens q, KvCache cache, Tokens out, AttentionWorkspace workspace) {
        attend(options, null, null, q, cache, out, workspace);
    }

    /** The keys and values of positions {@code [0, nextPosition())} as float arrays, zeros where the cache holds none. */
    private static float[][] copyOf(KvCache cache) {
        KvCacheSpec spec = cache.spec();
        float[] k = new float[Math.multiplyExact(cache.nextPosition(), spec.keyWidth())];
        float[] v = new float[Math.multiplyExact(cache.nextPosition(), spec.valueWidth())];
        for (int t = cache.firstPosition(); t < cache.nextPosition(); t++) {
            for (int g = 0; g < spec.kvHeads(); g++) {
                for (int c = 0; c < spec.headDim(); c++) {
                    k[(t * spec.kvHeads() + g) * spec.headDim() + c] = cache.key(t, g, c);
                }
                for (int c = 0; c < spec.valueDim(); c++) {
                    v[(t * spec.kvHeads() + g) * spec.valueDim() + c] = cache.value(t, g, c);
                }
            }
        }
        return new float[][] {k, v};
    }

    /** Attention with offsets 0, default positions, no dense bias, and a fresh workspace (allocates). */
    default void attend(AttentionOptions options, int queries, int keys, float[] q, float[] k, float[] v, float[] out) {
        attend(options, queries, keys, null, null, q, 0, k, 0, v, 0, out, 0, new AttentionWorkspace());
    }

    /** Attention over views, with default positions and no dense bias, on the calling thread. */
    default void attend(AttentionOptions options, Tokens q, Tokens k, Tokens v, Tokens out, AttentionWorkspace workspace) {
        attend(options, null, null, q, k, v, out, workspace);
    }

    /**
     * Attention over views ({@code q.tokens()} queries over {@code k.tokens()} keys), on the calling
     * thread: as the array form, after checking that each view has the heads and width the options
     * give it.
     *
     * @param queryPositions positions of the query rows, or {@code null} for the causal alignment's default
     * @param dense          a per-call bias or mask {@code [1 or heads] × queries × keys}, or {@code null}
     */
    default void attend(AttentionOptions options, Positions queryPositions, DenseBias dense, Tokens q, Tokens k, Tokens v,
                        Tokens out, AttentionWorkspace workspace) {
        checkViews(options, q, k, v, out);
        attend(options, q.tokens(), k.tokens(), queryPositions, dense, q.array(), q.offset(), k.array(), k.offset(),
                v.array(), v.offset(), out.array(), out.offset(), workspace);
    }

    /** As the parallel array form, over views. */
    default void attend(AttentionOptions options, Positions queryPositions, DenseBias dense, Tokens q, Tokens k, Tokens v,
                        Tokens out, Executor executor, AttentionWorkspace... workspaces) {
        checkViews(options, q, k, v, out);
        attend(options, q.tokens(), k.tokens(), queryPositions, dense, q.array(), q.offset(), k.array(), k.offset(),
                v.array(), v.offset(), out.array(), out.offset(), executor, workspaces);
    }

    /**
     * The checks of the view forms: views present, q {@code [· × heads × headDim]}, k
     * {@code [keys × kvHeads × headDim]}, v {@code [keys × kvHeads × valueDim]}, out
     * {@code [queries × heads × valueDim]}, with as many values as keys and outputs as queries.
     *
     * @throws IllegalArgumentException naming the view and what the options expected
     */
    static void checkViews(AttentionOptions options, Tokens q, Tokens k, Tokens v, Tokens out) {
        Checks.notNull(options, "options");
        requireShape(q, "q", options.heads(), "heads", options.headDim(), "headDim");
        requireShape(k, "k", options.kvHeads(), "kvHeads", options.headDim(), "headDim");
        requireShape(v, "v", options.kvHeads(), "kvHeads", options.valueDim(), "valueDim");
        requireShape(out, "out", options.heads(), "heads", options.valueDim(), "valueDim");
        if (v.tokens() != k.tokens()) {
            throw new IllegalArgumentException("v has " + v.tokens() + " tokens but k has " + k.tokens()
                    + ": one value row per key");
        }
        if (out.tokens() != q.tokens()) {
            throw new IllegalArgumentException("out has " + out.tokens() + " tokens but q has " + q.tokens()
                    + ": one output row per query");
        }
    }

    private static void requireShape(Tokens view, String name, int heads, String headsName, int dim, String dimName) {
        Checks.notNull(view, name);
        if (view.heads() != heads || view.dim() != dim) {
            throw new IllegalArgumentException(name + " is [" + view.tokens() + " × " + view.heads() + " × " + view.dim()
                    + "] but the options give it " + headsName + " = " + heads + " heads of " + dimName + " = " + dim);
        }
    }

    /**
     * The checks every implementation makes before writing: sizes > 0 whose products fit an int,
     * arrays long enough, explicit positions that match the query count and lie in {@code [0, keys)},
     * a dense bias of the call's shape, {@code out} disjoint from {@code q}, {@code k} and {@code v}.
     *
     * @throws IllegalArgumentException naming the argument, its value and what was expected
     */
    static void checkArguments(AttentionOptions options, int queries, int keys, Positions queryPositions,
                               DenseBias dense, float[] q, int qOffset, float[] k, int kOffset, float[] v,
                               int vOffset, float[] out, int outOffset, AttentionWorkspace workspace) {
        Checks.notNull(options, "options");
        Checks.notNull(workspace, "workspace");
        Checks.positive(queries, "queries");
        Checks.positive(keys, "keys");
        int qSize = Checks.product(queries, "queries", options.heads(), "heads", options.headDim(), "headDim");
        int kSize = Checks.product(keys, "keys", options.kvHeads(), "kvHeads", options.headDim(), "headDim");
        int vSize = Checks.product(keys, "keys", options.kvHeads(), "kvHeads", options.valueDim(), "valueDim");
        int outSize = Checks.product(queries, "queries", options.heads(), "heads", options.valueDim(), "valueDim");
        Checks.fits(q, "q", qOffset, qSize, "queries × heads × headDim");
        Checks.fits(k, "k", kOffset, kSize, "keys × kvHeads × headDim");
        Checks.fits(v, "v", vOffset, vSize, "keys × kvHeads × valueDim");
        Checks.fits(out, "out", outOffset, outSize, "queries × heads × valueDim");
        Checks.disjoint(out, "out", outOffset, outSize, q, "q", qOffset, qSize);
        Checks.disjoint(out, "out", outOffset, outSize, k, "k", kOffset, kSize);
        Checks.disjoint(out, "out", outOffset, outSize, v, "v", vOffset, vSize);
        if (queryPositions != null) {
            if (queryPositions.count() != queries) {
                throw new IllegalArgumentException("queryPositions.count() = " + queryPositions.count()
                        + " must equal queries = " + queries);
            }
            queryPositions.requireWithin(keys, "keys");
        }
        if (dense != null) {
            dense.requireShape(options.heads(), queries, keys);
        }
    }

    /**
     * The checks of the cache forms: q {@code [queries × heads × headDim]} and out {@code [queries × heads ×
     * valueDim]} views, a cache of the options' kv heads and widths that holds a row and whose storage is alive,
     * positions in {@code [0, nextPosition())}, a dense bias over {@code nextPosition()} keys, and every key a query
     * row may see held by the cache.
     *
     * @throws IllegalArgumentException naming the argument, its value and what was expected
     * @throws IllegalStateException    if the cache's arena is closed
     */
    static void checkCache(AttentionOptions options, Positions queryPositions, DenseBias dense, Tokens q, KvCache cache,
                           Tokens out) {
        Checks.notNull(options, "options");
        Checks.notNull(cache, "cache");
        requireShape(q, "q", options.heads(), "heads", options.headDim(), "headDim");
        requireShape(out, "out", options.heads(), "heads", options.valueDim(), "valueDim");
        if (out.tokens() != q.tokens()) {
            throw new IllegalArgumentException("out has " + out.tokens() + " tokens but q has " + q.tokens()
                    + ": one output row per query");
        }
        KvCacheSpec spec = cache.spec();
        if (spec.kvHeads() != options.kvHeads() || spec.headDim() != options.headDim() || spec.valueDim() != options.valueDim()) {
            throw new IllegalArgumentException("the cache holds kvHeads = " + spec.kvHeads() + " heads of headDim = "
                    + spec.headDim() + " and valueDim = " + spec.valueDim() + ", but the options give " + options.kvHeads()
                    + ", " + options.headDim() + " and " + options.valueDim());
        }
        if (options.scheme() instanceof DebertaPositions) {
            throw new IllegalArgumentException("options.scheme() is DebertaPositions, whose position-to-content term reads"
                    + " the keys' content rows, which attention over a KvCache does not hand to the scheme: DeBERTa is an"
                    + " encoder without a KV cache, attend over Tokens or arrays instead");
        }
        cache.requireAlive();
        if (cache.size() == 0) {
            throw new IllegalArgumentException("the cache holds no rows (nextPosition() = " + cache.nextPosition()
                    + "): append the keys and values first");
        }
        int keys = cache.nextPosition();
        Checks.disjoint(out.array(), "out", out.offset(), out.size(), q.array(), "q", q.offset(), q.size());
        if (queryPositions != null) {
            if (queryPositions.count() != q.tokens()) {
                throw new IllegalArgumentException("queryPositions.count() = " + queryPositions.count()
                        + " must equal queries = " + q.tokens());
            }
            queryPositions.requireWithin(keys, "keys");
        }
        if (dense != null) {
            dense.requireShape(options.heads(), q.tokens(), keys);
        }
        for (int i = 0; i < q.tokens(); i++) {
            int p = queryPositions != null ? queryPositions.at(i)
                    : options.causal() == CausalMask.BOTTOM_RIGHT ? keys - q.tokens() + i : i;
            int first = options.firstVisibleKey(p);
            if (options.endVisibleKey(p, keys) > first && first < cache.firstPosition()) {
                throw new IllegalArgumentException("query row " + i + " at position " + p + " may see keys from position "
                        + first + (options.hasWindow() ? " (window " + options.window() + ")" : " (no window)")
                        + ", but the ring cache holds positions [" + cache.firstPosition() + ", " + keys
                        + "): use a window of at most " + (p - cache.firstPosition()) + " or a larger capacity");
            }
        }
    }

    /**
     * The extra checks of the parallel overload: an executor, at least one workspace, no {@code null}
     * and none twice.
     */
    static void checkParallel(Executor executor, AttentionWorkspace[] workspaces) {
        Checks.notNull(executor, "executor");
        Checks.notNull(workspaces, "workspaces");
        Checks.positive(workspaces.length, "workspaces.length");
        for (int a = 0; a < workspaces.length; a++) {
            Checks.notNull(workspaces[a], "workspaces[" + a + "]");
            for (int b = 0; b < a; b++) {
                if (workspaces[a] == workspaces[b]) {
                    throw new IllegalArgumentException("workspaces[" + b + "] and workspaces[" + a
                            + "] are the same object: each worker needs its own");
                }
            }
        }
    }
}
