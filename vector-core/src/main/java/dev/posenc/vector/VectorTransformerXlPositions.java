package dev.posenc.vector;

import dev.posenc.bias.TransformerXlPositions;
import dev.posenc.reference.AttentionCall;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link TransformerXlPositions} on a tile: Qᵀ holds {@code (q + u)·s} (u through
 * {@link #queryOffsets}), so the tile's product is terms (a) + (c); this evaluator adds
 * {@code (q + v)·s·r_δ} (terms (b) + (d)) per (entry, key) at the clamped distance
 * {@code δ = clamp(p − j, 0, maxDistance)}, summed in order (the same bits in every JIT tier). It reads
 * r in place through the scheme's read-only view, and copies u and v when a call brings another
 * {@code TransformerXlPositions}.
 */
final class VectorTransformerXlPositions implements VectorScheme {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final int WIDTH = Entries.WIDTH;

    private TransformerXlPositions xl;
    private int headDim;
    private int maxDistance;
    /** u and v, row-major {@code [heads × headDim]}. */
    private float[] u = new float[0];
    private float[] v = new float[0];
    private MemorySegment r;
    /** The largest squared norm of r's rows of one head. */
    private double relativeNorm;
    /** {@code (q + v)·s} per entry, row-major {@code [WIDTH × headDim]}. */
    private float[] positionQueries = new float[0];

    VectorTransformerXlPositions use(TransformerXlPositions xl) {
        if (xl != this.xl) {
            headDim = xl.headDim();
            maxDistance = xl.maxDistance();
            int width = xl.heads() * headDim;
            if (u.length < width) {
                u = new float[width];
                v = new float[width];
            }
            MemorySegment.copy(xl.contentBiases(), FLOAT, 0, u, 0, width);
            MemorySegment.copy(xl.positionBiases(), FLOAT, 0, v, 0, width);
            r = xl.relativeEmbeddings();
            relativeNorm = largestSquaredNorm(r, headDim);
            this.xl = xl;
        }
        return this;
    }

    private static double largestSquaredNorm(MemorySegment table, int d) {
        double largest = 0;
        long rows = table.byteSize() / Float.BYTES / d;
        for (long row = 0; row < rows; row++) {
            double norm = 0;
            for (int c = 0; c < d; c++) {
                double x = table.getAtIndex(FLOAT, row * d + c);
                norm += x * x;
            }
            largest = Math.max(largest, norm);
        }
        return largest;
    }

    @Override
    public float[] queryOffsets() {
        return u;
    }

    /** {@code (q + v)·s} of every entry; the bound's share is {@code max ‖q + v‖ · max ‖r_δ‖}. */
    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        if (positionQueries.length < WIDTH * headDim) {
            positionQueries = new float[WIDTH * headDim];
        }
        return entries.scaledQueries(call, v, scale, positionQueries, false) * Math.sqrt(relativeNorm);
    }

    @Override
    public void addLogitTerms(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        int d = headDim;
        long width = (long) xl.heads() * d;
        for (int e = 0; e < entries.count; e++) {
            long h = (long) entries.head[e] * d;
            for (int j = j0; j < j1; j++) {
                int delta = Math.max(0, Math.min(maxDistance, entries.position[e] - j));
                int at = TileProducts.at(e, rows) + (j - j0) * TileProducts.PANEL;
                s[at] += dot(positionQueries, e * d, r, delta * width + h, d);
            }
        }
    }

    /** A sum in order (the same bits in every JIT tier, unlike a lane reduction of unspecified order). */
    private static float dot(float[] a, int ai, MemorySegment b, long bi, int d) {
        float sum = 0;
        for (int c = 0; c < d; c++) {
            sum += a[ai + c] * b.getAtIndex(FLOAT, bi + c);
        }
        return sum;
    }
}
