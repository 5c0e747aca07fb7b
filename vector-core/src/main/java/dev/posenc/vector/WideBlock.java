package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import java.util.Arrays;

/**
 * The wide prefill block (FlashAttention-2's outer loop body): more than one vector of entries —
 * consecutive query rows of one head, or the rows of several heads of a group — whose tile products
 * run along the entries ({@link TileProducts}) with Qᵀ and Oᵀ lane-major by panel. For each tile of
 * keys (at multiples of the tile size, within the keys some entry may see; a ring cache's tile is cut where
 * its rows wrap): the tile's key rows packed as floats ({@link TilePacks#keys}, shared by the blocks of a
 * {@link WideBand}), the {@link LogitGuard} on their norms, logits {@code S = Qᵀ·K}, the scheme, soft cap,
 * bias and masks ({@link TileLogits}), the online softmax, then {@code Oᵀ = α·Oᵀ + P·V} over the tile's packed
 * value rows (the tile's sums formed apart and added compensated, as {@link CompensatedSums} adds them). No {@code [queries × keys]} matrix exists: the buffers are {@code O(tile × (headDim + valueDim))}
 * floats. Each panel stops at the last key one of its entries may see, rounded up to a whole register tile: past a
 * causal diagonal its weights would all be 0 (the benchmark's ALiBi prefill, 8 heads × 128, 512 queries over 4096
 * keys at 512-bit vectors, computed 2.5% fewer products and ran 1.04× as fast, paired in one JVM, quartiles 1.03–1.06).
 * Tiles of 144 or 48 keys instead of the workspace's default 72 ran 1.02× and 0.97× as fast (paired, quartiles
 * 0.98–1.04 and 0.95–0.99): within the noise, or slower. Measured again on 2026-11-30 with the output's bits free to
 * change (PairedCalls against 7f1691a, 60 pairs each; main against itself 1.015, quartiles 1.001–1.027): 96, 120 and
 * 144 keys ran 1.022× (1.001–1.047, load 3.2–4.6, on a CPU 68% of the time), 1.018× (0.998–1.037, load 5.8–8.0) and
 * 1.013× (0.995–1.033, load 3.0–3.1; 1.026×, 1.026× and 1.006× in three other runs, one of them at load 8), none
 * resolvable; 168, 192 and 216 keys ran 0.47×, 0.31× and 0.27× (20–60 pairs, load 2.9–3.6). The cliff is L1: each of a
 * panel's 4 × 6 sum tiles re-reads the tile's weights (keys × 256 B at 512 bits) and a line of each value row, keys ×
 * 320 B in all, 45 KiB at 144 keys and 52.5 KiB at 168 against this Xeon's 48 KiB; at 168 keys {@code accumulate4x6}
 * took 59% of the samples and {@code scores4x6} 15% (perf, cpu-clock), against 28% and 32% at 72. So the tile stays at
 * 72 (22.5 KiB): 144 would sit at the edge of a 48 KiB L1 and past that of a 32 KiB one.
 *
 * <p>Where the time goes (the same prefill, ALiBi, 512-bit vectors; timing mocks of this method, wrong outputs with the
 * same products, each paired against the FMA probe with {@code flops}, 60 pairs, 09:12–09:13 UTC, load 1.6–1.9, every
 * side on a CPU 100% of the time): the call ran at 0.622 of the probe (quartiles 0.618–0.626); the products alone, on
 * one tile's packed rows and without the compensated adds, 0.830 (0.825–0.835); with the adds, 0.828 (0.824–0.833);
 * with the adds, the bias, masks and online softmax, 0.721 (0.718–0.724). So of the call's time the products (with the
 * once-per-block queries and outputs) take 75%, the bias and softmax 11%, and packing, the guard's norms, the
 * six-interleave and the rest 14%; the adds alone, on rows that stay in L2, cost 0.2% (perf gives them 8% of the full
 * call's samples: likely waits on Oᵀ lines that packing's traffic evicts, not verified). 0.70 needs the call at 1.19×
 * the products' time instead of 1.34×: even with no packing, guard or interleave it reaches only 0.72.
 * (Paired against 7f1691a instead, 08:35–08:37 at load 2.0–3.1, the mocks ran 1.369×, 1.284× and 1.161× as fast: the
 * adds' 5% there is the difference between two pairings, not one.) Measured again on 2026-11-30 by taking parts away
 * (timing mocks, wrong outputs: the calls of {@link TileProducts#scores} or of {@link TileProducts#accumulate} left out
 * of {@link #run}, or the sums' compensated adds; each paired against the FMA probe with {@code flops}, 60 pairs, load
 * 1.1–2.3, every side on a CPU 100% of the time): the call ran at 0.610 of the probe (quartiles 0.599–0.621), without the
 * sums at 1.091 (1.071–1.119), without the scores at 0.938 (0.923–0.964), without both at 2.576 (2.522–2.658), and without
 * the adds alone at 0.641 (0.630–0.656) against 0.625 (0.611–0.632) with them in the same build. In units of the probe's
 * time for the call's counted work, the call takes 1.64: the scores 0.57, which for their multiply-adds (1.010× the
 * counted ones: causal panels end on whole register tiles) is 0.88 of the probe; the sums 0.72 with their adds, 0.70 of
 * the probe, of which the adds are 0.04 (2.5% of the call); the rest 0.39 (the parts sum to 1.68). The sums take 1.26× the
 * scores' time for as many multiply-adds; sums as fast as the scores would leave the call at 1.49 (0.67 of the probe),
 * and 0.70 needs 1.43. perf (cpu-clock, one JVM, the samples placed on the printed code): 97% of {@code scores4x6}'s
 * samples fall in its loop, 92% of {@code accumulate4x6}'s (7% on the 24 stores of its register tile), 78% of
 * {@link TilePacks}' {@code pack} on the two instructions after its loads of K/V rows; perf gave the compensated adds
 * 6.9% of the prefill's samples, against the 2.5% that leaving them out saved. The sums' loops are not what makes them
 * 1.26× the scores: on 2026-12-01 (71060b4, ALiBi, perf cpu-clock, one JVM, load 1.2) {@code accumulate4x6} and
 * {@code accumulate4x4} took 20.9% of the samples and {@code scores4x6} 20.3%, the compensated adds 4.8%, the packing 5.8%;
 * and the sums run by the scores' own kernel, on values packed interleaved by six, were not faster ({@link TileProducts}).
 * What the mocks' removal of the sums saves is mostly outside their loops. Where the guard refuses a tile, the block is
 * computed exactly instead ({@link Entries#computeExactly}); ordinary data never takes that path. Tried, and not kept:
 * a band reading one byte of the next tile's K and V row of every position before its blocks take the tile, as decode
 * touches pages ahead ({@link NarrowBlock}), ran 0.997× (quartiles 0.989–1.005) with ALiBi, 0.982× (0.970–0.989) with
 * T5, and the code without it 1.016× as the second side (a Zen 5 VM, 2026-12-02, PairedCalls, 60 pairs, load 1.1–1.2).
 */
