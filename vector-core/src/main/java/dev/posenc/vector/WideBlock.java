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
 * causal diagonal its weights would all be 0 (2.5% fewer products on the benchmark's ALiBi prefill, 1.04× as fast).
 * Tiles are the workspace's default 72 keys (22.5 KiB): 96 to 144 ran no resolvably faster, and from 168 keys on the
 * prefill fell off an L1 cliff (0.47× at 168), where each of a panel's 4 × 6 sum tiles re-reads keys × 320 B,
 * 52.5 KiB against this Xeon's 48 KiB; 144 would sit at the edge of a 48 KiB L1 and past that of a 32 KiB one.
 * Measurements: docs/experiments/prefill.md, "Panels that stop at the causal diagonal" and "Tile size".
 *
 * <p>Where the guard refuses a tile, the block is computed exactly instead ({@link Entries#computeExactly}); ordinary
 * data never takes that path.
 *
 * <p>Of the call's time the products take about 75%, the bias and softmax 11%, and packing, the guard's norms, the
 * six-interleave and the rest 14% (timing mocks); the call runs at about 0.61–0.62 of the FMA probe, and the sums take
 * 1.26× the scores' time for as many multiply-adds, though their loops run about as fast as the scores'. Reading the
 * next tile's rows ahead, as decode reads ahead ({@link NarrowBlock}), ran no faster (0.982–0.997×): not kept.
 * Measurements: docs/experiments/prefill.md, "Where the prefill block's time goes" and "Reading the next tile's rows
 * ahead".
 */
final class WideBlock extends Block {
    /**
     * Entries per wide block: up to 128 (two panels at 512-bit vectors, four below), so that a tile's logits
     * ({@value VectorScratch#DEFAULT_TILE} keys × 128 floats, 36 KiB) stay in L1 between the steps that walk them.
     * Against blocks of 256 or of 64 entries the benchmark's prefill ran 1.005–1.03× as fast: within the noise.
     * Measurements: docs/experiments/prefill.md, "ENTRIES".
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
