package dev.posenc.vector;

import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.reference.AttentionCall;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link T5RelativeBias} on a tile: the bias of each (entry, key) gathered from a table by clamped
 * distance. The table is this evaluator's own layout ({@link Table}): per head, the bias of every
 * distance {@code −R … R} ({@code R = min(maxDistance, the call's largest distance)}: every distance
 * from {@code maxDistance} on shares a bucket), so the kernel never evaluates a logarithm. The bias is
 * the table's float, exact. Reading a vector of consecutive query rows' biases with one load from a table stored
 * by decreasing distance (padded with the end values), instead of the gather, gave nothing on the benchmark's T5
 * prefill (8 heads × 128, 512 queries over 4096 keys: 0.991×, quartiles 0.948–1.024, 60 pairs, load 2.7–3.4); in
 * one JVM its T5 and ALiBi prefills ran within 1% of each other (1.010, quartiles 0.968–1.073, 40 pairs).
 */
final class VectorT5RelativeBias implements VectorScheme {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();

    /** The workspace's table, and where distance 0 of each entry's head is in it. */
    private Table table;
    private int reach;
    private final int[] base = new int[Entries.WIDTH];
    private final int[] index = new int[L];

    VectorT5RelativeBias use(T5RelativeBias t5, AttentionCall call, SchemeTables tables) {
        table = tables.of(Table.class, Table::new);
        table.fill(t5, Math.min(t5.buckets().maxDistance(), call.maxDistance()));
        reach = table.reach;
        return this;
    }

    /**
     * One scheme's bias per head and distance, {@code byDistance[h·(2R + 1) + R + r] = table[h, bucket(r)]}
     * for |r| ≤ R, kept in the workspace's {@link SchemeTables}: built when a call brings another
     * {@code T5RelativeBias} or needs a larger R.
     */
    static final class Table {
        private T5RelativeBias t5;
        private int reach;
        private float[] byDistance = new float[0];

        void fill(T5RelativeBias t5, int needed) {
            if (t5 == this.t5 && needed <= reach) {
                return;
            }
            // Grown at least twofold, so that a decode that sees one key more per step rebuilds rarely.
            int reach = t5 == this.t5 ? (int) Math.min(t5.buckets().maxDistance(), Math.max(needed, 2L * this.reach)) : needed;
            T5Buckets buckets = t5.buckets();
            int width = 2 * reach + 1;
            if (byDistance.length < t5.heads() * width) {
                byDistance = new float[t5.heads() * width];
            }
            for (int r = -reach; r <= reach; r++) {
                int bucket = buckets.bucket(r);
                for (int h = 0; h < t5.heads(); h++) {
                    byDistance[h * width + reach + r] = t5.table(h, bucket);
                }
            }
            this.t5 = t5;
            this.reach = reach;
        }
    }

    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        for (int e = 0; e < entries.vectors * L; e++) {
            base[e] = entries.head[e] * (2 * reach + 1) + reach;
        }
        return 0;
    }

    /**
     * The bias of the clamped distance, gathered per key; once per tile when every entry's distance to
     * every key of the tile is clamped to the same end (keys at least R before or after all of them: most
     * of a long decode), where the values are the same.
     */
    @Override
    public void addBias(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        int earliest = entries.earliestPosition();
        int latest = entries.latestPosition();
        // j1 − 1 − earliest is the largest distance of the tile, j0 − latest the smallest.
        int clamped = (long) j1 - 1 - earliest <= -reach ? -reach : (long) j0 - latest >= reach ? reach : 0;
        float[] byDistance = table.byDistance;
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, entries.position, lane);
            IntVector offset = IntVector.fromArray(I, base, lane);
            if (clamped != 0) {
                offset.add(clamped).intoArray(index, 0);
                FloatVector bias = FloatVector.fromArray(F, byDistance, 0, index, 0);
                for (int j = j0, at = TileProducts.at(lane, rows); j < j1; j++, at += TileProducts.PANEL) {
                    FloatVector.fromArray(F, s, at).add(bias).intoArray(s, at);
                }
                continue;
            }
            for (int j = j0, at = TileProducts.at(lane, rows); j < j1; j++, at += TileProducts.PANEL) {
                IntVector distance = IntVector.broadcast(I, j).sub(position).max(-reach).min(reach);
                distance.add(offset).intoArray(index, 0);
                FloatVector.fromArray(F, s, at).add(FloatVector.fromArray(F, byDistance, 0, index, 0)).intoArray(s, at);
            }
        }
    }
}
