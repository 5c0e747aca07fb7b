package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import dev.posenc.reference.WorkItemAttention;

/**
 * Fused, tiled, streaming attention (FlashAttention-2's algorithm on the CPU). A call is cut into
 * work items, each a block of entries sharing one kv head (see the package's vocabulary):
 * <ul>
 *   <li>decode, when the rows of a whole group fit one vector: a {@link NarrowBlock} over up to
 *       {@value NarrowBlock#KV_HEADS} neighbouring kv heads, so that the KV cache is read once, and over one chunk of
 *       the keys (flash-decoding): 2 to {@value #MAX_CHUNKS} chunks, a power of two, of about {@value #CHUNK_TILES} or more
 *       tiles each, from the call's keys and tile alone ({@link #chunks}), so that each worker of a parallel call reads
 *       whole positions' rows of its own keys. Each chunk's online softmax starts without the sink; once every item is
 *       done, the chunks' states are merged in chunk order from the sink, {@code m = max(m, m_c)},
 *       {@code O = α·O + β·O_c}, {@code l = α·l + β·l_c} ({@link OnlineSoftmax#merge}, compensated). Fewer keys make
 *       one chunk, and a parallel call then splits the kv heads between its workers (8 kv heads, 2 workers: 4 each);
 *   <li>otherwise a {@link WideBand} of up to {@value WideBand#BLOCKS} neighbouring {@link WideBlock}s of one kv
 *       head (as many as keep their state in L2), each of up to {@link WideBlock#ENTRIES} entries: that many
 *       consecutive rows of one head, or, with fewer queries, every row of as many heads of the group as fit,
 *       so that each key and value row is read once for all of them; fewer blocks per band when that leaves a
 *       worker of a parallel call idle.
 * </ul>
 *
 * <p>Rounding: a logit's dot products err by at most {@code γ_{d+6}·s·Σ|q_c k_c|} and never by more
 * than 2⁻⁷ (blocks that could are computed in double, {@link LogitGuard}); the bias adds
 * {@code 4u·|bias|} and a soft cap {@code 4u·cap}; the softmax and the output sums add
 * {@code (4n + 2m + 16)·u} relative over n visible keys (m Shaw value embeddings). See
 * {@code AttentionOracle} in the conformance kit, which tests exactly this. Results do not depend on
 * the number of threads, nor on how warm the JIT is.
 *
 * <p>The chunks' merge stays inside that bound. A chunk's state is what the streaming softmax over its keys alone
 * gives: 2u per exponential, 2u per rescale, and its compensated sums of O and l within 2u of their terms
 * ({@link CompensatedSums}). The merge rescales either the running state (α) or the chunk's (β), the other factor
 * being 1, and only when the running maximum grows: a chunk with no visible key merges exactly (β = 0), so the
 * rescales inside the chunks and in the merge together are at most one per tile holding a visible key, within the
 * bound's one per key. The merge's compensated sums add 2u each for O and for l (the chunks' terms are disjoint,
 * so their own 2u do not compound): 8u of the sums in all, with the division and a value term's addition 10u of the
 * constant 16u. A chunk's value terms ({@code Σ_c W_c·aV}, Shaw) are added to its O before the merge, one more
 * rounding of disjoint terms, u in all (within the value embeddings' 2m·u).
 *
 * <p>Chunked, a decode call ran 1.82–2.11× as fast on two threads as on one, against 1.25 and 1.61 for the kv-head
 * split; chunks cut at an even split instead of at tiles ran 0.96–0.97×. What is left of two threads' time is the
 * executor's hand-off ({@code execute()} holds the caller 24–27 µs, and the pool thread starts about 30 µs after that)
 * and the merge ({@link CompensatedSums#merged}, in registers): with the keys split perfectly a call would run at
 * 1.85–1.90 of one thread's. Measurements: docs/experiments/prefill.md, "VectorAttention".
 */
final class VectorAttention extends WorkItemAttention<VectorScratch> {
    /** Decode's least tiles per chunk of the keys, and most chunks ({@link #chunks}). */
    private static final int CHUNK_TILES = 14;
    private static final int MAX_CHUNKS = 8;

    VectorAttention() {
        super(VectorScratch.class, VectorScratch::new);
    }

    @Override
    protected int items(AttentionCall call, VectorScratch shared) {
        if (decode(call)) {
            int chunks = chunks(call, shared);
            int items = ceilDiv(call.kvHeads(), kvHeadsPerItem(call, chunks)) * chunks;
            if (chunks > 1) {
                shared.narrow.reserve(items * partsPerItem(call, chunks), call.valueDim());
            }
            return items;
        }
        return call.kvHeads() * ceilDiv(blocksPerKvHead(call), blocksPerBand(call));
    }

