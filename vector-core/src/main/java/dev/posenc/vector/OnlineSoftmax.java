package dev.posenc.vector;

import dev.posenc.reference.AttentionCall;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The streaming softmax of a block, one lane per entry: the running maximum m and sum l of each entry,
 * started at the scheme's sink logit ({@link #begin}), updated tile by tile ({@link #tile}) with the
 * factors {@code α = exp(m_old − m_new)} by which the caller rescales its output accumulator, and the
 * output formula ({@link #output}).
 *
 * <p><b>Scaled values.</b> The weights {@code p_j = exp(z_j − m) ≤ 1} sum to at most the number of terms
 * an entry's softmax may have (its keys, and the sink); the blocks read every value scaled by
 * {@link #valueScale()} {@code = 2⁻ᴷ}, with {@code 2ᴷ} at least that number, so that the output sums
 * {@code O = Σ_j p_j·2⁻ᴷ·v_j}, at every step of every tile, stay within {@code max_j |v_j|}: an output is a
 * convex combination of value rows and is finite whenever they are, however many keys (summed without the
 * scale, 4096 values of 1e35 reach 4e38 and overflow). Scaling by a power of two is exact for values above
 * {@code 2^(K − 126)}; {@link #output} takes the factor out again.
 */
final class OnlineSoftmax {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final int L = F.length();
    private static final int WIDTH = Entries.WIDTH;
    private static final float NEGATIVE_INFINITY = Float.NEGATIVE_INFINITY;

    private final float[] max = new float[WIDTH];
    private final float[] sum = new float[WIDTH];
    /** The compensation of {@link #sum} ({@link CompensatedSums}). */
    private final float[] sumCarry = new float[WIDTH];
    private final float[] alpha = new float[WIDTH];
    /** Per entry, the factor {@link #merge} asks the other run's output accumulator to be multiplied by. */
    private final float[] beta = new float[WIDTH];
    /** Per entry: {@code m_old − m_new} (0 where the maximum did not grow), and {@code exp} of it in double. */
    private final double[] growth = new double[WIDTH];
    private final double[] rescaled = new double[WIDTH];
    /** Per entry: what this tile's exponentials subtract (the new maximum, 0 while it is −∞), their sum. */
    private final float[] shift = new float[WIDTH];
    private final float[] tileSum = new float[WIDTH];
    /** K of the class comment. */
    private int scaleExponent;

    /**
     * Starts a block whose entries see at most {@code entries.hi − entries.lo} keys: m = σ_h, the scheme's sink
     * logit of the entry's head (−∞ without one), l = exp(σ_h − m), and the values' scale.
     */
    void begin(AttentionCall call, Entries entries) {
        Arrays.fill(max, NEGATIVE_INFINITY);
        Arrays.fill(sum, 0f);
        Arrays.fill(sumCarry, 0f);
        int terms = Math.max(0, entries.hi - entries.lo) + 1;
        scaleExponent = 32 - Integer.numberOfLeadingZeros(terms - 1);
        for (int e = 0; e < entries.count; e++) {
            max[e] = (float) call.sinkLogit(entries.head[e]);
            sum[e] = max[e] == NEGATIVE_INFINITY ? 0f : 1f;
        }
    }

    /**
     * Starts again without the sink, m = −∞ and l = 0 (the same scale): a run over one chunk of the keys, whose state
     * {@link #merge} takes into a run that {@link #begin} started (so that the sink counts once).
     */
    void restartWithoutSink() {
        Arrays.fill(max, NEGATIVE_INFINITY);
        Arrays.fill(sum, 0f);
    }

    /**
     * Takes in the state of a run over other keys of the same entries, begun without the sink
     * ({@link #restartWithoutSink}, the same scale): per entry e its maximum {@code m' = otherMax[at + e]} and sum
     * {@code l' = otherSum[at + e]}. {@code m_new = max(m, m')}, {@code α = exp(m − m_new)} for this run's sums and
     * output accumulator ({@link #alpha()}), {@code β = exp(m' − m_new)} for the other's ({@link #beta()}), each 1 where
     * its maximum is the new one, as in {@link #tile}; {@code l = α·l + β·l'} (compensated). Lanes past the entries
     * keep m = −∞, l = 0.
     */
    void merge(float[] otherMax, float[] otherSum, int at, int entries) {
        for (int e = 0; e < entries; e++) {
            float old = max[e];
            float other = otherMax[at + e];
            float grown = Math.max(old, other);
            float shift = grown == NEGATIVE_INFINITY ? 0f : grown;
            max[e] = grown;
            alpha[e] = old == grown ? 1f : (float) Math.exp(old - shift);
            beta[e] = other == grown ? 1f : (float) Math.exp(other - shift);
            tileSum[e] = beta[e] * otherSum[at + e];
        }
        CompensatedSums.rows(sum, sumCarry, tileSum, entries, 1, alpha);
    }

    /** Entry e's running maximum m. */
    float max(int e) {
        return max[e];
    }

    /** Entry e's running sum l. */
    float sum(int e) {
        return sum[e];
    }

    /** Per entry, the factor the last {@link #merge} asks the other run's output accumulator to be multiplied by. */
    float[] beta() {
        return beta;
    }

    /** K of the class comment: the blocks multiply every value (and value term) by {@code 2⁻ᴷ} as they read it. */
    int scaleExponent() {
        return scaleExponent;
    }

    /** {@code 2⁻ᴷ}. */
    float valueScale() {
        return Math.scalb(1f, -scaleExponent);
    }

    /** Per entry, the factor the last {@link #tile} asks the output accumulator to be multiplied by. */
    float[] alpha() {
        return alpha;
    }

    /**
     * The tile of {@code keys} logits of {@code vectors} vectors of entries in {@code s} (lane-major,
     * {@code rows} rows per panel): new maxima {@code m_new}, rescale factors {@code α = exp(m_old − m_new)}
     * (1 where the maximum did not grow, {@link TileExp#rescales}: as {@link Math#exp}, vectorized), weights
     * {@code p = exp(S − m_new)} written over the logits ({@link TileExp}), sums {@code l = α·l + Σ p} (compensated, {@link CompensatedSums}). A
     * lane that has seen only −∞ shifts by 0 instead of its maximum, so its weights are 0, not NaN;
     * a NaN or +∞ maximum marks the lane's output NaN ({@link #output}).
     */
    void tile(float[] s, int rows, int vectors, int keys) {
        tile(s, rows, vectors, keys, null);
    }

    /**
     * {@link #tile(float[], int, int, int)} where panel g's entries see none of the keys from {@code panelKeys[g]} on
     * (all of them where {@code panelKeys} is null): their logits are not read, and their weights are 0.
     */
    void tile(float[] s, int rows, int vectors, int keys, int[] panelKeys) {
        for (int lane = 0; lane < vectors * L; lane += L) {
            growMaximum(s, rows, lane, seen(panelKeys, lane, keys));
        }
        for (int e = 0; e < vectors * L; e++) {
            float old = max[e];
            float grown = shift[e];
            max[e] = grown;
            shift[e] = grown == NEGATIVE_INFINITY ? 0f : grown;
            growth[e] = old == grown ? 0f : old - shift[e];
        }
        TileExp.rescales(growth, vectors * L, rescaled, alpha);
        for (int lane = 0; lane < vectors * L; lane += L) {
            int seen = seen(panelKeys, lane, keys);
            int at = TileProducts.at(lane, rows);
            TileExp.exponentials(s, at, seen, TileProducts.PANEL, shift, lane, tileSum);
            for (int j = seen, o = at + seen * TileProducts.PANEL; j < keys; j++, o += TileProducts.PANEL) {
                FloatVector.zero(F).intoArray(s, o);
            }
        }
        CompensatedSums.panels(sum, sumCarry, tileSum, vectors, 1, alpha);
    }

    /** The keys whose logits lane {@code lane}'s panel reads. */
    private static int seen(int[] panelKeys, int lane, int keys) {
        return panelKeys == null ? keys : Math.min(keys, panelKeys[lane / TileProducts.PANEL]);
    }

    /**
     * {@code shift ← max(m_old, max_j S_j)}, the new maxima of one vector of lanes, in four running maxima (one
     * chain of dependent maxima waited on each one's latency): a maximum is the same whatever the order, NaN if any
     * term is, +0 above −0. The benchmark's prefill ran 1.015× (ALiBi) and 1.033× (T5) as fast as with one chain.
     *
     * <p>Each maximum is taken on the freshly loaded vector ({@code load.max(m)}, not {@code m.max(load)}: the
     * same maximum; the package comment's C2 rule says why): with the running maximum as receiver, 3 of 55 JVMs
     * timing f32 decode boxed the tile's vectors, 1.6 MB per decode call. Measurements: docs/experiments/prefill.md,
     * "growMaximum".
     */
    private void growMaximum(float[] s, int rows, int lane, int keys) {
        int step = TileProducts.PANEL;
        FloatVector m0 = FloatVector.fromArray(F, max, lane);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int j = 0;
        int at = TileProducts.at(lane, rows);
        for (; j + 4 <= keys; j += 4, at += 4 * step) {
            m0 = FloatVector.fromArray(F, s, at).max(m0);
            m1 = FloatVector.fromArray(F, s, at + step).max(m1);
            m2 = FloatVector.fromArray(F, s, at + 2 * step).max(m2);
            m3 = FloatVector.fromArray(F, s, at + 3 * step).max(m3);
        }
        for (; j < keys; j++, at += step) {
            m0 = FloatVector.fromArray(F, s, at).max(m0);
        }
        m0.max(m1).max(m2.max(m3)).intoArray(shift, lane);
    }

    /**
     * Entry e's outputs from its {@code n} scaled weighted sums {@code Σ p·2⁻ᴷ·(v + a)} from {@code weighted[from]},
     * into {@code out[at …]}: each sum over {@code 2⁻ᴷ·l} (exact: l ≥ 1 once the maximum's own weight is in it), where
     * its running maximum is finite; else {@link #unweighted}.
     */
    void output(int e, float[] weighted, int from, float[] out, int at, int n) {
        if (!Float.isFinite(max[e])) {
            Arrays.fill(out, at, at + n, unweighted(e));
            return;
        }
        float l = divisor(e);
        FloatVector divisor = FloatVector.broadcast(F, l);
        int c = 0;
        for (int bound = F.loopBound(n); c < bound; c += L) {
            FloatVector.fromArray(F, weighted, from + c).div(divisor).intoArray(out, at + c);
        }
        for (; c < n; c++) {
            out[at + c] = weighted[from + c] / l;
        }
    }

    /** {@code 2⁻ᴷ·l} of entry e: what its scaled weighted sums are divided by. */
    private float divisor(int e) {
        return Math.scalb(sum[e], -scaleExponent);
    }

    /**
     * The output of entry e whose running maximum m is not finite, whatever its sums: 0 where m = −∞ (it saw no
     * finite logit: fully masked), NaN where m is NaN or +∞ (it saw a NaN or +∞ logit).
     */
    private float unweighted(int e) {
        return max[e] == NEGATIVE_INFINITY ? 0f : Float.NaN;
    }
}
