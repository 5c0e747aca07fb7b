package dev.posenc.vector;

import dev.posenc.bias.DenseBias;
import dev.posenc.reference.AttentionCall;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Everything between a tile's {@code Qᵀ·K} and its softmax, lanewise (one lane per entry), with no
 * {@code [queries × keys]} tensor, in the formula's order:
 * <ol>
 *   <li>the position scheme's terms inside the logit ({@link VectorScheme#addLogitTerms});
 *   <li>the soft cap {@code cap·tanh(x)} (Qᵀ was scaled by {@code s/cap});
 *   <li>the position scheme's bias ({@link VectorScheme#addBias});
 *   <li>the dense bias or mask;
 *   <li>the causal mask and window: lanes outside {@code [first, end)} become −∞ on tiles that cross a
 *       boundary (tiles wholly inside every entry's range are not touched).
 * </ol>
 * Logits are lane-major by panel ({@link TileProducts#at}); one per block, for its soft-cap buffer.
 */
final class TileLogits {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;

    /** Soft cap: {@code exp(−2|x|)} per logit, a zero shift and an ignored sum. */
    private float[] capped = new float[0];
    private final float[] zeros = new float[Entries.WIDTH];
    private final float[] unused = new float[Entries.WIDTH];

    /** Turns the tile's {@code Qᵀ·K} for keys {@code [j0, j1)} in {@code s} ({@code rows} rows per panel) into logits. */
    void apply(AttentionCall call, VectorScheme scheme, Entries entries, float[] s, int rows, int j0, int j1) {
        scheme.addLogitTerms(call, entries, s, rows, j0, j1);
        if (call.softCap() > 0) {
            softCap((float) call.softCap(), entries.vectors, s, rows, j1 - j0);
        }
        scheme.addBias(call, entries, s, rows, j0, j1);
        if (call.dense() != null) {
            addDense(call.dense(), entries, s, rows, j0, j1);
        }
        if (!entries.allSee(j0, j1)) {
            maskOutside(entries, s, rows, j0, j1);
        }
    }

    /**
     * {@code x ← cap·tanh(x)} as {@code cap·sign(x)·(1 − e)/(1 + e)}, {@code e = exp(−2|x|)}: within
     * {@code 4u·cap} of exact; NaN stays NaN.
     */
    private void softCap(float cap, int vectors, float[] s, int rows, int keys) {
        if (capped.length < rows * Entries.WIDTH) {
            capped = new float[rows * Entries.WIDTH];
        }
        for (int lane = 0; lane < vectors * L; lane += L) {
            int first = TileProducts.at(lane, rows);
            for (int j = 0, at = first; j < keys; j++, at += PANEL) {
                FloatVector.fromArray(F, s, at).abs().mul(-2f).intoArray(capped, at);
            }
            TileExp.exponentials(capped, first, keys, PANEL, zeros, lane, unused);
            for (int j = 0, at = first; j < keys; j++, at += PANEL) {
                FloatVector x = FloatVector.fromArray(F, s, at);
                FloatVector e = FloatVector.fromArray(F, capped, at);
                FloatVector t = e.neg().add(1f).div(e.add(1f)).mul(cap);
                t.blend(t.neg(), x.lt(0f)).blend(x, x.test(VectorOperators.IS_NAN)).intoArray(s, at);
            }
        }
    }

    /** The dense bias (−∞ masks) or mask, read in place from the caller's array. */
    private static void addDense(DenseBias dense, Entries entries, float[] s, int rows, int j0, int j1) {
        boolean[] allowed = dense.allowed();
        float[] values = dense.values();
        for (int e = 0; e < entries.count; e++) {
            int row = dense.rowAt(entries.head[e], entries.row[e]);
            for (int j = j0, at = TileProducts.at(e, rows); j < j1; j++, at += PANEL) {
                if (allowed != null) {
                    s[at] = allowed[row + j] ? s[at] : Float.NEGATIVE_INFINITY;
                } else {
                    float b = values[row + j];
                    s[at] = b == Float.NEGATIVE_INFINITY ? b : s[at] + b;
                }
            }
        }
    }

    /** −∞ for lanes whose causal mask or window hides key j. */
    private static void maskOutside(Entries entries, float[] s, int rows, int j0, int j1) {
        for (int v = 0; v < entries.vectors; v++) {
            int lane = v * L;
            IntVector first = IntVector.fromArray(I, entries.first, lane);
            IntVector end = IntVector.fromArray(I, entries.end, lane);
            for (int j = j0, at = TileProducts.at(lane, rows); j < j1; j++, at += PANEL) {
                VectorMask<Integer> before = first.compare(VectorOperators.GT, j);
                VectorMask<Float> hidden = before.or(end.compare(VectorOperators.LE, j)).cast(F);
                FloatVector.fromArray(F, s, at).blend(Float.NEGATIVE_INFINITY, hidden).intoArray(s, at);
            }
        }
    }
}
