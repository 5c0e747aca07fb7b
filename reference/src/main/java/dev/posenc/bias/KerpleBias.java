package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * KERPLE, the logarithmic variant (Chi, Fan, Ramadge and Rudnicky 2022, "KERPLE: Kernelized Relative
 * Positional Embedding for Length Extrapolation"): head h adds
 * <pre>  b_h(p, t) = −r1_h·log(1 + r2_h·|p − t|),   r1_h, r2_h > 0 learned</pre>
 * to the logit of the query at position p and the key at t: a conditionally positive definite kernel
 * that decays logarithmically with distance, built to extrapolate past the training length. This
 * matches the authors' GPT-NeoX code ({@code ParallelKerpleLog}: {@code −bias_p·log(1 + bias_a·diff)},
 * {@code bias_p} = r1, {@code bias_a} = r2, on the causal distance {@code diff = i − j}); the bias is
 * symmetric in the distance, so without a causal mask future keys get the bias of their distance.
 *
 * <p>The parameters are copied at construction. Immutable and thread-safe.
 */
public final class KerpleBias implements RelativeBias {
    private final float[] r1;
    private final float[] r2;

    private KerpleBias(float[] r1, float[] r2) {
        this.r1 = r1;
        this.r2 = r2;
    }

    /**
     * Copies of one r1 and one r2 per head (the authors' {@code bias_p} and {@code bias_a}), as many of
     * each: r2 a finite float > 0, r1 in (0, 1e36] (so that every bias, at most 112·r1 in magnitude at
     * int distances, is a finite float).
     */
    public static KerpleBias of(float[] r1, float[] r2) {
        Checks.notNull(r1, "r1");
        Checks.notNull(r2, "r2");
        Checks.positive(r1.length, "r1.length");
        if (r2.length != r1.length) {
            throw new IllegalArgumentException("r2 has " + r2.length + " heads but r1 has " + r1.length + ": one of each per head");
        }
        return new KerpleBias(positives(r1, "r1", 1e36), positives(r2, "r2", Float.MAX_VALUE));
    }

    private static float[] positives(float[] x, String name, double max) {
        float[] copy = x.clone();
        for (int h = 0; h < copy.length; h++) {
            if (!(Checks.finitePositive(copy[h], name + "[" + h + "]") <= max)) {
                throw new IllegalArgumentException(name + "[" + h + "] must be <= " + max + ", was " + copy[h]);
            }
        }
        return copy;
    }

    @Override
    public int heads() {
        return r1.length;
    }

    /** r1 of head h. */
    public float r1(int head) {
        return r1[Checks.index(head, r1.length, "head")];
    }

    /** r2 of head h. */
    public float r2(int head) {
        return r2[Checks.index(head, r2.length, "head")];
    }

    @Override
    public double bias(int head, int queryPosition, int keyPosition) {
        return -(double) r1(head) * Math.log1p(r2(head) * (double) Math.abs((long) keyPosition - queryPosition));
    }

    @Override
    public String toString() {
        return "KerpleBias[heads=" + r1.length + "]";
    }
}
