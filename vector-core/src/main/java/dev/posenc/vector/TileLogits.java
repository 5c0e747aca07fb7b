package dev.posenc.vector;

import dev.posenc.bias.AlibiForm;
import dev.posenc.internal.AttentionProblem;
import dev.posenc.internal.DenseData;
import dev.posenc.internal.SharedState;
import dev.posenc.internal.ShawTables;
import dev.posenc.internal.XlTables;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Everything between {@code Qᵀ·K} and the softmax of a block's tile, evaluated per tile and lanewise
 * (one lane per entry of the block) with no {@code [queries × keys]} tensor:
 * <ul>
 *   <li>queries: Qᵀ scaled by {@code s} (by {@code s/cap} under a soft cap), Transformer-XL's
 *       {@code q + u} for the content term;
 *   <li>Shaw: the {@code 2k + 1} products {@code q·aK[c]} of each entry, formed once per block with
 *       {@link TileProducts#scores} and gathered by clipped distance; the attention weights summed per
 *       distance index so that {@code aV} enters once per block;
 *   <li>Transformer-XL: {@code (q + v)·r_δ} per (entry, key), at the clamped distance;
 *   <li>the soft cap {@code cap·tanh(x)};
 *   <li>ALiBi {@code m·(j − p)} or {@code −m·|j − p|} from the exact integer distance; T5 gathered from
 *       its per-distance table; the dense bias or mask;
 *   <li>causal mask and window: lanes outside {@code [first, end)} become −∞ on tiles that cross a
 *       boundary (tiles wholly inside every entry's range are not touched).
 * </ul>
 */
final class TileLogits {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /**
     * Hardware FMA, else a multiply and an add (as {@link Lanes#fma}), written out at each use: a small
     * helper taking vectors is left uninlined when a large compilation hits C2's node budget, and its
     * vectors are then boxed.
     */
    private static final boolean FMA = Lanes.FMA;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();
    private static final int WIDTH = StreamingBlock.WIDTH;
    private static final int G = TileProducts.G;

    private final StreamingBlock block;
    private final float[] slope = new float[WIDTH];
    private final int[] base = new int[WIDTH];
    private final int[] index = new int[WIDTH];
    /** Shaw: where row 0 of each lane is in the per-distance buffers. */
    private final int[] laneOffset = new int[WIDTH];
    /** Shaw: q·aK per distance index and lane, then the summed weights per index and lane. */
    private float[] keyTerms = new float[0];
    private float[] shawKeys = new float[0];
    private int shawRows;
    private float[] valueWeights = new float[0];
    /** Transformer-XL: (q + v)·scale per entry, row-major {@code [WIDTH × headDim]}. */
    private float[] positionQueries = new float[0];
    private double extraNorm;
    /** Soft cap: {@code exp(−2|x|)} per logit, a zero shift and an ignored sum. */
    private float[] capped = new float[0];
    private final float[] zeros = new float[WIDTH];
    private final float[] unused = new float[WIDTH];
    private Object normsOf;
    private double tableNorm;

    TileLogits(StreamingBlock block) {
        this.block = block;
    }

    /**
     * Fills Qᵀ and the scheme's per-block tables for the block's entries.
     *
     * @return the largest norm of the (content) query rows, unscaled
     */
    double prepare(AttentionProblem p) {
        float scale = (float) (p.softCap > 0 ? p.scale / p.softCap : p.scale);
        int d = p.headDim;
        float[] queries = block.queries;
        double largest = 0;
        double largestPosition = 0;
        if (p.xl != null && positionQueries.length < WIDTH * d) {
            positionQueries = new float[WIDTH * d];
        }
        XlTables xl = p.xl == null ? null : SharedState.of(p.xl, XlTables.class);
        for (int e = 0; e < block.vectors * L; e++) {
            boolean real = e < block.entries;
            int at = p.qAt(block.row[e], block.head[e]);
            int h = block.head[e] * d;
            double norm = 0;
            double positionNorm = 0;
            for (int c = 0; c < d; c++) {
                float q = real ? p.q[at + c] : 0f;
                float content = xl == null || !real ? q : q + xl.u()[h + c];
                queries[TileProducts.at(e, d) + c * G] = content * scale;
                norm += (double) content * content;
                if (xl != null) {
                    float position = real ? q + xl.v()[h + c] : 0f;
                    positionQueries[e * d + c] = position * scale;
                    positionNorm += (double) position * position;
                }
            }
            largest = Double.isNaN(norm) ? norm : Math.max(largest, norm);
            largestPosition = Math.max(largestPosition, positionNorm);
            slope[e] = p.alibi == null ? 0f : (float) p.alibi.slope(block.head[e]);
            base[e] = p.t5 == null ? 0 : block.head[e] * (2 * p.t5.buckets().maxDistance() + 1)
                    + p.t5.buckets().maxDistance();
        }
        extraNorm = 0;
        if (p.shaw != null) {
            prepareShaw(p, SharedState.of(p.shaw, ShawTables.class));
            float[] keys = SharedState.of(p.shaw, ShawTables.class).key();
            extraNorm = Math.sqrt(largest) * Math.sqrt(tableNorm(p.shaw, keys, d));
        }
        if (xl != null) {
            extraNorm = Math.sqrt(largestPosition) * Math.sqrt(tableNorm(p.xl, xl.r(), d));
        }
        return Math.sqrt(largest);
    }

    /** What the scheme adds to {@code ‖q‖·‖k‖} in the logit error bound. */
    double extraNorm() {
        return extraNorm;
    }

    /** The largest squared norm of a table's rows of width d, computed once per table. */
    private double tableNorm(Object owner, float[] table, int d) {
        if (normsOf != owner) {
            tableNorm = LogitGuard.maxSquaredNorm(table, 0, d, table.length / d, d, unused);
            normsOf = owner;
        }
        return tableNorm;
    }

    private void prepareShaw(AttentionProblem p, ShawTables tables) {
        int rows = 2 * p.shaw.clip() + 1;
        int padded = TilePacks.padded(rows);
        if (keyTerms.length < padded * WIDTH) {
            keyTerms = new float[padded * WIDTH];
            valueWeights = new float[padded * WIDTH];
        }
        if (shawKeys.length < 8 * p.headDim) {
            shawKeys = new float[8 * p.headDim];
        }
        TileProducts.scores(block.queries, p.headDim, block.vectors, tables.key(), 0, p.headDim, rows, shawKeys,
                keyTerms, padded);
        shawRows = padded;
        for (int e = 0; e < WIDTH; e++) {
            laneOffset[e] = TileProducts.at(e, padded);
        }
        java.util.Arrays.fill(valueWeights, 0, padded * WIDTH, 0f);
    }

    /** Turns the tile's {@code Qᵀ·K} for keys {@code [j0, j1)} into logits. */
    void apply(AttentionProblem p, int j0, int j1) {
        float[] s = block.logits;
        int keys = j1 - j0;
        if (p.shaw != null) {
            addShawKeyTerms(p, j0, j1, s);
        }
        if (p.xl != null) {
            addXlPositionTerms(p, j0, j1, s);
        }
        if (p.softCap > 0) {
            softCap((float) p.softCap, keys, s);
        }
        if (p.alibi != null) {
            addAlibi(p.alibi.form() == AlibiForm.SYMMETRIC, j0, j1, s);
        }
        if (p.t5 != null) {
            addT5(SharedState.of(p.t5, float[].class), p.t5.buckets().maxDistance(), j0, j1, s);
        }
        if (p.dense != null) {
            applyDense(p, j0, j1, s);
        }
        maskOutside(j0, j1, s);
    }

    /**
     * {@code x ← cap·tanh(x)} as {@code cap·sign(x)·(1 − e)/(1 + e)}, {@code e = exp(−2|x|)}: within
     * {@code 4u·cap} of exact; NaN stays NaN.
     */
    private void softCap(float cap, int keys, float[] s) {
        if (capped.length < block.tileRows * WIDTH) {
            capped = new float[block.tileRows * WIDTH];
        }
        for (int lane = 0; lane < block.vectors * L; lane += L) {
            int first = TileProducts.at(lane, block.tileRows);
            for (int j = 0, at = first; j < keys; j++, at += G) {
                FloatVector.fromArray(F, s, at).abs().mul(-2f).intoArray(capped, at);
            }
            TileExp.exponentials(capped, first, keys, G, zeros, lane, unused);
            for (int j = 0, at = first; j < keys; j++, at += G) {
                FloatVector x = FloatVector.fromArray(F, s, at);
                FloatVector e = FloatVector.fromArray(F, capped, at);
                FloatVector t = e.neg().add(1f).div(e.add(1f)).mul(cap);
                t.blend(t.neg(), x.lt(0f)).blend(x, x.test(VectorOperators.IS_NAN)).intoArray(s, at);
            }
        }
    }

    private void addAlibi(boolean symmetric, int j0, int j1, float[] s) {
        for (int v = 0; v < block.vectors; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, block.position, lane);
            FloatVector m = FloatVector.fromArray(F, slope, lane);
            for (int j = j0, at = TileProducts.at(lane, block.tileRows); j < j1; j++, at += G) {
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

    /**
     * T5: the bias of the clamped distance, gathered per key; once per tile when every entry's distance to
     * every key of the tile is clamped to the same end (keys at least {@code maxDistance} before or after
     * all of them: most of a long decode), where the values are the same.
     */
    private void addT5(float[] byDistance, int maxDistance, int j0, int j1, float[] s) {
        int earliest = Integer.MAX_VALUE;
        int latest = Integer.MIN_VALUE;
        for (int e = 0; e < block.entries; e++) {
            earliest = Math.min(earliest, block.position[e]);
            latest = Math.max(latest, block.position[e]);
        }
        // j1 − 1 − earliest is the largest distance of the tile, j0 − latest the smallest.
        int clamped = (long) j1 - 1 - earliest <= -maxDistance ? -maxDistance
                : (long) j0 - latest >= maxDistance ? maxDistance : 0;
        for (int v = 0; v < block.vectors; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, block.position, lane);
            IntVector offset = IntVector.fromArray(I, base, lane);
            if (clamped != 0) {
                offset.add(clamped).intoArray(index, 0);
                FloatVector bias = FloatVector.fromArray(F, byDistance, 0, index, 0);
                for (int j = j0, at = TileProducts.at(lane, block.tileRows); j < j1; j++, at += G) {
                    FloatVector.fromArray(F, s, at).add(bias).intoArray(s, at);
                }
                continue;
            }
            for (int j = j0, at = TileProducts.at(lane, block.tileRows); j < j1; j++, at += G) {
                IntVector distance = IntVector.broadcast(I, j).sub(position).max(-maxDistance).min(maxDistance);
                distance.add(offset).intoArray(index, 0);
                FloatVector.fromArray(F, s, at).add(FloatVector.fromArray(F, byDistance, 0, index, 0)).intoArray(s, at);
            }
        }
    }

    private void addShawKeyTerms(AttentionProblem p, int j0, int j1, float[] s) {
        int clip = p.shaw.clip();
        for (int v = 0; v < block.vectors; v++) {
            int lane = v * L;
            IntVector position = IntVector.fromArray(I, block.position, lane);
            IntVector offset = IntVector.fromArray(I, laneOffset, lane);
            for (int j = j0, at = TileProducts.at(lane, block.tileRows); j < j1; j++, at += G) {
                IntVector distance = IntVector.broadcast(I, j).sub(position).max(-clip).min(clip);
                distance.add(clip).mul(G).add(offset).intoArray(index, 0);
                FloatVector.fromArray(F, s, at).add(FloatVector.fromArray(F, keyTerms, 0, index, 0)).intoArray(s, at);
            }
        }
    }


    private void addXlPositionTerms(AttentionProblem p, int j0, int j1, float[] s) {
        XlTables xl = SharedState.of(p.xl, XlTables.class);
        int d = p.headDim;
        int width = p.heads * d;
        int maxDistance = p.xl.maxDistance();
        for (int e = 0; e < block.entries; e++) {
            int h = block.head[e] * d;
            for (int j = j0; j < j1; j++) {
                int delta = Math.max(0, Math.min(maxDistance, block.position[e] - j));
                int at = TileProducts.at(e, block.tileRows) + (j - j0) * G;
                s[at] += dot(positionQueries, e * d, xl.r(), delta * width + h, d);
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

    private void applyDense(AttentionProblem p, int j0, int j1, float[] s) {
        DenseData dense = p.dense;
        for (int e = 0; e < block.entries; e++) {
            int row = p.denseAt(block.row[e], block.head[e]);
            for (int j = j0, at = TileProducts.at(e, block.tileRows); j < j1; j++, at += G) {
                if (dense.allowed() != null) {
                    s[at] = dense.allowed()[row + j] ? s[at] : Float.NEGATIVE_INFINITY;
                } else {
                    float b = dense.values()[row + j];
                    s[at] = b == Float.NEGATIVE_INFINITY ? b : s[at] + b;
                }
            }
        }
    }

    /** −∞ for lanes whose causal mask or window hides key j; skipped when no entry's range ends in the tile. */
    private void maskOutside(int j0, int j1, float[] s) {
        int latestFirst = Integer.MIN_VALUE;
        int earliestEnd = Integer.MAX_VALUE;
        for (int e = 0; e < block.entries; e++) {
            latestFirst = Math.max(latestFirst, block.first[e]);
            earliestEnd = Math.min(earliestEnd, block.end[e]);
        }
        if (j0 >= latestFirst && j1 <= earliestEnd) {
            return;
        }
        for (int v = 0; v < block.vectors; v++) {
            int lane = v * L;
            IntVector first = IntVector.fromArray(I, block.first, lane);
            IntVector end = IntVector.fromArray(I, block.end, lane);
            for (int j = j0, at = TileProducts.at(lane, block.tileRows); j < j1; j++, at += G) {
                VectorMask<Integer> before = first.compare(VectorOperators.GT, j);
                VectorMask<Float> hidden = before.or(end.compare(VectorOperators.LE, j)).cast(F);
                FloatVector.fromArray(F, s, at).blend(Float.NEGATIVE_INFINITY, hidden).intoArray(s, at);
            }
        }
    }

    /** Shaw: after the tile's probabilities, {@code W[c] = α·W[c] + Σ_{j with index c} p_j} per lane. */
    void accumulateValueWeights(AttentionProblem p, int j0, int j1, float[] alpha) {
        if (p.shaw == null || !p.shaw.hasValues()) {
            return;
        }
        int clip = p.shaw.clip();
        int rows = 2 * clip + 1;
        float[] s = block.logits;
        for (int v = 0; v < block.vectors; v++) {
            int lane = v * L;
            FloatVector a = FloatVector.fromArray(F, alpha, lane);
            for (int c = 0; c < rows; c++) {
                int at = TileProducts.at(lane, shawRows) + c * G;
                FloatVector.fromArray(F, valueWeights, at).mul(a).intoArray(valueWeights, at);
            }
            IntVector position = IntVector.fromArray(I, block.position, lane);
            IntVector offset = IntVector.fromArray(I, laneOffset, lane);
            for (int j = j0, at = TileProducts.at(lane, block.tileRows); j < j1; j++, at += G) {
                IntVector distance = IntVector.broadcast(I, j).sub(position).max(-clip).min(clip);
                distance.add(clip).mul(G).add(offset).intoArray(index, 0);
                FloatVector.fromArray(F, valueWeights, 0, index, 0).add(FloatVector.fromArray(F, s, at))
                        .intoArray(valueWeights, 0, index, 0);
            }
        }
    }

    /** Shaw: {@code Σ_c W[c]·aV[c][column]} for entry e (0 without value embeddings). */
    float valueTerm(AttentionProblem p, int e, int column) {
        if (p.shaw == null || !p.shaw.hasValues()) {
            return 0f;
        }
        float[] table = SharedState.of(p.shaw, ShawTables.class).value();
        float sum = 0;
        for (int c = 0; c < 2 * p.shaw.clip() + 1; c++) {
            sum += valueWeights[laneOffset[e] + c * G] * table[c * p.valueDim + column];
        }
        return sum;
    }
}
