package dev.posenc.vector;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The online softmax's running sums, grown by one tile at a time, {@code O ← α·O + T}, with Kahan's
 * compensation: {@code carry} holds the rounding error of the last additions (negated, {@code O − carry} is
 * the sum they meant), scaled by α with O and subtracted from the next tile's T before it is added.
 *
 * <p><b>Error.</b> A tile's sums T are formed from zero over its keys (at most a tile, {@code T} keys:
 * {@code γ_T·Σ p·|v|}); adding the tiles costs {@code 2u + O((n/T)·u²)} times {@code Σ p·|v|} instead of
 * {@code (n/T)·u}, and each growth of the running maximum one rounding of {@code α·O}. So the output's error
 * is bounded independently of the number of keys n beyond a tile: summed plainly, tile after tile, it grew
 * as {@code √(n/T)·u} in practice (1.0e−6 at 32768 keys and 2.2e−6 at 131072 for values 1 + 0.01·N(0, 1),
 * against 3e−7 at 4096), issue 9 item 9. The extra work is a few additions per output element per tile, not per
 * key. Exact IEEE operations in a fixed order: the same bits in every JIT tier. Alone, on rows that stay in L2, the
 * adds cost little (a timing mock of the prefill ran at 0.828 of the FMA probe with them, 0.830 without); the 8% of
 * the prefill's samples that perf gives them is likely waiting on Oᵀ and its compensation (not verified). Skipping
 * the multiplies where α is 1, adding a register tile straight from its registers, and {@link #add} inlined into the
 * kernels ran no faster; the four-operation step with hardware FMA (other bits) ran 0.961× as fast: left out.
 * Measurements: docs/experiments/prefill.md, "CompensatedSums".
 */
final class CompensatedSums {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;

    private CompensatedSums() {}

    /**
     * Lane-major sums by panel ({@link TileProducts#at}): {@code o[g·rows·PANEL + r·PANEL + v] ← α[lane]·o + t}
     * with lane {@code = g·PANEL + v < vectors·L} and {@code r < rows}, compensated in {@code carry} (same layout).
     * The online softmax's sums l ({@code rows = 1}); a wide block adds its {@code Oᵀ} a register tile at a time
     * ({@link #add}).
     */
    static void panels(float[] o, float[] carry, float[] t, int vectors, int rows, float[] alpha) {
        for (int lane = 0; lane < vectors * L; lane += L) {
            int at = lane / PANEL * rows * PANEL + lane % PANEL;
            add(o, carry, at, t, at, rows, 1, alpha, lane);
        }
    }

    /**
     * {@code o[i] ← α·o[i] + t[j]}, compensated in {@code carry} (same layout as o), for {@code i = at + r·PANEL + v·L}
     * and {@code j = tAt + r·PANEL + v·L} with {@code r < rows}, {@code v < vectors} (a register tile's rows and vectors
     * in panel-major buffers), vector v's α from lane {@code lane + v·L}.
     */
    static void add(float[] o, float[] carry, int at, float[] t, int tAt, int rows, int vectors, float[] alpha, int lane) {
        for (int v = 0; v < vectors; v++) {
            column(o, carry, at + v * L, t, tAt + v * L, rows, PANEL, alpha, lane + v * L, false);
        }
    }

    /**
     * Row-major sums: {@code o[e·dv + c] ← α[e]·o[e·dv + c] + t[e·dv + c]} for {@code e < entries}, {@code c < dv},
     * compensated in {@code carry} (same layout); then {@code t = 0}. A narrow block's output rows.
     */
    static void rows(float[] o, float[] carry, float[] t, int entries, int dv, float[] alpha) {
        int vectors = F.loopBound(dv) / L;
        for (int e = 0; e < entries; e++) {
            column(o, carry, e * dv, t, e * dv, vectors, L, alpha, e, true);
            for (int i = e * dv + vectors * L; i < (e + 1) * dv; i++) { // scalar tail
                float sum = alpha[e] * o[i];
                float y = t[i] - alpha[e] * carry[i];
                float next = sum + y;
                carry[i] = next - sum - y;
                o[i] = next;
            }
        }
        Arrays.fill(t, 0, entries * dv, 0f);
    }

    /**
     * A chunked decode's merge of {@code count} chunks' output rows into {@code o[oAt + k]}, {@code k < n}: from
     * {@code o = 0}, {@code carry = 0}, for each chunk c in turn {@code o ← α_c·o + t} with {@code t = β_c·r[rAt + c·rStride
     * + k]}, compensated, where {@code α_c = alpha[abAt + c·abStride]} and {@code β_c = beta[abAt + c·abStride]}: the
     * operations, in the order, of {@code count} calls of {@link #rows} on {@code t} (so the same bits), a vector of o
     * and its carry kept in registers over the chunks, t never stored.
     */
    static void merged(float[] r, int rAt, int rStride, int count, float[] alpha, float[] beta, int abAt, int abStride, int n,
                       float[] o, int oAt) {
        for (int k = 0; k < n; k += L) {
            VectorMask<Float> m = F.indexInRange(k, n);
            FloatVector sum = FloatVector.zero(F);
            FloatVector carry = sum;
            for (int c = 0, i = rAt + k, ab = abAt; c < count; c++, i += rStride, ab += abStride) {
                FloatVector a = FloatVector.broadcast(F, alpha[ab]);
                FloatVector scaled = a.mul(sum); // the carried vectors only as arguments (the package's C2 rule)
                FloatVector y = FloatVector.fromArray(F, r, i, m).mul(beta[ab]).sub(a.mul(carry));
                sum = scaled.add(y);
                carry = sum.sub(scaled).sub(y);
            }
            sum.intoArray(o, oAt + k, m);
        }
    }

    /**
     * The compensated step, one vector at each of {@code count} places: {@code o[i] ← α·o[i] + t[j]}, for
     * {@code i = at + c·stride} and {@code j = tAt + c·stride} with {@code c < count}; α is {@code alpha[alphaAt]} in
     * every lane where {@code broadcast}, else the vector at {@code alpha[alphaAt]}. {@code carry} holds
     * {@code next − α·o − y} with {@code y = t − α·carry}: the rounding error of the addition, negated.
     */
    private static void column(float[] o, float[] carry, int at, float[] t, int tAt, int count, int stride, float[] alpha,
                               int alphaAt, boolean broadcast) {
        FloatVector a = broadcast ? FloatVector.broadcast(F, alpha[alphaAt]) : FloatVector.fromArray(F, alpha, alphaAt);
        for (int c = 0, i = at, j = tAt; c < count; c++, i += stride, j += stride) {
            FloatVector sum = FloatVector.fromArray(F, o, i).mul(a);
            FloatVector y = FloatVector.fromArray(F, t, j).sub(FloatVector.fromArray(F, carry, i).mul(a));
            FloatVector next = sum.add(y);
            next.sub(sum).sub(y).intoArray(carry, i);
            next.intoArray(o, i);
        }
    }
}