    /**
     * Item → (kv head, its blocks), kv-head-major; a kv head's blocks by head, then row. In decode, (kv heads, chunk
     * of the keys), chunk-minor.
     */
    @Override
    protected void run(AttentionCall call, int item, VectorScratch scratch, VectorScratch shared) {
        if (decode(call)) {
            int chunks = chunks(call, shared);
            int perItem = kvHeadsPerItem(call, chunks);
            int g0 = item / chunks * perItem;
            int g1 = Math.min(call.kvHeads(), g0 + perItem);
            if (chunks == 1) {
                scratch.narrow.run(call, g0, g1, scratch);
            } else {
                int c = item % chunks;
                scratch.narrow.run(call, g0, g1, chunkStart(call, c, chunks, shared), chunkStart(call, c + 1, chunks, shared), scratch,
                        shared.narrow, item * partsPerItem(call, chunks));
            }
            return;
        }
        int perKvHead = blocksPerKvHead(call);
        int band = blocksPerBand(call);
        int bands = ceilDiv(perKvHead, band);
        int first = item % bands * band;
        scratch.wide.run(call, item / bands, first, Math.min(band, perKvHead - first), headsPerBlock(call), rowsPerBlock(call), scratch);
    }

    /** Decode over chunks of the keys: their states merged, chunk after chunk, for each item's kv heads. */
    @Override
    protected void finish(AttentionCall call, VectorScratch shared) {
        if (!decode(call)) {
            return;
        }
        int chunks = chunks(call, shared);
        if (chunks == 1) {
            return;
        }
        int perItem = kvHeadsPerItem(call, chunks);
        int parts = partsPerItem(call, chunks);
        for (int g0 = 0, item = 0; g0 < call.kvHeads(); g0 += perItem, item += chunks) {
            shared.narrow.merge(call, g0, Math.min(call.kvHeads(), g0 + perItem), chunks, item * parts, parts, shared);
        }
    }

    /** Decode: every query row of a whole group fits one vector. */
    private static boolean decode(AttentionCall call) {
        return (long) call.queries() * call.group() <= Lanes.FLOAT.length();
    }

    /**
     * Decode's chunks of the keys some query may see: the most, a power of two up to {@value #MAX_CHUNKS}, that leaves
     * an even split at least {@value #CHUNK_TILES} tiles of the call's workspace (so a function of the call's shape and tile, never
     * of its workers: 4 at 4096 keys, {@value #MAX_CHUNKS} from 16128 on, with 72-key tiles).
     */
    private static int chunks(AttentionCall call, VectorScratch shared) {
        long span = Math.max(0, call.callEndKey() - call.callFirstKey());
        long fit = span / ((long) CHUNK_TILES * shared.tile());
        return fit <= 1 ? 1 : (int) Math.min(MAX_CHUNKS, Long.highestOneBit(fit));
    }

    /**
     * The first key of chunk c of {@code chunks} (the call's end for c = chunks): the multiple of the tile nearest an
     * even split, so that chunks cut no tile.
     */
    private static int chunkStart(AttentionCall call, int c, int chunks, VectorScratch shared) {
        int first = call.callFirstKey();
        int end = call.callEndKey();
        if (c == 0 || c == chunks) {
            return c == 0 ? first : end;
        }
        int tile = shared.tile();
        long even = first + (long) (end - first) * c / chunks;
        return (int) Math.min(end, Math.max(first, (even + tile / 2) / tile * tile));
    }

    /**
     * Decode's kv heads per item: up to a narrow block's, fewer when the chunks leave a worker of a parallel call idle,
     * but a multiple of a part's ({@link NarrowBlock#headsPerPart}), so that the parts, and so the bits, are those of a
     * single-threaded call: a part that must be computed exactly is so whole. (Until 2026-11-30 an item could cut a
     * part, and then gave other bits than one worker did. Measurements: docs/experiments/prefill.md,
     * "kvHeadsPerItem".)
     */
    private static int kvHeadsPerItem(AttentionCall call, int chunks) {
        int perPart = NarrowBlock.headsPerPart(call);
        int share = ceilDiv(call.kvHeads(), ceilDiv(call.workers(), chunks));
        return Math.min(NarrowBlock.KV_HEADS, ceilDiv(share, perPart) * perPart);
    }

    /** Decode's narrow parts per item (at most). */
    private static int partsPerItem(AttentionCall call, int chunks) {
        return ceilDiv(kvHeadsPerItem(call, chunks), NarrowBlock.headsPerPart(call));
    }

    /** A kv head's wide blocks. */
    private static int blocksPerKvHead(AttentionCall call) {
        return ceilDiv(call.group(), headsPerBlock(call)) * ceilDiv(call.queries(), rowsPerBlock(call));
    }

    /**
     * Wide blocks per band: up to a band's (as many as {@link WideBand#BYTES} holds), fewer when that leaves a
     * worker of a parallel call idle.
     */
    private static int blocksPerBand(AttentionCall call) {
        int perKvHead = blocksPerKvHead(call);
        long blockBytes = (long) Float.BYTES * WideBlock.ENTRIES * (call.headDim() + 2L * call.valueDim());
        int fit = (int) Math.max(1, Math.min(WideBand.BLOCKS, WideBand.BYTES / blockBytes));
        return Math.min(Math.min(fit, perKvHead), ceilDiv(call.kvHeads() * perKvHead, call.workers()));
    }

    /** Rows per block: all of them when fewer than a block's width, else a block's width. */
    private static int rowsPerBlock(AttentionCall call) {
        return Math.min(call.queries(), WideBlock.ENTRIES);
    }

    /** Heads of a group per block: as many as fit beside the rows. */
    private static int headsPerBlock(AttentionCall call) {
        return Math.max(1, Math.min(call.group(), WideBlock.ENTRIES / rowsPerBlock(call)));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
