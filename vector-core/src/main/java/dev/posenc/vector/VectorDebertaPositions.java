package dev.posenc.vector;

import dev.posenc.bias.DebertaPositions;
import dev.posenc.reference.AttentionCall;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DebertaPositions} on a tile, as Shaw's key term and a transposed twin of it:
 * <ul>
 *   <li>content to position: per block, the products {@code q·Kr_h[c]} of every entry and index
 *       ({@link TileProducts#scores}, Kr as a tile of keys; Qᵀ is already scaled), once per head of the
 *       block;
 *   <li>position to content: per tile and head, the products {@code k_j·(s·Qr_h[c])} of the tile's key
 *       rows (read where they are, {@link AttentionCall#k}) with the indices the tile's distances reach
 *       ({@link TileProducts#scores}, Qr's rows as the lanes);
 * </ul>
 * then both gathered per (entry, key) at {@code c(p, t)}, itself gathered from a table by distance
 * (so no logarithm runs per logit). The logit's bound gains {@code ‖q‖·max‖Kr_h‖ + max‖k‖·max‖Qr_h‖}
 * ({@link LogitGuard}). Works on copies of the tables ({@link Tables}).
 */
final class VectorDebertaPositions implements VectorScheme {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;
    private static final int PANEL_SHIFT = Integer.numberOfTrailingZeros(PANEL);
    private static final int WIDTH = Entries.WIDTH;

    private Tables table;
    private int span;
    private int headDim;
    private int reach;
    private float scale;
    /** The block's heads: the first, how many, and per head its entries' smallest and largest positions. */
    private int firstHead;
    private int heads;
    private int[] earliest = new int[0];
    private int[] latest = new int[0];
    /** c2p per head of the block, lane-major {@code [paddedRows × lanes]} each, one after the other. */
    private float[] keyTerms = new float[0];
    private int keyTermsSize;
    /** The tile's p2c per head of the block, lane-major {@code [sRows × lanes]} over the indices it reaches. */
    private float[] queryTerms = new float[0];
    private int queryTermsSize;
    private float[] products = new float[0];
    private float[] transposed = new float[0];
    private float[] tail = new float[0];
    /** Per lane: its head's slot offsets into keyTerms and queryTerms, and its head's index range in the tile. */
    private final int[] keyBase = new int[WIDTH];
    private final int[] queryBase = new int[WIDTH];
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
     * Copies of one scheme's Kr and Qr ({@code [heads × 2·span × headDim]}), their rows' largest norms per
     * head, the index {@code c} by distance {@code r = p − t ∈ [−R, R]}, and the call's largest key norm
     * per kv head, kept in the workspace's {@link SchemeTables}.
     */
    static final class Tables {
        private DebertaPositions deberta;
        private float[] keys = new float[0];
        private float[] queries = new float[0];
        private double[] keyRowNorm = new double[0];
        private double[] queryRowNorm = new double[0];
        private int reach = -1;
        private int[] indexByDistance = new int[0];
        private AttentionCall normsOf;
        private long normsSerial;
        private double[] callKeyNorm = new double[0];
        private boolean[] callKeyNormKnown = new boolean[0];
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
                keyRowNorm = new double[deberta.heads()];
                queryRowNorm = new double[deberta.heads()];
                for (int h = 0; h < deberta.heads(); h++) {
                    for (int c = 0; c < rows; c++) {
                        for (int i = 0; i < d; i++) {
                            keys[(h * rows + c) * d + i] = deberta.keyEmbedding(h, c, i);
                            queries[(h * rows + c) * d + i] = deberta.queryEmbedding(h, c, i);
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

        /** The largest norm of kv head g's keys that some query of the call may see, once per call and kv head. */
        double keyNorm(AttentionCall call, int g) {
            if (normsOf != call || normsSerial != call.serial()) {
                normsOf = call;
                normsSerial = call.serial();
                if (callKeyNorm.length < call.kvHeads()) {
                    callKeyNorm = new double[call.kvHeads()];
                    callKeyNormKnown = new boolean[call.kvHeads()];
                }
                Arrays.fill(callKeyNormKnown, false);
            }
            if (!callKeyNormKnown[g]) {
                int first = call.callFirstKey();
                int n = call.callEndKey() - first;
                callKeyNorm[g] = n <= 0 ? 0 : Math.sqrt(LogitGuard.maxSquaredNorm(call.k(), call.kAt(first, g), call.kStride(), n,
                        call.headDim(), lanes));
                callKeyNormKnown[g] = true;
            }
            return callKeyNorm[g];
        }
    }

    /** The c2p products of every entry and index, per head of the block; the logit bound's share. */
    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        this.scale = scale;
        int d = headDim;
        int rows = 2 * span;
        int paddedRows = TilePacks.padded(rows);
        int lanes = entries.panels() * PANEL;
        firstHead = entries.head[0];
        heads = entries.head[entries.count - 1] - firstHead + 1;
        if (earliest.length < heads) {
            earliest = new int[heads];
            latest = new int[heads];
        }
        Arrays.fill(earliest, 0, heads, Integer.MAX_VALUE);
        Arrays.fill(latest, 0, heads, Integer.MIN_VALUE);
        for (int e = 0; e < entries.count; e++) {
            int slot = entries.head[e] - firstHead;
            earliest[slot] = Math.min(earliest[slot], entries.position[e]);
            latest[slot] = Math.max(latest[slot], entries.position[e]);
        }
        keyTermsSize = paddedRows * lanes;
        if (keyTerms.length < heads * keyTermsSize) {
            keyTerms = new float[heads * keyTermsSize];
        }
        if (products.length < keyTermsSize) {
            products = new float[keyTermsSize];
        }
        if (tail.length < 8 * d) {
            tail = new float[8 * d];
        }
        double extra = 0;
        double keyNorm = table.keyNorm(call, firstHead / call.group());
        for (int slot = 0; slot < heads; slot++) {
            int h = firstHead + slot;
            TileProducts.scores(queries, d, entries.vectors, table.keys, h * rows * d, d, rows, tail, products, paddedRows);
            System.arraycopy(products, 0, keyTerms, slot * keyTermsSize, keyTermsSize);
            extra = Math.max(extra, queryNorm * table.keyRowNorm[h] + keyNorm * table.queryRowNorm[h]);
        }
        for (int e = 0; e < entries.vectors * L; e++) {
            int slot = e < entries.count ? entries.head[e] - firstHead : 0;
            keyBase[e] = slot * keyTermsSize + TileProducts.at(e, paddedRows);
        }
        return extra;
    }

    /** {@code s += q·Kr[c] + k·Qr[c]} (both already scaled) with {@code c = c(p, t)}. */
    @Override
    public void addLogitTerms(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        int d = headDim;
        int keys = j1 - j0;
        int sRows = TilePacks.padded(keys);
        int kvHead = firstHead / call.group();
        int maxPanels = (2 * span + PANEL - 1) / PANEL;
        queryTermsSize = maxPanels * sRows * PANEL;
        if (queryTerms.length < heads * queryTermsSize) {
            queryTerms = new float[heads * queryTermsSize];
        }
        if (products.length < queryTermsSize) {
            products = new float[queryTermsSize];
        }
        if (transposed.length < maxPanels * d * PANEL) {
            transposed = new float[maxPanels * d * PANEL];
        }
        for (int slot = 0; slot < heads; slot++) {
            int h = firstHead + slot;
            int lo = table.indexByDistance[reach + clamp((long) earliest[slot] - (j1 - 1))];
            int hi = table.indexByDistance[reach + clamp((long) latest[slot] - j0)];
            int n = hi - lo + 1;
            int vectors = (n + L - 1) / L;
            // The lanes the products read: whole vectors (a partial panel's other vectors are not read).
            for (int i = 0; i < vectors * L; i++) {
                int row = (h * 2 * span + lo + i) * d;
                int to = TileProducts.at(i, d);
                for (int c = 0; c < d; c++) {
                    transposed[to + c * PANEL] = i < n ? table.queries[row + c] * scale : 0f;
                }
            }
            TileProducts.scores(transposed, d, vectors, call.k(), call.kAt(j0, kvHead), call.kStride(), keys, tail, products, sRows);
            System.arraycopy(products, 0, queryTerms, slot * queryTermsSize, (vectors + 3) / 4 * sRows * PANEL);
            for (int e = 0; e < entries.vectors * L; e++) {
                if ((e < entries.count ? entries.head[e] - firstHead : 0) == slot) {
                    laneLow[e] = lo;
                    laneHigh[e] = hi;
                    queryBase[e] = slot * queryTermsSize;
                }
            }
        }
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            gather(s, TileProducts.at(lane, rows), j0, j1, entries.position, lane, table.indexByDistance, reach, keyTerms,
                    keyBase, queryTerms, queryBase, laneLow, laneHigh, sRows, offsets);
        }
    }

    private int clamp(long r) {
        return (int) Math.max(-reach, Math.min(reach, r));
    }

    /** One vector of lanes over the tile's keys: the index by distance, then the c2p and p2c products at it. */
    private static void gather(float[] s, int at0, int j0, int j1, int[] positions, int lane, int[] indexByDistance, int reach,
                               float[] keyTerms, int[] keyBase, float[] queryTerms, int[] queryBase, int[] laneLow,
                               int[] laneHigh, int sRows, int[] offsets) {
        IntVector position = IntVector.fromArray(I, positions, lane);
        IntVector keyAt = IntVector.fromArray(I, keyBase, lane);
        IntVector queryAt = IntVector.fromArray(I, queryBase, lane);
        IntVector lo = IntVector.fromArray(I, laneLow, lane);
        IntVector hi = IntVector.fromArray(I, laneHigh, lane);
        for (int j = j0, at = at0; j < j1; j++, at += PANEL) {
            position.sub(j).max(-reach).min(reach).add(reach).intoArray(offsets, 0);
            IntVector c = IntVector.fromArray(I, indexByDistance, 0, offsets, 0).max(lo).min(hi);
            c.mul(PANEL).add(keyAt).intoArray(offsets, 0);
            FloatVector c2p = FloatVector.fromArray(F, keyTerms, 0, offsets, 0);
            IntVector relative = c.sub(lo);
            relative.lanewise(VectorOperators.ASHR, PANEL_SHIFT).mul(sRows * PANEL).add(relative.and(PANEL - 1))
                    .add(queryAt).add((j - j0) * PANEL).intoArray(offsets, 0);
            FloatVector p2c = FloatVector.fromArray(F, queryTerms, 0, offsets, 0);
            FloatVector.fromArray(F, s, at).add(c2p).add(p2c).intoArray(s, at);
        }
    }
}
