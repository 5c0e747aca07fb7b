package dev.posenc.vector;

import dev.posenc.Kernels;
import dev.posenc.softmax.SoftmaxKernel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax in three sweeps per row: the maximum of {@code z = scale·x + bias} (four running
 * maxima); {@code e = exp(z − m)} written to {@code out} while summing; {@code out ·= 1/Σe}.
 * Float throughout: the exponential is {@link ExpPolynomial} inlined (≤ 1.01 ulp, flushing results
 * below 2⁻¹²⁶ to 0). Tails are scalar ({@link Math#exp} in double, rounded).
 * A row whose float maximum is NaN or +∞ (a NaN or +∞ logit, or {@code scale·x + bias} overflowing
 * float) is handed to the reference, which decides it with exact logits in double.
 */
final class VectorSoftmax implements SoftmaxKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;

    @Override
    public void softmax(float[] x, int xOffset, float[] out, int outOffset, int rows, int cols,
                        float scale, float[] bias, int biasOffset) {
        SoftmaxKernel.checkArguments(x, xOffset, out, outOffset, rows, cols, scale, bias, biasOffset);
        for (int r = 0; r < rows; r++) {
            row(x, xOffset + r * cols, out, outOffset + r * cols, cols, scale, bias, biasOffset);
        }
    }

    private static void row(float[] x, int in, float[] out, int o, int n, float scale, float[] bias, int b) {
        float max = maximum(x, in, n, scale, bias, b);
        if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
            // A NaN or +inf logit, or a float overflow of scale·x + bias: the reference decides in double.
            Kernels.reference().softmax().softmax(x, in, out, o, 1, n, scale, bias, b);
            return;
        }
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(out, o, o + n, 0f);
            return;
        }
        float sum = exponentials(x, in, out, o, n, scale, bias, b, max);
        multiply(out, o, n, 1f / sum);
    }

    // Each sweep is its own method: C2 inlines the Vector API per compiled method up to a budget,
    // and one method holding all three sweeps exceeds it (vectors then get boxed).

    /**
     * {@code max_j z_j}, or NaN if any {@code z_j} is NaN. The vector maxima use compare + blend (a
     * third of {@code FloatVector.max}'s cost), which skips NaN; a running sum of the logits catches
     * it instead (NaN in, NaN out; it also turns NaN for ∞ − ∞, which only sends a row with infinite
     * or overflowing logits to the reference, which handles those anyway).
     */
    private static float maximum(float[] x, int in, int n, float scale, float[] bias, int b) {
        int step = F.length();
        FloatVector max0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector max1 = max0;
        FloatVector probe = FloatVector.zero(F);
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector z0 = logits(x, in + j, scale, bias, b + j);
            FloatVector z1 = logits(x, in + j + step, scale, bias, b + j + step);
            max0 = max0.blend(z0, z0.compare(VectorOperators.GT, max0));
            max1 = max1.blend(z1, z1.compare(VectorOperators.GT, max1));
            probe = probe.add(z0.add(z1));
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector z = logits(x, in + j, scale, bias, b + j);
            max0 = max0.blend(z, z.compare(VectorOperators.GT, max0));
            probe = probe.add(z);
        }
        float max = Lanes.max(max0.max(max1));
        float probes = Lanes.sum(probe);   // a fixed tree: whether ∞ − ∞ arises must not depend on the JIT tier
        for (; j < n; j++) {
            float z = logit(x[in + j], scale, bias, b + j);
            max = Math.max(max, z);
            probes += z;
        }
        return Float.isNaN(probes) ? Float.NaN : max;
    }

    /** Writes {@code e_j = exp(z_j − max)} to {@code out} and returns {@code Σ e_j}. */
    private static float exponentials(float[] x, int in, float[] out, int o, int n, float scale, float[] bias, int b,
                                      float max) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector sums = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            // The ExpPolynomial steps, inlined; a = z − max ≤ 0, or −∞ for masked entries.
            FloatVector a = logits(x, in + j, scale, bias, b + j).sub(m);
            FloatVector t = Lanes.fma(a, constant(ExpPolynomial.LOG2E), constant(ExpPolynomial.ROUNDER));
            FloatVector k = t.sub(ExpPolynomial.ROUNDER);
            FloatVector r = Lanes.fma(k, constant(-ExpPolynomial.LN2_HI), a);
            r = Lanes.fma(k, constant(-ExpPolynomial.LN2_LO), r);
            FloatVector p = Lanes.fma(r, constant(ExpPolynomial.P0), constant(ExpPolynomial.P1));
            p = Lanes.fma(p, r, constant(ExpPolynomial.P2));
            p = Lanes.fma(p, r, constant(ExpPolynomial.P3));
            p = Lanes.fma(p, r, constant(ExpPolynomial.P4));
            p = Lanes.fma(p, r, constant(ExpPolynomial.P5));
            FloatVector y = Lanes.fma(p, r.mul(r), r).add(1f);
            IntVector twoToK1 = t.reinterpretAsInts().sub(ExpPolynomial.ROUNDER_BITS_MINUS_ONE)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector e = y.reinterpretAsInts().add(twoToK1).reinterpretAsFloats().mul(0.5f)
                    .blend(0f, a.lt(ExpPolynomial.UNDERFLOW));
            e.intoArray(out, o + j);
            sums = sums.add(e);
        }
        float sum = Lanes.sum(sums);
        for (; j < n; j++) {
            float e = (float) Math.exp(logit(x[in + j], scale, bias, b + j) - max);
            out[o + j] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code a[o, o + n) ·= factor}. */
    private static void multiply(float[] a, int o, int n, float factor) {
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            FloatVector.fromArray(F, a, o + j).mul(factor).intoArray(a, o + j);
        }
        for (; j < n; j++) {
            a[o + j] *= factor;
        }
    }

    private static FloatVector logits(float[] x, int i, float scale, float[] bias, int b) {
        FloatVector z = FloatVector.fromArray(F, x, i);
        z = scale == 1f ? z : z.mul(scale);
        return bias == null ? z : z.add(FloatVector.fromArray(F, bias, b));
    }

    private static FloatVector constant(float value) {
        return FloatVector.broadcast(F, value);
    }

    private static float logit(float x, float scale, float[] bias, int b) {
        float z = scale == 1f ? x : x * scale;
        return bias == null ? z : z + bias[b];
    }
}
