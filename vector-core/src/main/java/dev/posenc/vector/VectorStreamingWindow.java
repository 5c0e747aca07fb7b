package dev.posenc.vector;

import dev.posenc.bias.StreamingWindow;
import dev.posenc.reference.AttentionCall;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StreamingWindow} on a tile: −∞ on the keys of the gap {@code [n, p − w)} between the sink tokens
 * and the window, set (not added, so a NaN or ∞ logit of a hidden key stays hidden). The block's keys
 * are the causal hull {@code [0, p]}: tiles wholly inside every entry's gap are still computed and then
 * masked, so a query costs O(p) rather than O(n + w). Skipping them needs a block's keys to be two
 * ranges of rows, the generalisation a ring-buffer KV cache needs too. Tiles that hold no key of any
 * entry's gap are not touched.
 */
final class VectorStreamingWindow implements VectorScheme {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();

    private int sinkTokens;
    private int window;

    VectorStreamingWindow use(StreamingWindow streaming) {
        sinkTokens = streaming.sinkTokens();
        window = streaming.window();
        return this;
    }

    @Override
    public void addBias(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        int from = Math.max(j0, sinkTokens);
        // Entry e's gap ends at p_e − w: no entry has a gap key at or after latest − w.
        int to = (int) Math.min(j1, Math.max(from, (long) entries.latestPosition() - window));
        for (int v = 0; v < entries.vectors && from < to; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, entries.position, lane);
            for (int j = from, at = TileProducts.at(lane, rows) + (from - j0) * TileProducts.PANEL; j < to;
                    j++, at += TileProducts.PANEL) {
                // j < p − w, as p > j + w (j + w < the latest position: no overflow)
                VectorMask<Float> hidden = position.compare(VectorOperators.GT, j + window).cast(F);
                FloatVector.fromArray(F, s, at).blend(Float.NEGATIVE_INFINITY, hidden).intoArray(s, at);
            }
        }
    }
}
