package dev.posenc.vector;

import dev.posenc.bias.FireBias;
import dev.posenc.reference.AttentionCall;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FireBias} on a tile, two ways, chosen per block:
 * <ul>
 *   <li>every entry at a position ≤ L (the trained range): the entries share the normaliser ψ(L) + ε, so
 *       the bias depends on the distance only and is gathered from a {@link BiasByDistance} table of the
 *       MLP evaluated in double once per call (kept across calls), within {@code u/2·|b|};
 *   <li>otherwise (queries past L, each with its own normaliser): per entry and key, in float,
 *       {@code x = ψ(|p − t|)·(1/(ψ(max(p, L)) + ε))} with ψ from a per-call table by distance, then the
 *       MLP lanewise, four keys at a time: {@code 3·width} operations per logit. Within
 *       {@code γ_{width+6}·(|B2_h| + Σ_k |W2_hk|·(|W1_k|·|x| + |B1_k|))} of exact.
 * </ul>
 */
final class VectorFireBias implements VectorScheme {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    private static final int WIDTH = Entries.WIDTH;

    private FireBias fire;
    private Tables tables;
    private int maxDistance;
    private boolean perEntry;
    private final int[] base = new int[WIDTH];
    private final int[] index = new int[L];
    /** Per lane: 1/normaliser, B2 of its head; W2 lane-major {@code [width × WIDTH]}. */
    private final float[] inverse = new float[WIDTH];
    private final float[] outputBias = new float[WIDTH];
    private float[] outputWeight = new float[0];

    VectorFireBias use(FireBias fire, AttentionCall call, SchemeTables schemeTables) {
        this.fire = fire;
        tables = schemeTables.of(Tables.class, Tables::new);
        maxDistance = call.maxDistance();
        return this;
    }

    /**
     * What the workspace keeps for one {@code FireBias}: the bias table of queries within L, ψ by distance
     * (float, from double) and copies of W1 and B1.
     */
    static final class Tables {
        private final BiasByDistance withinThreshold = new BiasByDistance();
        private FireBias fire;
        private int reach = -1;
        private float[] psi = new float[0];
        private float[] inputWeight = new float[0];
        private float[] inputBias = new float[0];

