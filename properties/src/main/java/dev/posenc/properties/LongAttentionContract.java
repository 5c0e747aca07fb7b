package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.bias.AlibiBias;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Attention over so many queries and keys that {@code queries × keys} exceeds
 * {@link Integer#MAX_VALUE}: a kernel must never form that product (or a {@code [queries × keys]}
 * matrix). One head, causal, small head width. The CI-sized case, 46341² = 2³¹ + 4,633 pairs,
 * runs with every streaming kernel; the scalar reference (about a minute per 10⁹ pairs) skips it.
 * 65536² = 2³² pairs runs with {@code -Dposenc.long=true} (streaming kernels only).
 */
@ExtendWith(ShortStackTraces.class)
public abstract class LongAttentionContract {
    /** System property enabling the 65536 × 65536 case. */
    public static final String LONG_PROPERTY = "posenc.long";

    /** The implementation under test. */
    protected abstract AttentionKernel kernel();

    /** Whether the kernel is fast enough for 2³¹ pairs in CI; the scalar reference is not. */
    protected boolean fastEnough() {
        return kernel() != Kernels.reference().attention();
    }

    @Test
    public void moreThanIntMaxPairs() {
        assumeTrue(fastEnough(), "the scalar reference takes minutes here; run with -Dposenc.long=true for it");
        check(46_341, 2);
    }

    @Test
    @EnabledIfSystemProperty(named = LONG_PROPERTY, matches = "true")
    public void sixtyFiveThousandSquared() {
        assumeTrue(fastEnough(), "the scalar reference would take hours on 2³² pairs");
        check(65_536, 4);
    }

    /**
     * Issue 9 item 9: the README's accuracy (1e−6) holds at any number of keys. Values {@code 1 + 0.01·N(0, 1)}
     * (the output is near 1, so an absolute error is a relative one), q and k from {@code N(0, 1)}, four query
     * heads over one kv head of width 64, causal; the last query (decode, the narrow block) and the last eight
     * (prefill, a wide block) over 4096, 32768 and 131072 keys, against the exact result in double.
     *
     * <p>Why 1e−6 holds: a tile's sums (72 keys) are formed from zero and added with Kahan's compensation
     * ({@code CompensatedSums}), so the error does not grow with the number of tiles: worst case about
     * {@code (T + g + 8)·u} for T keys per tile and g growths of the running maximum, 1.1e−7 … 1.3e−7 measured
     * here at every length. Summed plainly tile after tile it grew as {@code √(n/T)·u}: 1.0e−6 at 32768 keys and
     * 2.2e−6 at 131072 (the vector kernels before this property).
     */
    @Test
    public void valuesNearOneMeetTheReadmeToleranceAtAnyLength() {
        int d = 64;
        AttentionOptions options = AttentionOptions.of(4, 1, d).withCausal(CausalMask.BOTTOM_RIGHT);
        SplittableRandom random = new SplittableRandom(9);
        for (int n : new int[] {4096, 32768, 131072}) {
            float[] k = new float[n * d];
            float[] v = new float[n * d];
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) random.nextGaussian();
                v[i] = (float) (1 + 0.01 * random.nextGaussian());
            }
            for (int queries : new int[] {1, 8}) {
                float[] q = new float[queries * 4 * d];
                for (int i = 0; i < q.length; i++) {
                    q[i] = (float) random.nextGaussian();
                }
                float[] out = new float[q.length];
                kernel().attend(options, queries, n, null, null, q, 0, k, 0, v, 0, out, 0, new AttentionWorkspace());
                for (int row = 0; row < queries * 4; row++) {
                    double[] exact = exactRow(q, row * d, k, v, d, n - queries + row / 4 + 1, options.scale());
                    for (int c = 0; c < d; c++) {
                        double error = Math.abs(out[row * d + c] - exact[c]);
                        assertTrue(error <= README_TOLERANCE, n + " keys, query " + row / 4 + " of " + queries + ", head "
                                + row % 4 + ", column " + c + ": " + out[row * d + c] + " vs " + exact[c] + " (error " + error
                                + " > " + README_TOLERANCE + ")");
                    }
                }
            }
        }
    }

    /** The README's accuracy for attention outputs. */
    private static final double README_TOLERANCE = 1e-6;

    /** Softmax attention of one query row over keys {@code [0, visible)} of one kv head, in double. */
    private static double[] exactRow(float[] q, int q0, float[] k, float[] v, int d, int visible, double scale) {
        double[] z = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += (double) q[q0 + c] * k[j * d + c];
            }
            z[j] = dot * scale;
            max = Math.max(max, z[j]);
        }
        double sum = 0;
        double[] out = new double[d];
        for (int j = 0; j < visible; j++) {
            double p = Math.exp(z[j] - max);
            sum += p;
            for (int c = 0; c < d; c++) {
                out[c] += p * v[j * d + c];
            }
        }
        for (int c = 0; c < d; c++) {
            out[c] /= sum;
        }
        return out;
    }

    /**
     * Causal ALiBi over n tokens: rows at the ends and around tile and lane boundaries against the
     * oracle (which computes only those rows), every row finite.
     */
    private void check(int n, int d) {
        float[] q = PositionBiasContract.fill(n * d, 21);
        float[] k = PositionBiasContract.fill(n * d, 22);
        float[] v = PositionBiasContract.fill(n * d, 23);
        AttentionOptions options = AttentionOptions.of(1, d).withCausal(CausalMask.TOP_LEFT).withScheme(AlibiBias.of(1));
        float[] out = new float[n * d];
        kernel().attend(options, n, n, null, null, q, 0, k, 0, v, 0, out, 0, new AttentionWorkspace());
        for (int e = 0; e < out.length; e++) {
            assertTrue(Float.isFinite(out[e]), "out[" + e + "] = " + out[e]);
        }
        int[] rows = {0, 1, 2, 15, 16, 17, 63, 64, 65, 4095, 4096, n / 2, n - 65, n - 64, n - 2, n - 1};
        float[] sampledQ = new float[rows.length * d];
        float[] sampledOut = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(q, rows[r] * d, sampledQ, r * d, d);
            System.arraycopy(out, rows[r] * d, sampledOut, r * d, d);
        }
        AttentionCase.Inputs sampled = new AttentionCase.Inputs(options, rows.length, n, Positions.of(rows), null, sampledQ,
                k, v, 0, 0);
        AttentionOracle.of(sampled).assertFloatClose(n + "² causal ALiBi, sampled rows", sampledOut, 0);
    }
}
