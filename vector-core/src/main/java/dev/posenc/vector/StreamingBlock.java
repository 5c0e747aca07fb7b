package dev.posenc.vector;

import dev.posenc.internal.AttentionProblem;
import dev.posenc.internal.AttentionScratch;
import dev.posenc.internal.ExactAttention;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One block of streaming attention (FlashAttention-2's outer loop body) and the buffers it works in,
 * kept per workspace so that a call allocates nothing. A block is up to {@link #WIDTH} (head, query
 * row) entries that share a key/value head: consecutive rows of one head in prefill, several heads of
 * a group in decode. Entries lie along the vector lanes, so the softmax of all of them runs lanewise.
 *
 * <p>Lane-major buffers (Qᵀ, logits, Oᵀ) are stored by groups of lanes ({@link TileProducts#at}). For
 * each tile of keys (at multiples of the tile size, within the keys any entry may see):
 * logits {@code S = Qᵀ·K} ({@link TileProducts#scores}), the position scheme, soft-cap, bias and
 * masks ({@link TileLogits}), the online softmax (running maximum m and sum l, rescaling the output
 * accumulator when m grows), then {@code Oᵀ += P·V}. No {@code [queries × keys]} matrix exists: the
 * buffers are {@code O(tile × (headDim + valueDim))} floats.
 *
 * <p>Before each tile's softmax a {@link LogitGuard} checks that float logits are accurate enough;
 * where they may not be (huge or nearly tied logits, float overflow) the block is recomputed exactly
 * in double ({@link ExactAttention}). Ordinary data never takes that path.
 */
final class StreamingBlock {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final int L = F.length();
    private static final int G = TileProducts.G;
    /** Entries per block: four groups of four vectors, so that each packed key and value tile serves 16L queries. */
    static final int WIDTH = 4 * G;
    /** Keys per tile unless the workspace asks for another size. */
    static final int DEFAULT_TILE = 72;
    private static final float NEGATIVE_INFINITY = Float.NEGATIVE_INFINITY;

    /** Per entry: head, query row, position, first visible key, one past the last. */
    final int[] head = new int[WIDTH];
    final int[] row = new int[WIDTH];
    final int[] position = new int[WIDTH];
    final int[] first = new int[WIDTH];
    final int[] end = new int[WIDTH];
    /** Running maximum, running sum, and each tile's rescale factor, per entry. */
    private final float[] max = new float[WIDTH];
    private final float[] sum = new float[WIDTH];
    private final float[] alpha = new float[WIDTH];
    /** Per entry: what this tile's exponentials subtract (the new maximum, 0 while it is −∞), their sum. */
    private final float[] shift = new float[WIDTH];
    private final float[] tileSum = new float[WIDTH];
    /** Qᵀ {@code [headDim × WIDTH]}, S/P {@code [tile × WIDTH]}, Oᵀ {@code [valueDim × WIDTH]}. */
    float[] queries = new float[0];
    float[] logits = new float[0];
    private float[] output = new float[0];
    /** The scheme's per-block tables (see {@link TileLogits}). */
    final TileLogits scheme = new TileLogits(this);
    int entries;
    int vectors;
    /** The tile's key and value rows, packed ({@link TilePacks#pack}), shared by a workspace's blocks. */
    private final TilePacks packs;
    /** The value width padded for the kernels. */
    private int paddedValueDim;
    private int kvHead;
    private int tile;
    private int lo;
    private int hi;
    private double queryNorm;
    /** Whether the exact path has already written the block. */
    private boolean done;
    /** The current tile's keys, {@code [tileStart, tileEnd)}, and whether the block computes them. */
    private int tileStart;
    private int tileEnd;
    private boolean active;
    /** Narrow blocks (one vector of entries): q and the output row-major, {@code [4·quads × width]}. */
    private boolean narrow;
    private float[] queryRows = new float[0];
    private float[] outputRows = new float[0];
    /** Narrow blocks: the squared norms of the tile's key rows, left by the logits' kernel. */
    private float[] keyNorms = new float[0];

    /** Rows of the logit tile: the tile size padded to a multiple of {@link TileProducts#ROWS}. */
    int tileRows;
    private final LogitGuard logitGuard = new LogitGuard();
    private double[] exactScores = new double[0];
    private double[] exactSum = new double[0];

    StreamingBlock(TilePacks packs) {
        this.packs = packs;
    }

    /** Entries {@code [heads h0, h1) × [rows r0, r1)} of kv head {@code kvHead}, computed and written. */
    void run(AttentionProblem p, int kvHead, int h0, int h1, int r0, int r1, int tileKeys) {
        begin(p, kvHead, h0, h1, r0, r1, tileKeys);
        for (int t = firstTile(); t < endKey(); t += tile) {
            step(p, t);
        }
        finish(p);
    }

    /** Sets up the block: its entries, the range of keys they may see, Qᵀ and the scheme's tables. */
    void begin(AttentionProblem p, int kvHead, int h0, int h1, int r0, int r1, int tileKeys) {
        this.kvHead = kvHead;
        tile = tileKeys == 0 ? DEFAULT_TILE : tileKeys;
        entries = (h1 - h0) * (r1 - r0);
        vectors = (entries + L - 1) / L;
        reserve(p, tile);
        lo = Integer.MAX_VALUE;
        hi = 0;
        for (int e = 0; e < WIDTH; e++) {
            boolean real = e < entries;
            head[e] = real ? h0 + e / (r1 - r0) : h0;
            row[e] = real ? r0 + e % (r1 - r0) : r0;
            position[e] = real ? p.position(row[e]) : 0;
            first[e] = real ? p.firstKey(position[e]) : 0;
            end[e] = real ? p.endKey(position[e]) : 0;
            if (real && end[e] > first[e]) {
                lo = Math.min(lo, first[e]);
                hi = Math.max(hi, end[e]);
            }
        }
        Arrays.fill(max, NEGATIVE_INFINITY);
        Arrays.fill(sum, 0f);
        Arrays.fill(output, 0, paddedValueDim * groups() * G, 0f);
        queryNorm = scheme.prepare(p);
        done = false;
        narrow = vectors == 1;
        if (narrow) {
            int rows = 4 * quads();
            if (queryRows.length < rows * p.headDim) {
                queryRows = new float[rows * p.headDim];
            }
            if (outputRows.length < rows * p.valueDim) {
                outputRows = new float[rows * p.valueDim];
            }
            for (int e = 0; e < rows; e++) {
                for (int c = 0; c < p.headDim; c++) {
                    queryRows[e * p.headDim + c] = e < entries ? queries[TileProducts.at(e, p.headDim) + c * G] : 0f;
                }
            }
            Arrays.fill(outputRows, 0, rows * p.valueDim, 0f);
        }
    }


    /** The first tile (a multiple of the tile size) holding a key some entry may see. */
    int firstTile() {
        return lo < hi ? lo / tile * tile : hi;
    }

    /** One past the last key some entry may see. */
    int endKey() {
        return hi;
    }

    /** Processes the tile of keys {@code [t, t + tile)} (a multiple of the tile size), if the block sees any. */
    void step(AttentionProblem p, int t) {
        if (!beginTile(t)) {
            return;
        }
        int keys = tileEnd - tileStart;
        if (narrow) {
            scoreKeys(p, tileStart, keys);
            endScores(p, t);
            valueKeys(p, tileStart, keys);
            endValues(p);
            return;
        }
        if (guard(p, t)) {
            TileProducts.scores(queries, p.headDim, vectors, p.k, p.kAt(tileStart, kvHead), p.kStride, keys,
                    packs.keys(8 * p.headDim), logits, tileRows);
            endScores(p, t);
            float[] valueRows = packs.values(tileRows * paddedValueDim);
            TilePacks.pack(p.v, p.vAt(tileStart, kvHead), p.vStride, keys, p.valueDim, paddedValueDim, valueRows,
                    TileProducts.ROWS);
            TileProducts.accumulate(logits, tileRows, vectors, keys, valueRows, paddedValueDim, alpha, output);
            endValues(p);
        }
    }

    /** Starts the tile at t: false (and the tile's other steps do nothing) when the block sees none of its keys. */
    boolean beginTile(int t) {
        tileStart = Math.max(t, lo);
        tileEnd = Math.min(t + tile, hi);
        active = !done && tileStart < tileEnd;
        return active;
    }

    /**
     * Narrow blocks: the logits of keys {@code [j, j + n)} (those of them in the current tile,
     * {@link NarrowProducts#scores}). A work item may call this for several blocks per few keys,
     * visiting their kv heads' rows in memory order.
     */
    void scoreKeys(AttentionProblem p, int j, int n) {
        int from = Math.max(j, tileStart);
        int to = Math.min(j + n, tileEnd);
        if (active && from < to) {
            NarrowProducts.scores(queryRows, quads(), p.headDim, p.k, p.kAt(from, kvHead), p.kStride, to - from,
                    logits, (from - tileStart) * G, keyNorms, from - tileStart);
        }
    }

    /**
     * After every key's logits: the accuracy guard (a narrow block's, whose rows the logits have just
     * brought into cache; a wide block checks before its logits), then the scheme, soft-cap, bias, masks
     * and online softmax of the tile. If the guard refuses, the block is computed exactly instead and
     * the tile's other steps do nothing.
     */
    void endScores(AttentionProblem p, int t) {
        active = active && (!narrow || narrowGuard(p)) && !done;
        if (active) {
            scheme.apply(p, tileStart, tileEnd);
            softmax(tileEnd - tileStart);
            if (narrow) {
                NarrowProducts.rescale(outputRows, 4 * quads(), p.valueDim, alpha);
            }
        }
    }

    /**
     * Narrow blocks: the values of keys {@code [j, j + n)} (those of them in the tile) into the output
     * rows ({@link NarrowProducts#accumulate}), in key order.
     */
    void valueKeys(AttentionProblem p, int j, int n) {
        int from = Math.max(j, tileStart);
        int to = Math.min(j + n, tileEnd);
        if (active && from < to) {
            NarrowProducts.accumulate(logits, (from - tileStart) * G, quads(), p.v, p.vAt(from, kvHead), p.vStride,
                    to - from, p.valueDim, outputRows);
        }
    }

    /** After the tile's values: Shaw's value weights. */
    void endValues(AttentionProblem p) {
        if (active) {
            scheme.accumulateValueWeights(p, tileStart, tileEnd, alpha);
        }
    }

    /** As {@link #guard}, for a narrow block whose logits have left the tile's squared key norms. */
    private boolean narrowGuard(AttentionProblem p) {
        double keyNorm = Math.sqrt(LogitGuard.largest(keyNorms, 0, tileEnd - tileStart));
        if (!LogitGuard.allows(p, queryNorm, keyNorm, scheme.extraNorm())) {
            exact(p);
            done = true;
            return false;
        }
        return true;
    }

    /** False (after computing the block exactly) when this tile's float logits could miss the bound. */
    private boolean guard(AttentionProblem p, int t) {
        if (!logitGuard.allows(p, kvHead, t, tile, queryNorm, scheme.extraNorm())) {
            exact(p);
            done = true;
            return false;
        }
        return true;
    }

    /** The tile size. */
    int tile() {
        return tile;
    }

    /** Writes the block's outputs (unless the exact path already has). */
    void finish(AttentionProblem p) {
        if (!done) {
            write(p);
        }
    }

    /** Quads of entries of a narrow block (its query rows padded with zero rows to whole quads). */
    private int quads() {
        return (entries + 3) / 4;
    }

    /** Groups of four vectors the entries take. */
    int groups() {
        return (vectors + 3) / 4;
    }

    private void reserve(AttentionProblem p, int tile) {
        tileRows = TilePacks.padded(tile);
        paddedValueDim = TilePacks.padded(p.valueDim);
        int lanes = groups() * G;
        if (queries.length < p.headDim * lanes) {
            queries = new float[p.headDim * lanes];
        }
        if (keyNorms.length < tileRows + L) {
            keyNorms = new float[tileRows + L];
        }
        if (logits.length < tileRows * lanes) {
            logits = new float[tileRows * lanes];
        }
        if (output.length < paddedValueDim * lanes) {
            output = new float[paddedValueDim * lanes];
        }
    }

    /**
     * The online softmax over a tile of {@code keys} logits in {@link #logits}: new maxima
     * {@code m_new}, rescale factors {@code α = exp(m_old − m_new)} (1 where the maximum did not grow,
     * else {@link Math#exp}: once per lane and growth), probabilities {@code p = exp(S − m_new)} written
     * over the logits ({@link TileExp}), sums {@code l = α·l + Σ p}. A lane that has seen only −∞
     * shifts by 0 instead of its maximum, so its probabilities are 0, not NaN; a NaN or +∞ maximum
     * marks the lane's row NaN ({@link #write}).
     */
    private void softmax(int keys) {
        for (int lane = 0; lane < vectors * L; lane += L) {
            growMaximum(lane, keys);
        }
        for (int e = 0; e < vectors * L; e++) {
            float old = max[e];
            float grown = shift[e];
            max[e] = grown;
            shift[e] = grown == NEGATIVE_INFINITY ? 0f : grown;
            alpha[e] = old == grown ? 1f : (float) Math.exp(old - shift[e]);
        }
        for (int lane = 0; lane < vectors * L; lane += L) {
            TileExp.exponentials(logits, TileProducts.at(lane, tileRows), keys, G, shift, lane, tileSum);
            FloatVector.fromArray(F, sum, lane).mul(FloatVector.fromArray(F, alpha, lane))
                    .add(FloatVector.fromArray(F, tileSum, lane)).intoArray(sum, lane);
        }
    }

    /** {@code shift ← max(m_old, max_j S_j)}, the new maxima. */
    private void growMaximum(int lane, int keys) {
        FloatVector m = FloatVector.fromArray(F, max, lane);
        for (int j = 0, at = TileProducts.at(lane, tileRows); j < keys; j++, at += G) {
            m = m.max(FloatVector.fromArray(F, logits, at));
        }
        m.intoArray(shift, lane);
    }

    /**
     * {@code out = (Oᵀ + value-embedding term) / l}; zeros for an entry that saw no finite logit, NaN
     * for one that saw a NaN or +∞ logit (its running maximum is then NaN or +∞).
     */
    private void write(AttentionProblem p) {
        for (int e = 0; e < entries; e++) {
            int o = p.outAt(row[e], head[e]);
            float l = sum[e];
            float m = max[e];
            for (int c = 0; c < p.valueDim; c++) {
                float weighted = narrow ? outputRows[e * p.valueDim + c]
                        : output[TileProducts.at(e, paddedValueDim) + c * G];
                p.out[o + c] = m == NEGATIVE_INFINITY ? 0f
                        : Float.isNaN(m) || m == Float.POSITIVE_INFINITY ? Float.NaN
                        : (weighted + scheme.valueTerm(p, e, c)) / l;
            }
        }
    }

    /** Every entry of the block in double. */
    private void exact(AttentionProblem p) {
        if (exactScores.length < p.keys) {
            exactScores = new double[p.keys];
        }
        if (exactSum.length < p.valueDim) {
            exactSum = new double[p.valueDim];
        }
        for (int e = 0; e < entries; e++) {
            ExactAttention.row(p, head[e], row[e], exactScores, exactSum);
        }
    }
}
