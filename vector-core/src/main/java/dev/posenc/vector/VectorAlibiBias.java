package dev.posenc.vector;

import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AlibiForm;
import dev.posenc.reference.AttentionCall;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AlibiBias} on a tile: {@code m_h·(j − p)} ({@link AlibiForm#CAUSAL}) or {@code −m_h·|j − p|}
 * ({@link AlibiForm#SYMMETRIC}) from the exact integer distance, converted to float and added with one
 * fused multiply-add per logit. Within {@code 4u·|bias|} of the exact bias.
 */
final class VectorAlibiBias implements VectorScheme {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();

    private final float[] slope = new float[Entries.WIDTH];
    private AlibiBias alibi;
    private boolean symmetric;

    VectorAlibiBias use(AlibiBias alibi) {
        this.alibi = alibi;
        symmetric = alibi.form() == AlibiForm.SYMMETRIC;
        return this;
    }

    /** Each entry's slope {@code m_h}, rounded to float. */
    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        for (int e = 0; e < entries.vectors * L; e++) {
            slope[e] = (float) alibi.slope(entries.head[e]);
        }
        return 0;
    }

    @Override
    public void addBias(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, entries.position, lane);
            FloatVector m = FloatVector.fromArray(F, slope, lane);
            for (int j = j0, at = TileProducts.at(lane, rows); j < j1; j++, at += TileProducts.PANEL) {
                IntVector distance = IntVector.broadcast(I, j).sub(position);
                if (symmetric) {
                    distance = distance.abs().neg();
                }
                FloatVector x = (FloatVector) distance.convert(VectorOperators.I2F, 0);
                FloatVector logit = FloatVector.fromArray(F, s, at);
                (FMA ? m.fma(x, logit) : m.mul(x).add(logit)).intoArray(s, at);
            }
        }
    }
}
