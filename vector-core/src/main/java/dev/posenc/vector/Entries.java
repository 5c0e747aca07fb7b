package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import dev.posenc.reference.AttentionScratch;
import dev.posenc.reference.ReferenceAttention;

/**
 * The entries of a block: up to {@link #WIDTH} (head, query row) pairs (one kv head's in a wide block, a few
 * neighbouring kv heads' in a narrow part), one per vector lane, with each entry's position and the keys
 * {@code [first, end)} its causal mask, window and position scheme leave visible. Lanes past the last entry are padding: head and row of the first entry,
 * position 0, no visible key. Set once per block ({@link #set}); every part of the block reads it.
 */
final class Entries {
    private static final int L = Lanes.FLOAT.length();
    /** Entries per block: four panels, so that each packed key and value tile serves 16·L queries. */
    static final int WIDTH = 4 * TileProducts.PANEL;

    final int[] head = new int[WIDTH];
    final int[] row = new int[WIDTH];
    final int[] position = new int[WIDTH];
    final int[] first = new int[WIDTH];
    final int[] end = new int[WIDTH];
    /** How many entries are real, and the vectors of lanes they take. */
    int count;
    int vectors;
    /** The keys some entry may see: {@code [lo, hi)}, empty ({@code lo ≥ hi}) when none sees any. */
    int lo;
    int hi;

    /** The entries {@code [heads h0, h1) × [rows r0, r1)}, head-major. */
    void set(AttentionCall call, int h0, int h1, int r0, int r1) {
        count = (h1 - h0) * (r1 - r0);
        vectors = (count + L - 1) / L;
        lo = Integer.MAX_VALUE;
        hi = 0;
        for (int e = 0; e < WIDTH; e++) {
            boolean real = e < count;
            head[e] = real ? h0 + e / (r1 - r0) : h0;
            row[e] = real ? r0 + e % (r1 - r0) : r0;
            position[e] = real ? call.position(row[e]) : 0;
            first[e] = real ? call.firstKey(position[e]) : 0;
            end[e] = real ? call.endKey(position[e]) : 0;
            if (real && end[e] > first[e]) {
                lo = Math.min(lo, first[e]);
                hi = Math.max(hi, end[e]);
            }
        }
    }

    /** Panels (groups of four vectors) the entries take. */
    int panels() {
        return (vectors + 3) / 4;
    }

    /** The first tile (a multiple of {@code tile}) holding a key some entry may see. */
    int firstTile(int tile) {
        return lo < hi ? lo / tile * tile : hi;
    }

    /** The smallest position of the real entries. */
    int earliestPosition() {
        int earliest = Integer.MAX_VALUE;
        for (int e = 0; e < count; e++) {
            earliest = Math.min(earliest, position[e]);
        }
        return earliest;
    }

    /** The largest position of the real entries. */
    int latestPosition() {
        int latest = Integer.MIN_VALUE;
        for (int e = 0; e < count; e++) {
            latest = Math.max(latest, position[e]);
        }
        return latest;
    }

    /** Whether every real entry sees every key of {@code [j0, j1)} as far as the causal mask and window go. */
    boolean allSee(int j0, int j1) {
        for (int e = 0; e < count; e++) {
            if (j0 < first[e] || j1 > end[e]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The entries' query rows offset and scaled, {@code (q_e[c] + offsets[h_e][c])·(scale·τ(p_e))}
     * ({@code offsets} {@code [heads × headDim]}, or {@code null} for none; 0 in padding lanes), into
     * {@code out}: lane-major by panel (Qᵀ, {@link TileProducts#at}) or row-major {@code [WIDTH × headDim]}.
     *
     * @return the largest {@code τ(p_e)·‖q_e + offset‖}, NaN if one is NaN
     */
    double scaledQueries(AttentionCall call, float[] offsets, double scale, float[] out, boolean laneMajor) {
        int d = call.headDim();
        float[] q = call.q();
        double largest = 0;
        for (int e = 0; e < vectors * L; e++) {
            boolean real = e < count;
            int at = call.qAt(row[e], head[e]);
            int h = head[e] * d;
            int to = laneMajor ? TileProducts.at(e, d) : e * d;
            int step = laneMajor ? TileProducts.PANEL : 1;
            double tau = real ? Math.abs(call.queryScale(position[e])) : 1;
            float entryScale = (float) (scale * tau);
            double norm = 0;
            for (int c = 0; c < d; c++) {
                float x = real ? q[at + c] : 0f;
                float offset = offsets == null || !real ? x : x + offsets[h + c];
                out[to + c * step] = offset * entryScale;
                norm += (double) offset * offset;
            }
            norm *= tau * tau;
            largest = Double.isNaN(norm) ? norm : Math.max(largest, norm);
        }
        return Math.sqrt(largest);
    }

    /** Computes and writes every entry exactly, in double ({@link ReferenceAttention#row}). */
    void computeExactly(AttentionCall call, AttentionScratch scratch) {
        for (int e = 0; e < count; e++) {
            ReferenceAttention.row(call, head[e], row[e], scratch);
        }
    }
}
