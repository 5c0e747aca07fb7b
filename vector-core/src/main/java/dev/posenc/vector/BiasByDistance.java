package dev.posenc.vector;

import dev.posenc.bias.PositionScheme;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A scheme's bias per head and distance {@code |p − t| ≤ R}, {@code byDistance[h·(R + 1) + d] = (float) b_h(0, d)},
 * for biases that depend on the distance only ({@code KerpleBias}, {@code FireBias} below its threshold):
 * evaluated once in double, so no logarithm or MLP runs per logit and the bits do not depend on the JIT
 * tier. Kept in the workspace ({@link SchemeTables}) and rebuilt only when a call brings another scheme
 * object or needs a larger R (then at least twice the last, so that a decode that sees one key more per
 * step rebuilds rarely).
 */
final class BiasByDistance {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();

    private PositionScheme scheme;
    private int reach = -1;
    private float[] byDistance = new float[0];

    /** Makes the table hold distances up to at least {@code needed} for {@code heads} heads of {@code scheme}. */
    void fill(PositionScheme scheme, int heads, int needed) {
        if (scheme == this.scheme && needed <= reach) {
            return;
        }
        int reach = scheme == this.scheme ? (int) Math.min(Integer.MAX_VALUE - 1, Math.max(needed, 2L * this.reach)) : needed;
        int width = reach + 1;
        if (byDistance.length < heads * width) {
            byDistance = new float[Math.multiplyExact(heads, width)];
        }
        for (int h = 0; h < heads; h++) {
            for (int d = 0; d <= reach; d++) {
                byDistance[h * width + d] = (float) scheme.bias(h, 0, d);
            }
        }
        this.scheme = scheme;
        this.reach = reach;
    }

    /** R. */
    int reach() {
        return reach;
    }

    /** Where distance 0 of each entry's head is: {@code base[e] = h_e·(R + 1)}. */
    void bases(Entries entries, int[] base) {
        for (int e = 0; e < entries.vectors * L; e++) {
            base[e] = entries.head[e] * (reach + 1);
        }
    }

    /** {@code s += byDistance[base_e + min(|j − p_e|, R)]} over the tile ({@code index}: L ints of scratch). */
    void add(Entries entries, int[] base, int[] index, float[] s, int rows, int j0, int j1) {
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, entries.position, lane);
            IntVector offset = IntVector.fromArray(I, base, lane);
            for (int j = j0, at = TileProducts.at(lane, rows); j < j1; j++, at += TileProducts.PANEL) {
                IntVector.broadcast(I, j).sub(position).abs().min(reach).add(offset).intoArray(index, 0);
                FloatVector.fromArray(F, s, at).add(FloatVector.fromArray(F, byDistance, 0, index, 0)).intoArray(s, at);
            }
        }
    }
}