final class WideBlock extends Block {
    /**
     * Entries per wide block: up to 128 (two panels at 512-bit vectors, four below), so that a tile's logits
     * ({@value VectorScratch#DEFAULT_TILE} keys × 128 floats, 36 KiB) stay in L1 between the steps that walk them.
     * Against blocks of 256 entries at 512 bits (72 KiB of logits), the benchmark's prefill (8 heads × 128, 512
     * queries over 4096 keys) ran 1.03× as fast under ALiBi (paired in one JVM, quartiles 0.96–1.13, 120 pairs at
     * load 6–8; 1.02× in a three-way run, 80 pairs) and 1.01× under T5; blocks of 64 entries, 1.03× (0.93–1.15), and
     * again on 2026-11-30 under ALiBi 1.005× (0.985–1.022, 80 pairs at load 1.3–1.9; main against itself 0.990):
     * within the noise.
     */
    static final int ENTRIES = Math.min(Entries.WIDTH, 128);

    /** S, then P {@code [tileRows × lanes]}; Oᵀ and its compensation {@code [paddedValueDim × lanes]}. */
    private float[] logits = new float[0];
    private float[] output = new float[0];
    private float[] carry = new float[0];
    /** One entry's row of {@code Oᵀ + value term} ({@link #finish}). */
    private float[] row = new float[0];
    /**
     * Per panel: the end of the keys some entry of it may see (0 when none sees any), and how many keys of the run
     * from its first that is: past a causal diagonal a panel skips the rest, whose weights are 0 for all its entries.
     */
    private final int[] panelEnd = new int[Entries.WIDTH / TileProducts.PANEL];
    private final int[] panelKeys = new int[Entries.WIDTH / TileProducts.PANEL];
    /** One register tile of the tile's sums ({@link TileProducts#accumulate}). */
    private final float[] sums = new float[8 * TileProducts.PANEL];
    /** The tile size padded to a multiple of {@link TileProducts#ROWS}, and the value width to one of {@link TileProducts#STEP}. */
    private int tileRows;
    private int paddedValueDim;
    /** Whether the block still walks the keys (false once it is written, or computed exactly). */
    private boolean walking;