        void fillPsi(FireBias fire, int needed) {
            if (fire != this.fire) {
                inputWeight = new float[fire.width()];
                inputBias = new float[fire.width()];
                for (int k = 0; k < fire.width(); k++) {
                    inputWeight[k] = fire.inputWeight(k);
                    inputBias[k] = fire.inputBias(k);
                }
                reach = -1;
            } else if (needed <= reach) {
                return;
            }
            int reach = fire == this.fire ? (int) Math.min(Integer.MAX_VALUE - 1, Math.max(needed, 2L * this.reach)) : needed;
            if (psi.length < reach + 1) {
                psi = new float[reach + 1];
            }
            for (int d = 0; d <= reach; d++) {
                psi[d] = (float) fire.psi(d);
            }
            this.fire = fire;
            this.reach = reach;
        }
    }

    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        perEntry = entries.count > 0 && entries.latestPosition() > fire.threshold();
        if (!perEntry) {
            tables.withinThreshold.fill(fire, fire.heads(), maxDistance);
            tables.withinThreshold.bases(entries, base);
            return 0;
        }
        tables.fillPsi(fire, maxDistance);
        int width = fire.width();
        if (outputWeight.length < width * WIDTH) {
            outputWeight = new float[width * WIDTH];
        }
        for (int e = 0; e < entries.vectors * L; e++) {
            int h = entries.head[e];
            inverse[e] = (float) (1 / fire.normaliser(entries.position[e]));
            outputBias[e] = fire.outputBias(h);
            for (int k = 0; k < width; k++) {
                outputWeight[k * WIDTH + e] = fire.outputWeight(h, k);
            }
        }
        return 0;
    }

    @Override
    public void addBias(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        if (!perEntry) {
            tables.withinThreshold.add(entries, base, index, s, rows, j0, j1);
            return;
        }
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            mlp(s, TileProducts.at(lane, rows), j0, j1, entries.position, lane, tables.psi, tables.reach, inverse, outputBias,
                    tables.inputWeight, tables.inputBias, outputWeight, fire.width(), index);
        }
    }

    /**
     * {@code s += f_θ(x)} for one vector of lanes over keys {@code [j0, j1)}, four keys at a time (four
     * independent chains of fused multiply-adds over the hidden units).
     */
    private static void mlp(float[] s, int at0, int j0, int j1, int[] positions, int lane, float[] psi, int reach,
                            float[] inverse, float[] outputBias, float[] w1, float[] b1, float[] w2, int width, int[] index) {
        IntVector position = IntVector.fromArray(I, positions, lane);
        FloatVector inv = FloatVector.fromArray(F, inverse, lane);
        FloatVector b2 = FloatVector.fromArray(F, outputBias, lane);
        FloatVector zero = FloatVector.zero(F);
        int panel = TileProducts.PANEL;
        for (int j = j0; j < j1; j += 4) {
            IntVector.broadcast(I, j).sub(position).abs().min(reach).intoArray(index, 0);
            FloatVector x0 = FloatVector.fromArray(F, psi, 0, index, 0).mul(inv);
            IntVector.broadcast(I, Math.min(j + 1, j1 - 1)).sub(position).abs().min(reach).intoArray(index, 0);
            FloatVector x1 = FloatVector.fromArray(F, psi, 0, index, 0).mul(inv);
            IntVector.broadcast(I, Math.min(j + 2, j1 - 1)).sub(position).abs().min(reach).intoArray(index, 0);
            FloatVector x2 = FloatVector.fromArray(F, psi, 0, index, 0).mul(inv);
            IntVector.broadcast(I, Math.min(j + 3, j1 - 1)).sub(position).abs().min(reach).intoArray(index, 0);
            FloatVector x3 = FloatVector.fromArray(F, psi, 0, index, 0).mul(inv);
            FloatVector a0 = b2;
            FloatVector a1 = b2;
            FloatVector a2 = b2;
            FloatVector a3 = b2;
            for (int k = 0; k < width; k++) {
                FloatVector w = FloatVector.broadcast(F, w1[k]);
                FloatVector b = FloatVector.broadcast(F, b1[k]);
                FloatVector out = FloatVector.fromArray(F, w2, k * WIDTH + lane);
                FloatVector h0 = (FMA ? x0.fma(w, b) : x0.mul(w).add(b)).max(zero);
                FloatVector h1 = (FMA ? x1.fma(w, b) : x1.mul(w).add(b)).max(zero);
                FloatVector h2 = (FMA ? x2.fma(w, b) : x2.mul(w).add(b)).max(zero);
                FloatVector h3 = (FMA ? x3.fma(w, b) : x3.mul(w).add(b)).max(zero);
                a0 = FMA ? out.fma(h0, a0) : out.mul(h0).add(a0);
                a1 = FMA ? out.fma(h1, a1) : out.mul(h1).add(a1);
                a2 = FMA ? out.fma(h2, a2) : out.mul(h2).add(a2);
                a3 = FMA ? out.fma(h3, a3) : out.mul(h3).add(a3);
            }
            int at = at0 + (j - j0) * panel;
            FloatVector.fromArray(F, s, at).add(a0).intoArray(s, at);
            if (j + 1 < j1) {
                FloatVector.fromArray(F, s, at + panel).add(a1).intoArray(s, at + panel);
            }
            if (j + 2 < j1) {
                FloatVector.fromArray(F, s, at + 2 * panel).add(a2).intoArray(s, at + 2 * panel);
            }
            if (j + 3 < j1) {
                FloatVector.fromArray(F, s, at + 3 * panel).add(a3).intoArray(s, at + 3 * panel);
            }
        }
    }
}
