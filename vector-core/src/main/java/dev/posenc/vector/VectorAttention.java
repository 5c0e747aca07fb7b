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
 * <p>Measured (decode 32 q / 8 kv heads × 128, f32, 4096 keys, ALiBi, off-heap, this project's 2-vCPU Xeon, bench's
 * PairedCalls, load 1.4–2.0, 2026-11-29): two threads ÷ one 1.82, 1.93, 2.11, 1.82 in four runs, against 1.25 and 1.61
 * for the kv-head split in the same window (two threads, new ÷ old: 1.06, 1.20); one thread unchanged (1.00 at 4096,
 * 1.06 at 32768; BF16 1.01, 1.00). Chunks cut at an even split instead of a tile (three more, shorter tiles at 4096)
 * ran 0.96–0.97 of the old one-thread speed in two runs (wall and CPU time, load 1.7–4.7); cut at tiles 1.00–1.01, and
 * 1.005 paired against the even cut (CPU time).
 *
 * <p>Where a parallel decode call's time goes (same shape, two workers; a throw-away harness timing each thread's
 * steps, 500–600 calls alternating with one-thread calls, 2026-11-30 08:36–08:40 and 09:13, other processes 0–7% of
 * the CPUs): at 7f1691a a call took 955–997 µs (median) against 1 720–1 780 µs on one thread (1.77–1.80).
 * Handing the task to the executor holds the caller 25–27 µs (it wakes the parked pool thread), and the pool thread
 * begins 29–32 µs after that; each thread then runs two chunks, about 420 µs each, no slower than one thread does.
 * The chunks, cut at tiles, hold 1 008, 1 008, 1 080 and 1 000 keys: the caller, first to claim, takes 0 and 2 (2 088
 * keys against 2 008), which makes up for its earlier start, so in most calls the two end within microseconds, and
 * the caller then merges the four chunks alone (23–24 µs). The pool thread is on a CPU 91% of the call: its late
 * start and the merge. Tried, no faster (same harness): the caller spinning up to 100 µs instead of parking for the
 * last chunk (its wake-up, 31 µs after the pool thread's last chunk when the caller had parked, became 2 µs), 1.77
 * against 1.80 two threads ÷ one; that and the caller merging each chunk as soon as it is done (09:13, 500 calls
 * each), 1 000 against 997 µs, 1.79 against 1.77, as the caller seldom waits. Slower: items of one part (4 kv heads)
 * and one chunk, 8 at 4096 keys instead of 4, so that a late worker leaves less to the other: 1.63 and 1.59 against
 * 1.80 and 1.77 in the same window, as one part walked alone took 8% longer than the two together (the pool thread's
 * half of the work, 904 against 836 µs). Not tried: merging the two parts on the two threads (at most half the
 * 24 µs). The pool thread's late start belongs to the executor, which the call does not own.
 *
 * <p>The same harness at a68b6d4 (2026-11-30, other processes 0–2% of the CPUs) found that merge slow for its ~16 K
 * products, 19–27 µs: it took each chunk's {@code β·O_c} into a buffer, then its compensated step, and cleared three
 * buffers per part. Taking {@code β·O_c} into the step in registers ({@link CompensatedSums#merged}: the same
 * operations in the same order, so the same bits) cut it to 12–15 µs; looping over the chunks outside the row's
 * vectors instead was slower (17 µs). In 61% of 1 000 calls the pool thread ended last, and the parked caller took a
 * median 33 µs to start the merge; spinning up to 100 µs first ({@code ParallelWork}), 1.6 µs. Both, paired in one JVM
 * against the code before (bench's PairedCalls, 2 000 pairs each, load 1.1–1.7; the second side of a pairing tends to
 * gain 1–2%): two threads 1.029× (quartiles 0.983–1.079) with them second, the code before 0.996× (0.945–1.041) with
 * them first; one thread (its chunks merged too) 1.037× (1.007–1.066); two threads ÷ one 1.840 (1.780–1.898). Merging
 * each chunk as it completes, by the worker that completed it, gained nothing over this (0.993, 1.021 and 0.994×, 643–671 pairs each).
 *
 * <p>Tried at 88ff454 (2026-11-30, threads12; same harness, other processes 0–1% of the CPUs): the two parts merged at
 * once, one on each thread (finishing items that start once every chunk is done): the time after the last chunk went
 * from 17.8–18.3 to 13.1–14.1 µs (median), about 4 µs of a 900 µs call, which pairings do not resolve: two threads ÷
 * one 1.814 and 1.869 (the two orders), 1.819 and 1.869, against the code before's 1.850 and 1.808, 1.794 and 1.825
 * in the same windows (1 000–1 500 pairs, load 1.1–2.9). Not kept. What bounds the target here: the caller reaches
 * {@code ParallelWork} 4.5–5 µs into the call, {@code execute()} holds it 24–25 µs, and the pool task starts 28–30 µs
 * after that; with the keys split perfectly, a call would end at (1 654 + 30 + 58) / 2 ≈ 871 µs before any merge,
 * 1.85–1.90 of one thread's call, and the smallest item that keeps the bits (a part of a chunk) runs 8% slower alone.
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
     * single-threaded call: a part that must be computed exactly is so whole. (Until 2026-11-30 an item of 3 kv heads,
     * or of 2 of a part's 4, could cut a part: in a throw-away harness at 512 bits, 82 of 4 596 decode calls on 2 or 3
     * workers, all with a key of +∞, differed from the same call on one worker; and with wide query values, whose logit
     * guard refuses a part, {@code KvCacheContract.twoThreadsReadingOneCacheGetIdenticalResults} failed by one ulp with
     * {@code -DQT_SEED=-3939407161219018511}: 2 kv heads, one item each.)
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
