package dev.posenc.vector;

import dev.posenc.reference.ReferenceKernels;
import dev.posenc.softmax.SoftmaxKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax in three sweeps per row: the maximum of {@code z = scale·x + bias} (four running maxima, a
 * NaN catcher); {@code e = exp(z − m)} written to {@code out} while summing; {@code out ·= 1/Σe}. The
 * exponential sweep of each row also takes the maximum of the next row: those loads come from L2 or
 * memory, and overlapping them with the exponentials' arithmetic (on rows in L1) instead of a sweep of
 * their own made 512×1024 rows about 25% faster. Float throughout: the exponential is
 * {@link ExpPolynomial} inlined (≤ 1.01 ulp, flushing results below 2⁻¹²⁶ to 0). Tails are scalar
 * ({@link Math#exp} in double, rounded). Lanes are combined by fixed trees in scalar code ({@link Lanes}), so
 * the result is the same bits in every JIT tier.
 * A row whose float maximum is NaN, +∞ or −∞ (a NaN or +∞ logit, {@code scale·x + bias} overflowing
 * float, a fully masked row) is handed to the reference, which decides it with exact logits in double.
 */
final class VectorSoftmax implements SoftmaxKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /**
     * Where the sweeps leave their lane accumulators (sum, maxima, NaN catcher) to be combined by fixed
     * trees in scalar code (see {@link Lanes}), one array per thread.
     */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[3 * F.length()]);

    @Override
    public void softmax(float[] x, int xOffset, float[] out, int outOffset, int rows, int cols,
                        float scale, float[] bias, int biasOffset) {
        SoftmaxKernel.checkArguments(x, xOffset, out, outOffset, rows, cols, scale, bias, biasOffset);
        float[] lanes = LANES.get();
        float max = maximum(x, xOffset, cols, scale, bias, biasOffset, lanes);
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * cols;
            int o = outOffset + r * cols;
            int next = r + 1 < rows ? in + cols : in;   // the last row takes its own maximum again, unused
            if (!(max > Float.NEGATIVE_INFINITY && max < Float.POSITIVE_INFINITY)) {
                // A NaN or +inf logit, a float overflow of scale·x + bias, or every logit −inf in float (masked, or
                // overflowing below: −3e38·2 is finite in double): the reference decides with exact logits.
                ReferenceKernels.INSTANCE.softmax().softmax(x, in, out, o, 1, cols, scale, bias, biasOffset);
                max = maximum(x, next, cols, scale, bias, biasOffset, lanes);
                continue;
            }
            long sumAndNextMax = exponentials(x, in, out, o, cols, scale, bias, biasOffset, max, next, lanes);
            multiply(out, o, cols, 1f / Float.intBitsToFloat((int) (sumAndNextMax >>> 32)));
            max = Float.intBitsToFloat((int) sumAndNextMax);
        }
    }

    // Each sweep is its own method (the package's C2 rule): one method holding all three exceeds the budget.

    /**
     * {@code max_j z_j}, or NaN if any {@code z_j} is NaN. The vector maxima use compare + blend (a third of
     * {@code FloatVector.max}'s cost), which skips NaN: a vector into whose lanes every NaN is blended
     * ({@code z ≠ z}, and never overwritten) catches it instead, so the outcome does not depend on the
     * order of the lanes. (A {@code VectorMask} accumulator and {@code anyTrue()} cost an allocated mask
     * per row: C2 does not inline {@code anyTrueHelper}.)
     */
    private static float maximum(float[] x, int in, int n, float scale, float[] bias, int b, float[] lanes) {
        int step = F.length();
        FloatVector max0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector max1 = max0;
        FloatVector max2 = max0;
        FloatVector max3 = max0;
        FloatVector nan = FloatVector.zero(F);
        int j = 0;
        // Four vectors per step: four compare-and-blend chains keep the latency hidden.
        for (int bound = n - n % (4 * step); j < bound; j += 4 * step) {
            FloatVector z0 = logits(x, in + j, scale, bias, b + j);
            FloatVector z1 = logits(x, in + j + step, scale, bias, b + j + step);
            FloatVector z2 = logits(x, in + j + 2 * step, scale, bias, b + j + 2 * step);
            FloatVector z3 = logits(x, in + j + 3 * step, scale, bias, b + j + 3 * step);
            max0 = max0.blend(z0, z0.compare(VectorOperators.GT, max0));
            max1 = max1.blend(z1, z1.compare(VectorOperators.GT, max1));
            max2 = max2.blend(z2, z2.compare(VectorOperators.GT, max2));
            max3 = max3.blend(z3, z3.compare(VectorOperators.GT, max3));
            nan = nan.blend(z0, z0.compare(VectorOperators.NE, z0)).blend(z1, z1.compare(VectorOperators.NE, z1))
                    .blend(z2, z2.compare(VectorOperators.NE, z2)).blend(z3, z3.compare(VectorOperators.NE, z3));
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector z = logits(x, in + j, scale, bias, b + j);
            max0 = max0.blend(z, z.compare(VectorOperators.GT, max0));
            nan = nan.blend(z, z.compare(VectorOperators.NE, z));
        }
        max0.max(max1).max(max2.max(max3)).intoArray(lanes, 0);
        nan.intoArray(lanes, step);
        return maximumOfTail(x, in, n, j, scale, bias, b, lanes, 0);
    }

    /**
     * Completes {@link #maximum} from the lanes it left at {@code lanes[from …]} (the maxima, then the NaN
     * catcher), combined by fixed trees, and the scalar elements from {@code j} on.
     */
    private static float maximumOfTail(float[] x, int in, int n, int j, float scale, float[] bias, int b, float[] lanes,
                                       int from) {
        int step = F.length();
        float max = Lanes.max(lanes, from, step);
        boolean nan = Float.isNaN(Lanes.sum(lanes, from + step, step));   // NaN lanes make the sum NaN
        for (; j < n; j++) {
            float z = logit(x[in + j], scale, bias, b + j);
            max = Math.max(max, z);
            nan |= z != z;
        }
        return nan ? Float.NaN : max;
    }

    /**
     * Writes {@code e_j = exp(z_j − max)} to {@code out} and takes the {@link #maximum} of the row at
     * {@code next} on the way; returns both as {@code (bits(Σ e_j) << 32) | bits(next maximum)} (two floats
     * in a long: no allocation).
     */
    private static long exponentials(float[] x, int in, float[] out, int o, int n, float scale, float[] bias, int b,
                                     float max, int next, float[] lanes) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector sums = FloatVector.zero(F);
        FloatVector nextMax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector nextNan = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            // The ExpPolynomial steps, inlined (as a helper method C2 leaves them out of line, boxing every
            // vector: 6× slower); a = z − max ≤ 0, or −∞ for masked entries.
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
            FloatVector z = logits(x, next + j, scale, bias, b + j);
            nextMax = nextMax.blend(z, z.compare(VectorOperators.GT, nextMax));
            nextNan = nextNan.blend(z, z.compare(VectorOperators.NE, z));
        }
        int step = F.length();
        sums.intoArray(lanes, 0);
        nextMax.intoArray(lanes, step);
        nextNan.intoArray(lanes, 2 * step);
        float sum = Lanes.sum(lanes, 0, step);
        for (; j < n; j++) {
            float e = (float) Math.exp(logit(x[in + j], scale, bias, b + j) - max);
            out[o + j] = e;
            sum += e;
        }
        float following = maximumOfTail(x, next, n, F.loopBound(n), scale, bias, b, lanes, step);
        return (long) Float.floatToRawIntBits(sum) << 32 | (Float.floatToRawIntBits(following) & 0xFFFF_FFFFL);
    }

    /** {@code a[o, o + n) ·= factor}, two vectors per step. */
    private static void multiply(float[] a, int o, int n, float factor) {
        int step = F.length();
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector a0 = FloatVector.fromArray(F, a, o + j);
            FloatVector a1 = FloatVector.fromArray(F, a, o + j + step);
            a0.mul(factor).intoArray(a, o + j);
            a1.mul(factor).intoArray(a, o + j + step);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
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
