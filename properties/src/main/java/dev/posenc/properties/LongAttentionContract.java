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
     * Causal ALiBi over n tokens: rows at the ends and around tile and lane boundaries against the
     * oracle (which computes only those rows), every row finite.
     */
    private void check(int n, int d) {
        float[] q = PositionBiasContract.fill(n * d, 21);
        float[] k = PositionBiasContract.fill(n * d, 22);
        float[] v = PositionBiasContract.fill(n * d, 23);
        AttentionOptions options = AttentionOptions.of(1, d).withCausal(CausalMask.TOP_LEFT).withBias(AlibiBias.of(1));
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