    /**
     * Starts the entries {@code [heads h0, h1) × [rows r0, r1)}; false when they are computed and written at once
     * (exactly: an F16 cache with a non-finite key they may see).
     */
    boolean start(AttentionCall call, int h0, int h1, int r0, int r1, VectorScratch scratch) {
        begin(call, h0, h1, r0, r1, scratch.tables);
        if (seesNonFiniteHalf(call)) {
            entries.computeExactly(call, scratch);
            walking = false;
            return false;
        }
        reserve(call, scratch.tile());
        Arrays.fill(panelEnd, 0);
        for (int e = 0; e < entries.count; e++) {
            if (entries.end[e] > entries.first[e]) {
                panelEnd[e / TileProducts.PANEL] = Math.max(panelEnd[e / TileProducts.PANEL], entries.end[e]);
            }
        }
        walking = true;
        return true;
    }

    /** Whether the block still walks the keys and may see one of tile {@code [t, t + tile)}. */
    boolean walks(int t, int tile) {
        return walking && entries.lo < t + tile && entries.hi > t;
    }

    /**
     * The keys of tile {@code [t, t + tile)} that the entries may see, run by run (a ring cache's rows wrap
     * between runs), of kv head {@code kvHead}; where the guard refuses a run, the block is computed exactly and
     * stops walking.
     */
    void tile(AttentionCall call, int kvHead, int t, int tile, TilePacks packs, VectorScratch scratch) {
        int end = Math.min(t + tile, entries.hi);
        for (int j0 = Math.max(t, entries.lo); j0 < end; ) {
            int j1 = Math.min(end, call.runEnd(j0));
            if (!run(call, kvHead, j0, j1, packs, scratch)) {
                entries.computeExactly(call, scratch);
                walking = false;
                return;
            }
            j0 = j1;
        }
    }

    /** Keys {@code [j0, j1)}, whose rows follow one another; false if the guard refuses them. */
    private boolean run(AttentionCall call, int kvHead, int j0, int j1, TilePacks packs, VectorScratch scratch) {
        int d = call.headDim();
        int keys = j1 - j0;
        float[] keyRows = packs.keys(call, kvHead, j0, j1);
        if (!LogitGuard.allows(call, queryNorm + scheme.keyNormShare(), packs.keyNorm(scratch.guard, keys, d), extraNorm)) {
            return false;
        }
        for (int g = 0; g < entries.panels(); g++) {
            panelKeys[g] = Math.max(0, Math.min(j1, panelEnd[g]) - j0);
            float[] sixes = TileProducts.full(entries.vectors, g) ? packs.keySixes(d) : null;
            TileProducts.scores(queries, d, g, entries.vectors, keyRows, sixes, TilePacks.padded(panelKeys[g]), logits, tileRows);
        }
        tileLogits.apply(call, scheme, entries, logits, tileRows, j0, j1);
        softmax.tile(logits, tileRows, entries.vectors, keys, panelKeys);
        float[] valueRows = packs.values(call, kvHead, j0, j1, paddedValueDim, softmax.valueScale());
        TileProducts.accumulate(logits, tileRows, entries.vectors, panelKeys, valueRows, paddedValueDim, softmax.alpha(), output, carry,
                sums);
        scheme.accumulateValueWeights(entries, logits, tileRows, j0, j1, softmax.alpha());
        return true;
    }

    private void reserve(AttentionCall call, int tile) {
        tileRows = TilePacks.padded(tile);
        paddedValueDim = (call.valueDim() + TileProducts.STEP - 1) / TileProducts.STEP * TileProducts.STEP;
        int lanes = entries.panels() * TileProducts.PANEL;
        if (logits.length < tileRows * lanes) {
            logits = new float[tileRows * lanes];
        }
        if (output.length < paddedValueDim * lanes) {
            output = new float[paddedValueDim * lanes];
            carry = new float[paddedValueDim * lanes];
        }
        if (row.length < call.valueDim()) {
            row = new float[call.valueDim()];
        }
        Arrays.fill(output, 0, paddedValueDim * lanes, 0f);
        Arrays.fill(carry, 0, paddedValueDim * lanes, 0f);
    }

    /** Writes {@code out = (Oᵀ + value term) / l} per entry ({@link OnlineSoftmax#output}), unless the block was computed exactly. */
    void finish(AttentionCall call) {
        if (!walking) {
            return;
        }
        walking = false;
        int dv = call.valueDim();
        for (int e = 0; e < entries.count; e++) {
            int column = TileProducts.at(e, paddedValueDim);
            for (int c = 0; c < dv; c++) {
                row[c] = output[column + c * TileProducts.PANEL] + scheme.valueTerm(e, c, softmax.valueScale());
            }
            softmax.output(e, row, 0, call.out(), call.outAt(entries.row[e], entries.head[e]), dv);
        }
    }
}
