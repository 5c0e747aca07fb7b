package dev.posenc.vector;

import dev.posenc.bias.KerpleBias;
import dev.posenc.reference.AttentionCall;

/**
 * {@link KerpleBias} on a tile: {@code −r1_h·log(1 + r2_h·|p − t|)} gathered by distance from the
 * workspace's {@link BiasByDistance} table, computed in double up to the call's largest distance. The
 * bias is the table's float, within {@code u/2·|b|} of exact.
 */
final class VectorKerpleBias implements VectorScheme {
    private BiasByDistance table;
    private final int[] base = new int[Entries.WIDTH];
    private final int[] index = new int[Lanes.FLOAT.length()];

    VectorKerpleBias use(KerpleBias kerple, AttentionCall call, SchemeTables tables) {
        table = tables.of(BiasByDistance.class, BiasByDistance::new);
        table.fill(kerple, kerple.heads(), call.maxDistance());
        return this;
    }

    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        table.bases(entries, base);
        return 0;
    }

    @Override
    public void addBias(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        table.add(entries, base, index, s, rows, j0, j1);
    }
}
