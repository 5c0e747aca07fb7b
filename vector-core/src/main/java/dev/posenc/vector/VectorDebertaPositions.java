package dev.posenc.vector;

import dev.posenc.bias.DebertaPositions;
import dev.posenc.reference.AttentionCall;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DebertaPositions} on a tile, as Shaw's key term and a transposed twin of it:
 * <ul>
 *   <li>content to position: per block, the products {@code q·Kr_h[c]} of every entry and index
 *       ({@link TileProducts#scores}, Kr_h's rows as the lanes and the entries of head h as the keys; Qᵀ is
 *       already scaled);
 *   <li>position to content: per tile, the products {@code k_j·(s·Qr_h[c])} of the tile's key rows (read where
 *       they are, {@link AttentionCall#k}) with the indices the tile's distances reach ({@link TileProducts#scores},
 *       Qr's rows as the lanes), the rows of one kv head's heads packed together and run against that kv head's
 *       keys (a block may hold several kv heads: a narrow part holds as many as fill a vector of entries);
 * </ul>
 * then both gathered per (entry, key) at {@code c(p, t)}, itself gathered from a table by distance
 * (so no logarithm runs per logit). Each product is one lane's chain of fused multiply-adds over the head width,
 * in the same order whichever operand is the lane ({@link TileProducts}), so packing and the lanes' roles change no
 * bit. The logit's bound gains {@code ‖q‖·max‖Kr_h‖ + max‖k‖·max‖Qr_h‖} ({@link LogitGuard}), {@code max‖k‖}
 * the tile's. Works on copies of
 * the tables ({@link Tables}).
 *
 * <p>Qr's rows packed, parts of four kv heads and the c2p products taken per head took DeBERTa's decode from 0.117 to
 * 0.248 of ALiBi's speed. Measurements: docs/experiments/prefill.md, "DeBERTa decode against ALiBi".
 */
final class VectorDebertaPositions implements VectorScheme {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;
    private static final int WIDTH = Entries.WIDTH;

    private Tables table;
    private int span;
    private int headDim;
    private int reach;
    private float scale;
    /** The block's largest {@code ‖Qr_h‖} ({@link #keyNormShare}). */
    private double keyNormShare;
    /** The block's heads: the first, how many, and per head its entries' smallest and largest positions. */
    private int firstHead;
    private int heads;
    private int[] earliest = new int[0];
    private int[] latest = new int[0];
    /** c2p per entry, {@code [count × rowLanes]}, and the entries' scaled query rows it is computed from. */
    private float[] keyTerms = new float[0];
    private float[] queryRows = new float[0];
    /** The tile's p2c, pack after pack ({@link #pack}), {@code [keys × width]} each. */
    private float[] queryTerms = new float[0];
    private int queryTermsSize;
    private float[] products = new float[0];
    /** Per pack, its Qᵀ; whether they hold the rows {@code [low, high]} of every slot (since the block's start). */
    private float[][] transposed = new float[0][];
    private int transposedSize;
    private boolean packed;
    private float[] tail = new float[0];
    /** Per slot (head of the block): the rows of Qr the tile reaches, where row 0 would sit in queryTerms, its pack's width. */
    private int[] low = new int[0];
    private int[] high = new int[0];
    private int[] slotRow = new int[0];
    private int[] slotWidth = new int[0];
    /** Per pack: its first slot (and the end, {@code packSlot[packs] = heads}), its start in queryTerms, its lanes. */
    private int[] packSlot = new int[0];
    private int[] packBase = new int[0];
    private int[] packWidth = new int[0];
    /** Per lane: its head's offsets into keyTerms and queryTerms, its pack's width, and its head's index range in the tile. */
    private final int[] keyBase = new int[WIDTH];
    private final int[] queryBase = new int[WIDTH];
    private final int[] queryWidth = new int[WIDTH];
    private final int[] laneLow = new int[WIDTH];
    private final int[] laneHigh = new int[WIDTH];
    private final int[] offsets = new int[L];

    VectorDebertaPositions use(DebertaPositions deberta, AttentionCall call, SchemeTables tables) {
        table = tables.of(Tables.class, Tables::new);
        table.fill(deberta, call.maxDistance());
        span = deberta.span();
        headDim = deberta.headDim();
        reach = table.reach;
        return this;
    }

    /**
     * Copies of one scheme's Kr and Qr ({@code [heads × 2·span × headDim]}), Kr again with its rows as lanes (the c2p
     * products'), their rows' largest norms per head and the index {@code c} by distance {@code r = p − t ∈ [−R, R]},
     * kept in the workspace's {@link SchemeTables}.
     */
    static final class Tables {
        private DebertaPositions deberta;
        private float[] keys = new float[0];
        private float[] queries = new float[0];
        /** Kr per head as the lanes of a Qᵀ ({@link TileProducts#at}), {@code rowLanes·headDim} each, zero lanes past 2·span. */
        private float[][] keysAsLanes = new float[0][];
        private int rowLanes;
        private double[] keyRowNorm = new double[0];
        private double[] queryRowNorm = new double[0];
        private int reach = -1;
        private int[] indexByDistance = new int[0];
        private final float[] lanes = new float[L];

        void fill(DebertaPositions deberta, int needed) {
            if (deberta != this.deberta) {
                int rows = 2 * deberta.span();
                int d = deberta.headDim();
                int size = deberta.heads() * rows * d;
                if (keys.length < size) {
                    keys = new float[size];
                    queries = new float[size];
                }
                rowLanes = (rows + L - 1) / L * L;
                int perHead = (rowLanes + PANEL - 1) / PANEL * PANEL * d;
                if (keysAsLanes.length < deberta.heads() || keysAsLanes[0].length < perHead) {
                    keysAsLanes = new float[deberta.heads()][perHead];
                }
                keyRowNorm = new double[deberta.heads()];
                queryRowNorm = new double[deberta.heads()];
                for (int h = 0; h < deberta.heads(); h++) {
                    for (int c = 0; c < rows; c++) {
                        for (int i = 0; i < d; i++) {
                            keys[(h * rows + c) * d + i] = deberta.keyEmbedding(h, c, i);
                            queries[(h * rows + c) * d + i] = deberta.queryEmbedding(h, c, i);
                        }
                    }
                    for (int c = 0; c < rowLanes; c++) {
                        for (int i = 0; i < d; i++) {
                            keysAsLanes[h][TileProducts.at(c, d) + i * PANEL] = c < rows ? keys[(h * rows + c) * d + i] : 0f;
                        }
                    }
                    keyRowNorm[h] = Math.sqrt(LogitGuard.maxSquaredNorm(keys, h * rows * d, d, rows, d, lanes));
                    queryRowNorm[h] = Math.sqrt(LogitGuard.maxSquaredNorm(queries, h * rows * d, d, rows, d, lanes));
                }
                reach = -1;
            } else if (needed <= reach) {
                return;
            }
            int reach = deberta == this.deberta ? (int) Math.min(Integer.MAX_VALUE / 2 - 1, Math.max(needed, 2L * this.reach)) : needed;
            if (indexByDistance.length < 2 * reach + 1) {
                indexByDistance = new int[2 * reach + 1];
            }
            for (int r = -reach; r <= reach; r++) {
                indexByDistance[reach + r] = deberta.index(r, 0);
            }
            this.deberta = deberta;
            this.reach = reach;
        }
    }

    /**
     * The c2p products of every entry and index, {@code [entry × rowLanes]} (Kr's rows as the lanes, each entry's
     * query row as a key: the same chains of fused multiply-adds as with the entries as the lanes, and one head's
     * rows per entry instead of the block's every head's); the logit bound's share.
     */
    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        this.scale = scale;
        int d = headDim;
        int rows = 2 * span;
        int rowLanes = table.rowLanes;
        firstHead = entries.head[0];
        heads = entries.head[entries.count - 1] - firstHead + 1;
        if (earliest.length < heads) {
            earliest = new int[heads];
            latest = new int[heads];
            low = new int[heads];
            high = new int[heads];
            slotRow = new int[heads];
            slotWidth = new int[heads];
            packSlot = new int[heads + 1];
            packBase = new int[heads];
            packWidth = new int[heads];
        }
        packed = false;
        int transposedLanes = (rows + PANEL - 1) / PANEL * PANEL;
        if (transposedSize < d * transposedLanes) {
            transposedSize = d * transposedLanes;
            transposed = new float[0][];
        }
        Arrays.fill(earliest, 0, heads, Integer.MAX_VALUE);
        Arrays.fill(latest, 0, heads, Integer.MIN_VALUE);
        for (int e = 0; e < entries.count; e++) {
            int slot = entries.head[e] - firstHead;
            earliest[slot] = Math.min(earliest[slot], entries.position[e]);
            latest[slot] = Math.max(latest[slot], entries.position[e]);
        }
        if (keyTerms.length < entries.count * rowLanes) {
            keyTerms = new float[entries.count * rowLanes];
        }
        if (queryRows.length < entries.count * d) {
            queryRows = new float[entries.count * d];
        }
        int sRows = TilePacks.padded(entries.count);
        int size = (rowLanes + PANEL - 1) / PANEL * PANEL * sRows;
        if (products.length < size) {
            products = new float[size];
        }
        if (tail.length < 8 * d) {
            tail = new float[8 * d];
        }
        for (int e = 0; e < entries.count; e++) {
            for (int c = 0, at = TileProducts.at(e, d); c < d; c++) {
                queryRows[e * d + c] = queries[at + c * PANEL];
            }
        }
        for (int e0 = 0, e1 = 1; e0 < entries.count; e0 = e1++) {
            int h = entries.head[e0];
            while (e1 < entries.count && entries.head[e1] == h) {
                e1++;
            }
            TileProducts.scores(table.keysAsLanes[h], d, rowLanes / L, queryRows, e0 * d, d, e1 - e0, tail, products, sRows);
            for (int e = e0; e < e1; e++) {
                for (int lane = 0; lane < rowLanes; lane += L) {
                    FloatVector.fromArray(F, products, TileProducts.at(lane, sRows) + (e - e0) * PANEL)
                            .intoArray(keyTerms, e * rowLanes + lane);
                }
            }
        }
        double extra = 0;
        keyNormShare = 0;
        for (int slot = 0; slot < heads; slot++) {
            int h = firstHead + slot;
            extra = Math.max(extra, queryNorm * table.keyRowNorm[h]);
            keyNormShare = Math.max(keyNormShare, table.queryRowNorm[h]);
        }
        for (int e = 0; e < entries.vectors * L; e++) {
            keyBase[e] = e < entries.count ? e * rowLanes : 0;
        }
        return extra;
    }

    /** {@code max‖Qr_h‖} over the block's heads: the p2c terms' share of the logit bound is the tile's {@code max‖k‖} times it. */
    @Override
    public double keyNormShare() {
        return keyNormShare;
    }

    /**
     * {@code s += q·Kr[c] + k·Qr[c]} (both already scaled) with {@code c = c(p, t)}. The rows of Qr the tile's
     * distances reach are packed, head after head of one kv head, into as few vectors of lanes as hold them, and each
     * pack's products run once against its kv head's keys ({@link #queryTerms}).
     */
    @Override
    public void addLogitTerms(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        int keys = j1 - j0;
        boolean same = packed;
        for (int slot = 0; slot < heads; slot++) {
            int lo = table.indexByDistance[reach + clamp((long) earliest[slot] - (j1 - 1))];
            int hi = table.indexByDistance[reach + clamp((long) latest[slot] - j0)];
            same &= lo == low[slot] && hi == high[slot];
            low[slot] = lo;
            high[slot] = hi;
        }
        int packs = pack(call, keys);
        if (queryTerms.length < queryTermsSize) {
            queryTerms = new float[queryTermsSize];
        }
        int sRows = TilePacks.padded(keys);
        int maxPanels = (2 * span + PANEL - 1) / PANEL;
        if (products.length < maxPanels * sRows * PANEL) {
            products = new float[maxPanels * sRows * PANEL];
        }
        for (int p = 0; p < packs; p++) {
            int width = packWidth[p];
            float[] qT = transposed(p);
            if (!same) {
                transpose(qT, packSlot[p], packSlot[p + 1], width);
            }
            int kvHead = (firstHead + packSlot[p]) / call.group();
            TileProducts.scores(qT, headDim, width / L, call.k(), call.kAt(j0, kvHead), call.kStride(), keys, tail, products, sRows);
            for (int j = 0; j < keys; j++) {
                for (int lane = 0; lane < width; lane += L) {
                    FloatVector.fromArray(F, products, TileProducts.at(lane, sRows) + j * PANEL)
                            .intoArray(queryTerms, packBase[p] + j * width + lane);
                }
            }
        }
        packed = true;
        for (int e = 0; e < entries.vectors * L; e++) {
            int slot = e < entries.count ? entries.head[e] - firstHead : 0;
            laneLow[e] = low[slot];
            laneHigh[e] = high[slot];
            queryBase[e] = slotRow[slot];
            queryWidth[e] = slotWidth[slot];
        }
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            gather(s, TileProducts.at(lane, rows), j0, j1, entries.position, lane, table.indexByDistance, reach, keyTerms,
                    keyBase, queryTerms, queryBase, queryWidth, laneLow, laneHigh, offsets);
        }
    }

    /**
     * Cuts the block's heads into packs (one kv head's neighbouring heads whose rows {@code [low, high]} fit one
     * head's room, {@code 2·span} lanes rounded up to a panel): pack p holds slots {@code [packSlot[p],
     * packSlot[p + 1])} in {@code packWidth[p]} lanes (whole vectors), its products {@code [keys × width]} from
     * {@code packBase[p]} in {@link #queryTerms}; per slot, where its row {@code low} is and its pack's width. Returns
     * the packs.
     */
    private int pack(AttentionCall call, int keys) {
        int room = (2 * span + PANEL - 1) / PANEL * PANEL;
        int packs = 0;
        int size = 0;
        for (int slot = 0; slot < heads; packs++) {
            int kvHead = (firstHead + slot) / call.group();
            int first = slot;
            int lanes = 0;
            for (; slot < heads && (firstHead + slot) / call.group() == kvHead && lanes + high[slot] - low[slot] + 1 <= room; slot++) {
                slotRow[slot] = size + lanes - low[slot];
                lanes += high[slot] - low[slot] + 1;
            }
            int width = (lanes + L - 1) / L * L;
            for (int i = first; i < slot; i++) {
                slotWidth[i] = width;
            }
            packSlot[packs] = first;
            packBase[packs] = size;
            packWidth[packs] = width;
            size += keys * width;
        }
        packSlot[packs] = heads;
        queryTermsSize = size;
        return packs;
    }

    /** Pack p's Qᵀ, {@code [headDim × lanes]} lane-major by panel (kept from tile to tile while its rows are). */
    private float[] transposed(int p) {
        if (transposed.length <= p) {
            transposed = Arrays.copyOf(transposed, heads);
        }
        if (transposed[p] == null) {
            transposed[p] = new float[transposedSize];
        }
        return transposed[p];
    }

    /** The rows {@code s·Qr_h[low..high]} of slots {@code [from, to)} one after another as lanes, zeros up to {@code width}. */
    private void transpose(float[] qT, int from, int to, int width) {
        int d = headDim;
        int lane = 0;
        for (int slot = from; slot < to; slot++) {
            for (int i = low[slot]; i <= high[slot]; i++, lane++) {
                int row = ((firstHead + slot) * 2 * span + i) * d;
                int at = TileProducts.at(lane, d);
                for (int c = 0; c < d; c++) {
                    qT[at + c * PANEL] = table.queries[row + c] * scale;
                }
            }
        }
        for (; lane < width; lane++) {
            int at = TileProducts.at(lane, d);
            for (int c = 0; c < d; c++) {
                qT[at + c * PANEL] = 0f;
            }
        }
    }

    private int clamp(long r) {
        return (int) Math.max(-reach, Math.min(reach, r));
    }

    /** One vector of lanes over the tile's keys: the index by distance, then the c2p and p2c products at it. */
    private static void gather(float[] s, int at0, int j0, int j1, int[] positions, int lane, int[] indexByDistance, int reach,
                               float[] keyTerms, int[] keyBase, float[] queryTerms, int[] queryBase, int[] queryWidth,
                               int[] laneLow, int[] laneHigh, int[] offsets) {
        IntVector position = IntVector.fromArray(I, positions, lane);
        IntVector keyAt = IntVector.fromArray(I, keyBase, lane);
        IntVector queryAt = IntVector.fromArray(I, queryBase, lane);
        IntVector width = IntVector.fromArray(I, queryWidth, lane);
        IntVector lo = IntVector.fromArray(I, laneLow, lane);
        IntVector hi = IntVector.fromArray(I, laneHigh, lane);
        for (int j = j0, at = at0; j < j1; j++, at += PANEL) {
            position.sub(j).max(-reach).min(reach).add(reach).intoArray(offsets, 0);
            IntVector c = IntVector.fromArray(I, indexByDistance, 0, offsets, 0).max(lo).min(hi);
            c.add(keyAt).intoArray(offsets, 0);
            FloatVector c2p = FloatVector.fromArray(F, keyTerms, 0, offsets, 0);
            width.mul(j - j0).add(queryAt).add(c).intoArray(offsets, 0);
            FloatVector p2c = FloatVector.fromArray(F, queryTerms, 0, offsets, 0);
            FloatVector.fromArray(F, s, at).add(c2p).add(p2c).intoArray(s, at);
        }
    }
}
