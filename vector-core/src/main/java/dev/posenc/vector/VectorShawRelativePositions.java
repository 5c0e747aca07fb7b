package dev.posenc.vector;

import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.reference.AttentionCall;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ShawRelativePositions} on a tile. Per block, the {@code 2k + 1} products {@code q·aK[c]} of
 * each entry are formed once ({@link TileProducts#scores}: the tables as a short tile of keys) and
 * gathered per (entry, key) by clipped distance; the attention weights are summed per distance index,
 * rescaled with the output, so that {@code aV} enters once per block: {@code Σ_c W[c]·aV[c]}. It works
 * on copies of the tables ({@link Table}).
 */
final class VectorShawRelativePositions implements VectorScheme {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;
    private static final int WIDTH = Entries.WIDTH;

    private Table table;
    private int clip;
    private int headDim;
    private int valueDim;
    private boolean hasValues;
    /** Per entry, q·aK per distance index, then the summed weights per index; rows padded to a multiple of 24. */
    private float[] keyTerms = new float[0];
    private float[] valueWeights = new float[0];
    private float[] tail = new float[0];
    private int paddedRows;
    /** Where row 0 of each lane is in the per-index buffers. */
    private final int[] laneOffset = new int[WIDTH];
    private final int[] index = new int[L];

    VectorShawRelativePositions use(ShawRelativePositions shaw, SchemeTables tables) {
        table = tables.of(Table.class, Table::new);
        table.fill(shaw);
        clip = shaw.clip();
        headDim = shaw.headDim();
        valueDim = shaw.valueDim();
        hasValues = shaw.hasValues();
        return this;
    }

    /**
     * Copies of one scheme's aK and aV, row-major {@code [(2k + 1) × width]}, and the largest squared
     * norm of aK's rows, kept in the workspace's {@link SchemeTables}: refilled when a call brings
     * another {@code ShawRelativePositions}.
     */
    static final class Table {
        private ShawRelativePositions shaw;
        private float[] keys = new float[0];
        private float[] values = new float[0];
        private float keyNorm;
        private final float[] lanes = new float[L];

        void fill(ShawRelativePositions shaw) {
            if (shaw == this.shaw) {
                return;
            }
            int rows = 2 * shaw.clip() + 1;
            int d = shaw.headDim();
            int dv = shaw.valueDim();
            if (keys.length < rows * d) {
                keys = new float[rows * d];
            }
            if (shaw.hasValues() && values.length < rows * dv) {
                values = new float[rows * dv];
            }
            for (int c = 0; c < rows; c++) {
                for (int i = 0; i < d; i++) {
                    keys[c * d + i] = shaw.keyEmbedding(c, i);
                }
                for (int i = 0; shaw.hasValues() && i < dv; i++) {
                    values[c * dv + i] = shaw.valueEmbedding(c, i);
                }
            }
            keyNorm = LogitGuard.maxSquaredNorm(keys, 0, d, rows, d, lanes);
            this.shaw = shaw;
        }
    }

    /** The products {@code q·aK[c]} of every entry (Qᵀ is already scaled) and zero value weights. */
    @Override
    public double prepare(AttentionCall call, Entries entries, float[] queries, float scale, double queryNorm) {
        int rows = 2 * clip + 1;
        paddedRows = TilePacks.padded(rows);
        if (keyTerms.length < paddedRows * WIDTH) {
            keyTerms = new float[paddedRows * WIDTH];
            valueWeights = new float[paddedRows * WIDTH];
        }
        if (tail.length < 8 * headDim) {
            tail = new float[8 * headDim];
        }
        TileProducts.scores(queries, headDim, entries.vectors, table.keys, 0, headDim, rows, tail, keyTerms, paddedRows);
        for (int e = 0; e < WIDTH; e++) {
            laneOffset[e] = TileProducts.at(e, paddedRows);
        }
        Arrays.fill(valueWeights, 0, paddedRows * WIDTH, 0f);
        return queryNorm * Math.sqrt(table.keyNorm);
    }

    /** {@code s += q·aK[clip(j − p) + k]}, gathered per key. */
    @Override
    public void addLogitTerms(AttentionCall call, Entries entries, float[] s, int rows, int j0, int j1) {
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, entries.position, lane);
            IntVector offset = IntVector.fromArray(I, laneOffset, lane);
            for (int j = j0, at = TileProducts.at(lane, rows); j < j1; j++, at += PANEL) {
                IntVector distance = IntVector.broadcast(I, j).sub(position).max(-clip).min(clip);
                distance.add(clip).mul(PANEL).add(offset).intoArray(index, 0);
                FloatVector.fromArray(F, s, at).add(FloatVector.fromArray(F, keyTerms, 0, index, 0)).intoArray(s, at);
            }
        }
    }

    /** {@code W[c] = α·W[c] + Σ_{j with index c} p_j} per lane. */
    @Override
    public void accumulateValueWeights(Entries entries, float[] p, int rows, int j0, int j1, float[] alpha) {
        if (!hasValues) {
            return;
        }
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            FloatVector a = FloatVector.fromArray(F, alpha, lane);
            for (int c = 0; c < 2 * clip + 1; c++) {
                int at = TileProducts.at(lane, paddedRows) + c * PANEL;
                FloatVector.fromArray(F, valueWeights, at).mul(a).intoArray(valueWeights, at);
            }
            IntVector position = IntVector.fromArray(I, entries.position, lane);
            IntVector offset = IntVector.fromArray(I, laneOffset, lane);
            for (int j = j0, at = TileProducts.at(lane, rows); j < j1; j++, at += PANEL) {
                IntVector distance = IntVector.broadcast(I, j).sub(position).max(-clip).min(clip);
                distance.add(clip).mul(PANEL).add(offset).intoArray(index, 0);
                FloatVector.fromArray(F, valueWeights, 0, index, 0).add(FloatVector.fromArray(F, p, at))
                        .intoArray(valueWeights, 0, index, 0);
            }
        }
    }

    @Override
    public boolean hasValueTerms() {
        return hasValues;
    }

    /** {@code Σ_c W[c]·scale·aV[c][column]} for entry e (0 without value embeddings). */
    @Override
    public float valueTerm(int e, int column, float scale) {
        if (!hasValues) {
            return 0f;
        }
        float[] values = table.values;
        float sum = 0;
        for (int c = 0; c < 2 * clip + 1; c++) {
            sum += valueWeights[laneOffset[e] + c * PANEL] * (values[c * valueDim + column] * scale);
        }
        return sum;
    }
}
