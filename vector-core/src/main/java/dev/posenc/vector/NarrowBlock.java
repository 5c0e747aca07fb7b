package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrow decode block: up to {@value #KV_HEADS} neighbouring kv heads, every query row of each one's group,
 * walked through the keys together. The kv heads are cut into {@link Part}s of as many kv heads as fill one
 * vector of entries ({@link #headsPerPart}: 4 kv heads × 4 q heads at 16 lanes), so that the softmax, the
 * exponentials, the bias and the masks, which run lanewise over a part's entries, do work in every lane, and a
 * part's logits tile holds one vector per key. Decode's products run along the head width ({@link NarrowProducts}),
 * each quad of entries against its own kv head's rows. For each tile (cut where a ring cache's rows wrap), the
 * logits of a few keys at a time across the parts, then each part's guard, logits pipeline and softmax, then the
 * values a few keys at a time across the parts into the tile's sums, which are added to the output rows once per
 * tile: the kv heads' rows of one position are neighbours in memory, so the KV cache is read once, as a few
 * sequential streams that the hardware prefetchers follow. A decode call of many keys is cut into chunks of them
 * ({@link VectorAttention}): a block then walks one chunk, without the sinks, and leaves its parts' softmax states
 * for {@link #merge}, which the call runs once every chunk is done.
 *
 * <p>Eight kv heads are walked together: 4 were no faster (1.0–1.3× the time), 2 or 1 took 1.5–2.2×. Parts of four kv
 * heads ran 1.14–1.20× as fast as one kv head per part at 4096 keys; tiles of 72 keys: 36, 56, 96 or 144 ran 0.67–0.99×
 * as fast. Half-precision rows are converted in registers, not into a float buffer before f32's products (F16 2.4× the
 * time, BF16 1.45×). Measurements: docs/experiments/decode.md, "Parts, tiles and passes".
 *
 * <p>The values take 32 keys per pass (against 16: half the loads and stores of the tile's sums and half the values'
 * calls; the same operations in the same order, so the same bits): about 1% faster at 4096 keys and 1.5–2% at 32768.
 * Measurements: docs/experiments/decode.md, "Values over 32 keys per pass".
 *
 * <p>A step's time per kv-head row splits into the products' loops, the logits' fold, the kernels' code outside their
 * loops and the per-tile work, and the reads, which at 32768 keys are paid after the compute, not under it.
 * Measurements: docs/experiments/decode.md, "What bounds a step", "Where an f32 step's time goes at 4096 keys", "The
 * work between the loops after those cuts", "Where the reads go at 32768 keys", "Where a row's compute goes".
 *
 * <p>Each tile reads its key rows ahead just before its logits and its value rows just before its values ({@link
 * #readAhead}): every line (a load at the start of every 64 bytes; an int vector load off-heap, {@link #readLines})
 * from 8 MiB of the K and V that the call's entries may see, else one byte of every 4 KiB page ({@link
 * #readAheadStep}). Read as one phase, the rows arrive as independent loads that overlap one another, where the
 * products' own loads, spread among their arithmetic, overlap poorly; a page's first touch starts its address
 * translation and first line, which the hardware's prefetchers, stopping at page boundaries, leave to the products.
 * Reads only, so the same bits. On a Zen 5 VM, whose fast cache ends before an f32 cache of 4096 keys (32 MiB), pages
 * touched a phase ahead made f32 1.05–1.12× as fast at 4096 keys; lines read a phase ahead made BF16 1.21–1.31× and
 * F16 1.18–1.19× as fast again but f32 0.88–0.89× (likely because a tile's f32 K and V, read a phase before their
 * use, did not all stay in L2: with tiles of 36 keys it ran 1.09×); read by vector loads, BF16 1.05–1.11× and F16
 * 1.00–1.07× again; and read just before each phase, f32 1.17–1.20× (at 1024–32768 keys), BF16 1.06–1.09× and F16
 * 1.05–1.07× again. Below 8 MiB, lines made it 0.75–0.94× as fast (8 MiB is where their gain began there, not a size
 * read off its caches). Measurements: docs/experiments/decode.md, "Touching pages ahead", "Reading lines ahead with
 * vector loads" and "Each phase's rows read just before it".
 */
final class NarrowBlock {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Kv heads walked together. */
    static final int KV_HEADS = 8;
    /** Keys whose logits, then values, are taken across the parts at a time. */
    private static final int SCORE_KEYS = 2 * NarrowProducts.KEYS;
    private static final int VALUE_KEYS = 32;
    /** What {@link #readAhead} steps by: a page (the smallest x86 and Arm page) or a cache line ({@link #readAheadStep}). */
    private static final int PAGE = 4096;
    private static final int LINE = 64;
    /** The K and V bytes of a call from which {@link #readAheadStep} reads rows ahead line by line: 8 MiB. */
    private static final long READ_AHEAD_BYTES = 8L << 20;

    private final Part[] parts = new Part[KV_HEADS];
    /** The sum of the bytes {@link #readAhead} read, kept so that the reads stay; never used. */
    private long touched;
    /**
     * What the chunks of a call's keys leave for their merge, in the call's block ({@link #reserve}): per slot (a part
     * of one chunk) its entries' maxima and sums, {@code [slot × L + e]}, their scaled output rows with the value terms,
     * {@code [(slot × L + e) × valueDim + c]}, and whether the part must be computed exactly.
     */
    private float[] chunkMax = new float[0];
    private float[] chunkSum = new float[0];
    private float[] chunkRows = new float[0];
    private boolean[] chunkExact = new boolean[0];

    /** Computes and writes every row of every head of kv heads {@code [g0, g1)}. */
    void run(AttentionCall call, int g0, int g1, VectorScratch scratch) {
        int n = begin(call, g0, g1, true, scratch);
        walk(call, 0, Integer.MAX_VALUE, n, scratch);
        for (int i = 0; i < n; i++) {
            parts[i].write(call);
        }
    }

    /**
     * The chunk of keys {@code [k0, k1)} of kv heads {@code [g0, g1)}, without the sinks: leaves each part's state in
     * {@code shared}'s slots from {@code slot} on, for {@link #merge}.
     */
    void run(AttentionCall call, int g0, int g1, int k0, int k1, VectorScratch scratch, NarrowBlock shared, int slot) {
        int n = begin(call, g0, g1, false, scratch);
        walk(call, k0, k1, n, scratch);
        for (int i = 0; i < n; i++) {
            parts[i].keep(call, shared, slot + i);
        }
    }

    /** Makes room for {@code slots} slots of chunk state ({@link #run(AttentionCall, int, int, int, int, VectorScratch, NarrowBlock, int)}). */
    void reserve(int slots, int valueDim) {
        int lanes = slots * Lanes.FLOAT.length();
        if (chunkMax.length < lanes) {
            chunkMax = new float[lanes];
            chunkSum = new float[lanes];
            chunkExact = new boolean[slots];
        }
        if (chunkRows.length < lanes * valueDim) {
            chunkRows = new float[lanes * valueDim];
        }
    }

    /**
     * Merges the states that {@code chunks} chunks of kv heads {@code [g0, g1)} left in this block's slots (chunk c's
     * parts from {@code slot + c·stride} on), chunk after chunk, from the sinks on, and writes the rows; a part that some
     * chunk found must be computed exactly is.
     */
    void merge(AttentionCall call, int g0, int g1, int chunks, int slot, int stride, VectorScratch scratch) {
        int perPart = headsPerPart(call);
        for (int g = g0, i = 0; g < g1; g += perPart, i++) {
            Part part = part(i);
            part.beginMerge(call, g, Math.min(perPart, g1 - g));
            boolean exact = false;
            for (int c = 0; c < chunks; c++) {
                exact |= chunkExact[slot + c * stride + i];
            }
            if (exact) {
                part.entries.computeExactly(call, scratch);
                continue;
            }
            part.merge(call, this, chunks, slot + i, stride);
            part.write(call);
        }
    }

    /** Starts the parts of kv heads {@code [g0, g1)}, with their sinks if {@code whole}; returns how many. */
    private int begin(AttentionCall call, int g0, int g1, boolean whole, VectorScratch scratch) {
        int perPart = headsPerPart(call);
        int n = 0;
        for (int g = g0; g < g1; g += perPart, n++) {
            part(n).begin(call, g, Math.min(perPart, g1 - g), whole, scratch.tile(), scratch);
        }
        return n;
    }

    private Part part(int i) {
        if (parts[i] == null) {
            parts[i] = new Part();
        }
        return parts[i];
    }

    /** The keys of {@code [k0, k1)} that some entry of the {@code n} parts may see, tile by tile (cut where a ring wraps). */
    private void walk(AttentionCall call, int k0, int k1, int n, VectorScratch scratch) {
        int tile = scratch.tile();
        int first = Integer.MAX_VALUE;
        int end = 0;
        for (int i = 0; i < n; i++) {
            first = Math.min(first, parts[i].entries.firstTile(tile));
            end = Math.max(end, parts[i].entries.hi);
        }
        int to = Math.min(end, k1);
        int step = readAheadStep(call, end - first);
        for (int t = Math.max(first, k0 / tile * tile); t < to; t += tile) {
            int tileEnd = Math.min(t + tile, to);
            for (int j0 = Math.max(t, k0); j0 < tileEnd; ) {
                int j1 = Math.min(tileEnd, call.runEnd(j0));
                tile(call, j0, j1, step, n, scratch);
                j0 = j1;
            }
        }
    }

    /**
     * The step of {@link #readAhead}: a line when the K and V of the call's {@code keys} visible keys take {@value
     * #READ_AHEAD_BYTES} bytes or more, else a page (below that size the rows come from the caches anyway, and reading
     * them ahead line by line made the step slower). Measurements: docs/experiments/decode.md, "Touching pages ahead",
     * "Reading lines ahead with vector loads" and "Each phase's rows read just before it".
     */
    private static int readAheadStep(AttentionCall call, int keys) {
        long bytes = (long) keys * (call.keyRowBytes() + call.valueRowBytes());
        return bytes >= READ_AHEAD_BYTES ? LINE : PAGE;
    }

    /**
     * Reads {@code rows}' bytes {@code [at, at + bytes)} every {@code step} bytes, before the products read them: with a
     * page's step, each read that misses starts that page's walk and its first line early, which the hardware's
     * prefetchers, stopping at page boundaries, do not; with a line's, it reads the rows ahead of the products,
     * independent loads that overlap one another (class comment). Off-heap rows are read a line at a time by vector
     * loads ({@link #readLines}), heap rows by byte loads.
     */
    private void readAhead(MemorySegment rows, long at, long bytes, int step) {
        if (step == LINE && NarrowProducts.OFF_HEAP.isInstance(rows)) {
            readLines(NarrowProducts.OFF_HEAP.cast(rows), at, bytes);
            return;
        }
        long sum = 0;
        for (long b = 0; b < bytes; b += step) {
            sum += rows.get(ValueLayout.JAVA_BYTE, at + b);
        }
        touched += sum;
    }

    /**
     * One int vector load at the start of each whole line of off-heap {@code rows}' bytes {@code [at, at + bytes)},
     * summed (the segment through its off-heap cast, as the f32 kernels' loads: {@link NarrowProducts}). Against byte
     * loads at the same addresses, decode ran BF16 1.05–1.11× and F16 1.00–1.07× as fast on a Zen 5 VM (lines read a
     * phase ahead); float vector loads, reinterpreted as ints, were no faster (docs/experiments/decode.md, "Reading lines
     * ahead with vector loads").
     */
    private void readLines(MemorySegment rows, long at, long bytes) {
        IntVector sum = IntVector.zero(Lanes.INT);
        int lines = Math.toIntExact(bytes / LINE);
        for (int i = 0; i < lines; i++) {
            sum = sum.add(IntVector.fromMemorySegment(Lanes.INT, rows, at + (long) i * LINE, NATIVE));
        }
        touched += sum.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Kv heads one part takes: as many as fill a vector of entries when each kv head's entries make whole
     * quads (so that each quad of a part reads one kv head's rows), else one.
     */
    static int headsPerPart(AttentionCall call) {
        int perHead = call.group() * call.queries();
        return perHead % 4 == 0 ? Math.max(1, Lanes.FLOAT.length() / perHead) : 1;
    }

    /**
     * Keys {@code [j0, j1)}, whose rows follow one another, for every part: their key rows read ahead ({@link
     * #readAhead}, every {@code step} bytes), the logits, their value rows read ahead, the values.
     */
    private void tile(AttentionCall call, int j0, int j1, int step, int n, VectorScratch scratch) {
        for (int i = 0; i < n; i++) {
            parts[i].beginTile(j0, j1);
        }
        readAhead(call.keyRows(), call.keyAt(j0, 0), (j1 - j0) * call.keyRowBytes(), step);
        for (int j = j0; j < j1; j += SCORE_KEYS) {
            for (int i = 0; i < n; i++) {
                parts[i].scores(call, j, SCORE_KEYS);
            }
        }
        for (int i = 0; i < n; i++) {
            parts[i].probabilities(call, scratch);
        }
        readAhead(call.valueRows(), call.valueAt(j0, 0), (j1 - j0) * call.valueRowBytes(), step);
        for (int j = j0; j < j1; j += VALUE_KEYS) {
            for (int i = 0; i < n; i++) {
                parts[i].values(call, j, VALUE_KEYS);
            }
        }
        for (int i = 0; i < n; i++) {
            parts[i].endValues(call);
        }
    }

    /**
     * A few neighbouring kv heads' share ({@link #headsPerPart}): their groups' rows (one vector of entries, kv head
     * by kv head) with q, the tile's sums and the output row-major, {@code [4·quads × width]} (padded with zero rows
     * to whole quads; quad i reads kv head {@code kvHead + i / quadsPerHead}), and the tile's logits, then weights,
     * lane-major in one panel.
     */
    private static final class Part extends Block {
        private int kvHead;
        private int heads;
        private int quads;
        private int quadsPerHead;
        private float[] queryRows = new float[0];
        private float[] outputRows = new float[0];
        private float[] tileSums = new float[0];
        /** The compensation of the output rows ({@link CompensatedSums}). */
        private float[] outputCarry = new float[0];
        private float[] logits = new float[0];
        /**
         * The squared norms of the tile's key rows, left by the logits' kernel for the guard (arrays only), kv head i's
         * from {@code i·normsStride}.
         */
        private float[] keyNorms = new float[0];
        /** F16 rows of a pass of which one holds a subnormal half, as floats, and the segment over them ({@link NarrowProducts}). */
        private float[] converted = new float[0];
        private MemorySegment convertedRows = MemorySegment.ofArray(converted);
        /** A pass's logits, quad by quad, before they are placed in the tile's ({@link NarrowProducts#scores}). */
        private float[] passTotals = new float[0];
        private int tileRows;
        private int normsStride;
        /** The current tile's keys {@code [tileStart, tileEnd)}; whether the part computes them; whether it is done. */
        private int tileStart;
        private int tileEnd;
        private boolean active;
        /** Whether the part writes its rows (all keys, with the sinks) or leaves its state for a merge (a chunk of them). */
        private boolean whole;
        /** Whether the part is done with: computed exactly, or (not whole) found to need that. */
        private boolean done;
        /**
         * The call (object and serial) and tile of the chunk the part last began: the next chunk of the same kv heads
         * reuses its entries, Qᵀ, query rows and the scheme's per-block data, unless the scheme has value terms (whose
         * weights each chunk sums from zero).
         */
        private AttentionCall chunkCall;
        private long chunkSerial;
        private int chunkTile;
        /** Per merged chunk c, each entry e's factors α and β ({@link #merge}), {@code [c × Entries.WIDTH + e]}. */
        private float[] mergeAlpha = new float[0];
        private float[] mergeBeta = new float[0];

        /** Starts kv heads {@code [kvHead, kvHead + heads)}, with their sinks if {@code whole}. */
        void begin(AttentionCall call, int kvHead, int heads, boolean whole, int tile, VectorScratch scratch) {
            boolean again = !whole && call == chunkCall && call.serial() == chunkSerial && kvHead == this.kvHead
                    && heads == this.heads && tile == chunkTile && !scheme.hasValueTerms();
            this.kvHead = kvHead;
            this.heads = heads;
            this.whole = whole;
            if (again) {
                softmax.begin(call, entries);
            } else {
                begin(call, kvHead * call.group(), (kvHead + heads) * call.group(), 0, call.queries(), scratch.tables);
                prepareRows(call, tile);
                chunkCall = whole ? null : call;
                chunkSerial = call.serial();
                chunkTile = tile;
            }
            if (!whole) {
                softmax.restartWithoutSink();
            }
            done = false;
            clearOutput(call);
            if (seesNonFiniteHalf(call)) {
                finishExactly(call, scratch);
            }
        }

        /** The query rows, and room for a tile of {@code tile} keys' logits and key norms. */
        private void prepareRows(AttentionCall call, int tile) {
            int d = call.headDim();
            int rows = rows(call);
            tileRows = TilePacks.padded(tile);
            if (queryRows.length < rows * d) {
                queryRows = new float[rows * d];
            }
            if (logits.length < tileRows * TileProducts.PANEL) {
                logits = new float[tileRows * TileProducts.PANEL];
            }
            normsStride = tileRows + Lanes.FLOAT.length();
            if (keyNorms.length < heads * normsStride) {
                keyNorms = new float[heads * normsStride];
            }
            int convert = Math.max(NarrowProducts.KEYS * d, VALUE_KEYS * call.valueDim());
            if (converted.length < convert) {
                converted = new float[convert];
                convertedRows = MemorySegment.ofArray(converted);
            }
            for (int e = 0; e < rows; e++) {
                for (int c = 0; c < d; c++) {
                    queryRows[e * d + c] = e < entries.count ? queries[TileProducts.at(e, d) + c * TileProducts.PANEL] : 0f;
                }
            }
        }

        /** Starts merging the chunks' states of kv heads {@code [kvHead, kvHead + heads)}: their entries, the sinks. */
        void beginMerge(AttentionCall call, int kvHead, int heads) {
            this.kvHead = kvHead;
            this.heads = heads;
            entries.set(call, kvHead * call.group(), (kvHead + heads) * call.group(), 0, call.queries());
            softmax.begin(call, entries);
            chunkCall = null;
            whole = false;
            done = false;
            reserveOutput(call);
        }

        /** Output rows, and the arrays beside them, of the part's kv heads, at zero. */
        private void clearOutput(AttentionCall call) {
            quadsPerHead = (call.group() * call.queries() + 3) / 4;
            quads = heads * quadsPerHead;
            int totals = 4 * NarrowProducts.KEYS * Math.max(quads, Lanes.FLOAT.length() / 4);
            if (passTotals.length < totals) {
                passTotals = new float[totals];
            }
            int size = reserveOutput(call);
            Arrays.fill(outputRows, 0, size, 0f);
            Arrays.fill(tileSums, 0, size, 0f);
            Arrays.fill(outputCarry, 0, size, 0f);
        }

        /** Makes room for the output rows, and the arrays beside them, of the part's kv heads; returns their size. */
        private int reserveOutput(AttentionCall call) {
            int size = rows(call) * call.valueDim();
            if (outputRows.length < size) {
                outputRows = new float[size];
                tileSums = new float[size];
                outputCarry = new float[size];
            }
            return size;
        }

        /** Rows of the part (its entries padded to whole quads). */
        private int rows(AttentionCall call) {
            return 4 * heads * ((call.group() * call.queries() + 3) / 4);
        }

        /** The part's entries are computed exactly: now if whole, else by the merge. */
        private void finishExactly(AttentionCall call, VectorScratch scratch) {
            if (whole) {
                entries.computeExactly(call, scratch);
            }
            done = true;
            active = false;
        }

        /** Starts the tile of keys {@code [j0, j1)}: the part computes those its entries may see, unless done. */
        void beginTile(int j0, int j1) {
            tileStart = Math.max(j0, entries.lo);
            tileEnd = Math.min(j1, entries.hi);
            active = !done && tileStart < tileEnd;
        }

        /** The logits of keys {@code [j, j + n)} (those of them in the tile). */
        void scores(AttentionCall call, int j, int n) {
            int from = Math.max(j, tileStart);
            int to = Math.min(j + n, tileEnd);
            if (active && from < to) {
                NarrowProducts.scores(queryRows, quads, quadsPerHead, call.headDim(), call.keyRows(), call.keyHalves(),
                        call.keyAt(from, kvHead), call.keyRowBytes(), headBytes(call), call.precision(), call.subnormalRows(),
                        flagAt(call, from), call.kvHeads(), converted, convertedRows, passTotals, to - from, logits,
                        (from - tileStart) * TileProducts.PANEL, call.keyNorms() == null ? keyNorms : null, from - tileStart,
                        normsStride);
            }
        }

        /**
         * After every key's logits: the guard (on the cache's stored key norms, or those the logits' kernel left;
         * if it refuses, the part is computed exactly and does nothing more), the logits' pipeline and the online
         * softmax.
         */
        void probabilities(AttentionCall call, VectorScratch scratch) {
            if (!active) {
                return;
            }
            MemorySegment stored = call.keyNorms();
            float squared = 0;
            if (stored != null) {
                squared = largestStored(stored, (long) call.slot(tileStart) * call.kvHeads() + kvHead, heads, call.kvHeads(),
                        tileEnd - tileStart);
            } else {
                for (int i = 0; i < heads; i++) {
                    float head = LogitGuard.largest(keyNorms, i * normsStride, tileEnd - tileStart);
                    squared = Float.isNaN(squared) ? squared : Float.isNaN(head) ? head : Math.max(squared, head);
                }
            }
            if (!LogitGuard.allows(call, queryNorm + scheme.keyNormShare(), Math.sqrt(squared), extraNorm)) {
                finishExactly(call, scratch);
                return;
            }
            tileLogits.apply(call, scheme, entries, logits, tileRows, tileStart, tileEnd);
            softmax.tile(logits, tileRows, entries.vectors, tileEnd - tileStart);
        }

        /** Index of the part's first kv head at position {@code position} in the cache's {@link AttentionCall#subnormalRows()}. */
        private long flagAt(AttentionCall call, int position) {
            return (long) call.slot(position) * call.kvHeads() + kvHead;
        }

        /** Bytes between the key rows of neighbouring kv heads at one position. */
        private static long headBytes(AttentionCall call) {
            return (long) call.headDim() * call.precision().bytes();
        }

        /**
         * The largest of the stored squared norms of {@code heads} neighbouring kv heads from index {@code at}, at
         * {@code n} positions {@code stride} indices apart (NaN if one is): as many positions' norms per vector as it
         * spans whole ({@code heads} ≤ stride; lanes of other kv heads 0), into four running maxima, then the largest
         * lane. A maximum is the same whatever the order, so this gives the bits of a scalar pass per kv head, which
         * took 3% of an f32 decode step at 4096 keys; one position per vector into one running maximum waited on the
         * maximum's latency (its NaN-propagating blends) each position. One load in the loop: C1 gave up on four
         * written out ("out of virtual registers"), and in a pairing each call then allocated 843 kB. Measurements:
         * docs/experiments/decode.md, "Four running maxima".
         */
        private static float largestStored(MemorySegment norms, long at, int heads, int stride, int n) {
            int per = Math.max(1, F.length() / stride);
            long bits = 0;
            for (int lane = 0; lane < Math.min(F.length(), per * stride); lane++) {
                bits |= lane % stride < heads ? 1L << lane : 0;
            }
            long rest = bits & (1L << n % per * stride) - 1;
            long step = (long) Float.BYTES * per * stride;
            FloatVector m0 = FloatVector.zero(F);
            FloatVector m1 = m0;
            FloatVector m2 = m0;
            FloatVector m3 = m0;
            // One load in the loop, the maxima rotated.
            for (long i = (long) Float.BYTES * at, left = n; left > 0; i += step, left -= per) {
                VectorMask<Float> mine = VectorMask.fromLong(F, left >= per ? bits : rest);
                FloatVector next = FloatVector.fromMemorySegment(F, norms, i, NATIVE, mine).max(m0);
                m0 = m1;
                m1 = m2;
                m2 = m3;
                m3 = next;
            }
            return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX); // Math.max's: NaN if a lane is
        }

        /** The values of keys {@code [j, j + n)} (those of them in the tile), in key order, into the tile's sums. */
        void values(AttentionCall call, int j, int n) {
            int from = Math.max(j, tileStart);
            int to = Math.min(j + n, tileEnd);
            if (active && from < to) {
                NarrowProducts.accumulate(logits, (from - tileStart) * TileProducts.PANEL, quads, quadsPerHead, call.valueRows(),
                        call.valueHalves(), call.valueAt(from, kvHead), call.valueRowBytes(),
                        (long) call.valueDim() * call.precision().bytes(), call.precision(), call.subnormalRows(), flagAt(call, from),
                        call.kvHeads(), converted, convertedRows, softmax.scaleExponent(), to - from,
                        call.valueDim(), tileSums);
            }
        }

        /** After the tile's values: the output rows {@code O = α·O + T} (compensated), and what the scheme's value terms need. */
        void endValues(AttentionCall call) {
            if (active) {
                CompensatedSums.rows(outputRows, outputCarry, tileSums, 4 * quads, call.valueDim(), softmax.alpha());
                scheme.accumulateValueWeights(entries, logits, tileRows, tileStart, tileEnd, softmax.alpha());
            }
        }

        /**
         * Leaves the chunk's state in {@code shared}'s slot {@code slot}: per entry m, l and the scaled rows
         * {@code O + value term}, or that the part must be computed exactly.
         */
        void keep(AttentionCall call, NarrowBlock shared, int slot) {
            shared.chunkExact[slot] = done;
            if (done) {
                return;
            }
            int dv = call.valueDim();
            int at = slot * Lanes.FLOAT.length();
            addValueTerms(call);
            for (int e = 0; e < entries.count; e++) {
                shared.chunkMax[at + e] = softmax.max(e);
                shared.chunkSum[at + e] = softmax.sum(e);
            }
            System.arraycopy(outputRows, 0, shared.chunkRows, at * dv, entries.count * dv);
        }

        /** {@code O += value term} per entry, where the scheme has value terms. */
        private void addValueTerms(AttentionCall call) {
            if (!scheme.hasValueTerms()) {
                return;
            }
            int dv = call.valueDim();
            for (int e = 0; e < entries.count; e++) {
                for (int c = 0; c < dv; c++) {
                    outputRows[e * dv + c] += scheme.valueTerm(e, c, softmax.valueScale());
                }
            }
        }

        /**
         * Takes in the states of {@code chunks} chunks that {@code shared} holds from slot {@code slot} on, {@code stride}
         * apart, chunk after chunk: the maxima and sums ({@link OnlineSoftmax#merge}), then each entry's output row
         * {@code O = α·O + β·O'} (compensated) from zero ({@link CompensatedSums#merged}).
         */
        void merge(AttentionCall call, NarrowBlock shared, int chunks, int slot, int stride) {
            int dv = call.valueDim();
            int lanes = Lanes.FLOAT.length();
            if (mergeAlpha.length < chunks * Entries.WIDTH) {
                mergeAlpha = new float[chunks * Entries.WIDTH];
                mergeBeta = new float[chunks * Entries.WIDTH];
            }
            for (int c = 0; c < chunks; c++) {
                softmax.merge(shared.chunkMax, shared.chunkSum, (slot + c * stride) * lanes, entries.count);
                System.arraycopy(softmax.alpha(), 0, mergeAlpha, c * Entries.WIDTH, entries.count);
                System.arraycopy(softmax.beta(), 0, mergeBeta, c * Entries.WIDTH, entries.count);
            }
            for (int e = 0; e < entries.count; e++) {
                CompensatedSums.merged(shared.chunkRows, (slot * lanes + e) * dv, stride * lanes * dv, chunks, mergeAlpha,
                        mergeBeta, e, Entries.WIDTH, dv, outputRows, e * dv);
            }
        }

        /**
         * {@code out = (O + value term) / l} per entry, unless the exact path has written the part (after a merge the
         * rows hold the value terms).
         */
        void write(AttentionCall call) {
            if (done) {
                return;
            }
            if (whole) {
                addValueTerms(call);
            }
            int dv = call.valueDim();
            for (int e = 0; e < entries.count; e++) {
                softmax.output(e, outputRows, e * dv, call.out(), call.outAt(entries.row[e], entries.head[e]), dv);
            }
        }
    }
}
