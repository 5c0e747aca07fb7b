package dev.posenc.vector;

import dev.posenc.bias.TransformerXlPositions;
import dev.posenc.reference.AttentionCall;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link TransformerXlPositions} on a tile: Qᵀ holds {@code (q + u)·s} (u through
 * {@link #queryOffsets}), so the tile's product is terms (a) + (c); this evaluator adds
 * {@code (q + v)·s·r_δ} (terms (b) + (d)) per (entry, key) at the clamped distance
 * {@code δ = clamp(p − j, 0, maxDistance)}, summed in order (the same bits in every JIT tier). It works
 * on copies of u, v and r ({@link Table}).
 */
final class VectorTransformerXlPositions implements VectorScheme {
    private static final int WIDTH = Entries.WIDTH;

    private Table table;
    private int heads;
    private int headDim;
    private int maxDistance;
    /** {@code (q + v)·s} per entry, row-major {@code [WIDTH × headDim]}. */
    private float[] positionQueries = new float[0];

    VectorTransformerXlPositions use(TransformerXlPositions xl, SchemeTables tables) {
        table = tables.of(Table.class, Table::new);
        table.fill(xl);
        heads = xl.heads();
        headDim = xl.headDim();
        maxDistance = xl.maxDistance();
        return this;
    }

    /**
     * Copies of one scheme's u, v ({@code [heads × headDim]}) and r ({@code [(maxDistance + 1) × heads ×
     * headDim]}), read through its read-only views, and the largest squared norm of r's rows of one head,
     * kept in the workspace's {@link SchemeTables}: refilled when a call brings another
     * {@code TransformerXlPositions}.
     */
    static final class Table {
        private TransformerXlPositions xl;
        private float[] u = new float[0];
        private float[] v = new float[0];
        private float[] r = new float[0];
        private double relativeNorm;

        void fill(TransformerXlPositions xl) {
            if (xl == this.xl) {
                return;
            }
            u = copy(xl.contentBiases(), u);
            v = copy(xl.positionBiases(), v);
            r = copy(xl.relativeEmbeddings(), r);
            int d = xl.headDim();
            int rows = (xl.maxDistance() + 1) * xl.heads();
            relativeNorm = 0;
            for (int row = 0; row < rows; row++) {
                double norm = 0;
                for (int c = 0; c < d; c++) {
                    double x = r[row * d + c];
                    norm += x * x;
                }
                relativeNorm = Math.max(relativeNorm, norm);
            }
            this.xl = xl;
        }

        private static float[] copy(MemorySegment from, float[] to) {
            int n = (int) (from.byteSize() / Float.BYTES);
            float[] into = to.length < n ? new float[n] : to;
            MemorySegment.copy(from, ValueLayout.JAVA_FLOAT, 0, into, 0, n);
            return into;
        }
    }

    @Override
    public float[] queryOffsets() {
        return table.u;
    }

    /** {@code (q + v)·s} of every entry; the bound's share is {@code max ‖q + v‖ · max ‖r_δ‖}. */
    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        if (positionQueries.length < WIDTH * headDim) {
            positionQueries = new float[WIDTH * headDim];
        }
        return entries.scaledQueries(call, table.v, scale, positionQueries, false) * Math.sqrt(table.relativeNorm);
    }

    @Override
    public void addLogitTerms(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        int d = headDim;
        int width = heads * d;
        float[] r = table.r;
        for (int e = 0; e < entries.count; e++) {
            int h = entries.head[e] * d;
            for (int j = j0; j < j1; j++) {
                int delta = Math.max(0, Math.min(maxDistance, entries.position[e] - j));
                int at = TileProducts.at(e, rows) + (j - j0) * TileProducts.PANEL;
                s[at] += dot(positionQueries, e * d, r, delta * width + h, d);
            }
        }
    }

    /** A sum in order (the same bits in every JIT tier, unlike a lane reduction of unspecified order). */
    private static float dot(float[] a, int ai, float[] b, int bi, int d) {
        float sum = 0;
        for (int c = 0; c < d; c++) {
            sum += a[ai + c] * b[bi + c];
        }
        return sum;
    }
}
