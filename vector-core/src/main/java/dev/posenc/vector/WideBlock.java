package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import java.util.Arrays;

/**
 * The wide prefill block (FlashAttention-2's outer loop body): more than one vector of entries —
 * consecutive query rows of one head, or the rows of several heads of a group — whose tile products
 * run along the entries ({@link TileProducts}) with Qᵀ and Oᵀ lane-major by panel. For each tile of
 * keys (at multiples of the tile size, within the keys some entry may see): the {@link LogitGuard},
 * logits {@code S = Qᵀ·K}, the scheme, soft cap, bias and masks ({@link TileLogits}), the online
 * softmax, then {@code Oᵀ = α·Oᵀ + P·V} over the tile's packed value rows. No
 * {@code [queries × keys]} matrix exists: the buffers are {@code O(tile × (headDim + valueDim))}
 * floats. Where the guard refuses a tile, the block is computed exactly instead
 * ({@link Entries#computeExactly}); ordinary data never takes that path.
 */
final class WideBlock extends Block {
    private final TilePacks packs = new TilePacks();
    /** S, then P {@code [tileRows × lanes]}; Oᵀ {@code [paddedValueDim × lanes]}. */
    private float[] logits = new float[0];
    private float[] output = new float[0];
    /** The tile size padded to a multiple of {@link TileProducts#ROWS}, and the value width padded alike. */
    private int tileRows;
    private int paddedValueDim;

    /** Computes and writes the entries {@code [heads h0, h1) × [rows r0, r1)} of kv head {@code kvHead}. */
    void run(AttentionCall call, int kvHead, int h0, int h1, int r0, int r1, VectorScratch scratch) {
        int tile = scratch.tile();
        begin(call, h0, h1, r0, r1, scratch.tables);
        reserve(call, tile);
        int d = call.headDim();
        int vectors = entries.vectors;
        for (int t = entries.firstTile(tile); t < entries.hi; t += tile) {
            int j0 = Math.max(t, entries.lo);
            int j1 = Math.min(t + tile, entries.hi);
            if (!scratch.guard.allows(call, kvHead, t, tile, queryNorm, extraNorm)) {
                entries.computeExactly(call, scratch);
                return;
            }
            int keys = j1 - j0;
            TileProducts.scores(queries, d, vectors, call.k(), call.kAt(j0, kvHead), call.kStride(), keys,
                    packs.keys(8 * d), logits, tileRows);
            tileLogits.apply(call, scheme, entries, logits, tileRows, j0, j1);
            softmax.tile(logits, tileRows, vectors, keys);
            float[] valueRows = packs.values(tileRows * paddedValueDim);
            TilePacks.pack(call.v(), call.vAt(j0, kvHead), call.vStride(), keys, call.valueDim(), paddedValueDim,
                    valueRows, TileProducts.ROWS);
            TileProducts.accumulate(logits, tileRows, vectors, keys, valueRows, paddedValueDim, softmax.alpha(), output);
            scheme.accumulateValueWeights(entries, logits, tileRows, j0, j1, softmax.alpha());
        }
        write(call);
    }

    private void reserve(AttentionCall call, int tile) {
        tileRows = TilePacks.padded(tile);
        paddedValueDim = TilePacks.padded(call.valueDim());
        int lanes = entries.panels() * TileProducts.PANEL;
        if (logits.length < tileRows * lanes) {
            logits = new float[tileRows * lanes];
        }
        if (output.length < paddedValueDim * lanes) {
            output = new float[paddedValueDim * lanes];
        }
        Arrays.fill(output, 0, paddedValueDim * lanes, 0f);
    }

    /** {@code out = (Oᵀ + value term) / l} per entry ({@link OnlineSoftmax#output}). */
    private void write(AttentionCall call) {
        float[] out = call.out();
        for (int e = 0; e < entries.count; e++) {
            int o = call.outAt(entries.row[e], entries.head[e]);
            int column = TileProducts.at(e, paddedValueDim);
            for (int c = 0; c < call.valueDim(); c++) {
                out[o + c] = softmax.output(e, output[column + c * TileProducts.PANEL] + scheme.valueTerm(e, c));
            }
        }
    }
}
