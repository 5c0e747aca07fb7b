package dev.posenc.vector;

import dev.posenc.reference.ReferenceKernels;
import dev.posenc.softmax.SoftmaxKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax in three sweeps per row: the maximum of {@code z = scale·x + bias} (four running maxima);
 * {@code e = exp(z − m)} written to {@code out} while summing; {@code out ·= 1/Σe}. The
 * exponential sweep of each row also takes the maximum of the next row: those loads come from L2 or
 * memory, and overlapping them with the exponentials' arithmetic (on rows in L1) instead of a sweep of
 * their own made 512×1024 rows about 25% faster; issuing them first in the loop body, ahead of the
 * exponential's chain of dependent steps, another 10%. Float throughout: the exponential is
 * {@link ExpPolynomial} inlined (≤ 1.01 ulp, flushing results below 2⁻¹²⁶ to 0), with 2^k made by one shift
 * ({@link ExpPolynomial#BIASED_ROUNDER}) and applied by one fused multiply-add, and no NaN test (a NaN
 * shows in the sum): that sweep takes 19 vector operations per vector of logits besides two loads and a
 * store (24 with the 2^(k+1)·0.5 form and NaN catchers). Tails are scalar
 * ({@link Math#exp} in double, rounded). Lanes are combined by fixed trees in scalar code ({@link Lanes}), so
 * the result is the same bits in every JIT tier.
 * A row whose float maximum is NaN, +∞ or −∞ (a +∞ logit, {@code scale·x + bias} overflowing float, a
 * fully masked row), or whose sum is NaN (a NaN logit: the maxima skip NaN, the exponential carries it
 * into the sum), is handed to the reference, which decides it with exact logits in double.
 */
final class VectorSoftmax implements SoftmaxKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    /**
     * Where the sweeps leave their lane accumulators (sum, maxima with the NaN catcher added) to be combined by
     * fixed trees in scalar code (see {@link Lanes}), one array per thread.
     */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * F.length()]);

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
            float sum = Float.intBitsToFloat((int) (sumAndNextMax >>> 32));
            if (sum == sum) {
                multiply(out, o, cols, 1f / sum);
            } else {
                // A NaN logit, which the maxima skipped: the reference decides the row.
                ReferenceKernels.INSTANCE.softmax().softmax(x, in, out, o, 1, cols, scale, bias, biasOffset);
            }
            max = Float.intBitsToFloat((int) sumAndNextMax);
        }
    }

    // Each sweep is its own method (the package's C2 rule): one method holding all three exceeds the budget. No
    // helper takes or returns vectors (the same rule): each logit z = scale·x + bias is written out where it is
    // loaded, and the exponential's steps with their fused multiply-adds.

    /**
     * {@code max_j z_j} over the non-NaN {@code z_j} (−∞ if none), or NaN if a scalar tail element is NaN. The
     * vector maxima use compare + blend (a third of {@code FloatVector.max}'s cost), which skips NaN; a NaN
     * logit shows in the row's sum instead ({@link #exponentials}), after the row, at no cost per element. The
     * running maxima and sum are arguments, never receivers (the package's C2 rule): {@code z.blend(max,
     * z.compare(GT, max).not())}, the same choice as {@code max.blend(z, z.compare(GT, max))}.
     */
    private static float maximum(float[] x, int in, int n, float scale, float[] bias, int b, float[] lanes) {
        int step = F.length();
        FloatVector max0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector max1 = max0;
        FloatVector max2 = max0;
        FloatVector max3 = max0;
        int j = 0;
        // Four vectors per step: four compare-and-blend chains keep the latency hidden.
        for (int bound = n - n % (4 * step); j < bound; j += 4 * step) {
            FloatVector z0 = FloatVector.fromArray(F, x, in + j);
            FloatVector z1 = FloatVector.fromArray(F, x, in + j + step);
            FloatVector z2 = FloatVector.fromArray(F, x, in + j + 2 * step);
            FloatVector z3 = FloatVector.fromArray(F, x, in + j + 3 * step);
            if (scale != 1f) {
                z0 = z0.mul(scale);
                z1 = z1.mul(scale);
                z2 = z2.mul(scale);
                z3 = z3.mul(scale);
            }
            if (bias != null) {
                z0 = z0.add(FloatVector.fromArray(F, bias, b + j));
                z1 = z1.add(FloatVector.fromArray(F, bias, b + j + step));
                z2 = z2.add(FloatVector.fromArray(F, bias, b + j + 2 * step));
                z3 = z3.add(FloatVector.fromArray(F, bias, b + j + 3 * step));
            }
            max0 = z0.blend(max0, z0.compare(VectorOperators.GT, max0).not());
            max1 = z1.blend(max1, z1.compare(VectorOperators.GT, max1).not());
            max2 = z2.blend(max2, z2.compare(VectorOperators.GT, max2).not());
            max3 = z3.blend(max3, z3.compare(VectorOperators.GT, max3).not());
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector z = FloatVector.fromArray(F, x, in + j);
            z = scale == 1f ? z : z.mul(scale);
            z = bias == null ? z : z.add(FloatVector.fromArray(F, bias, b + j));
            max0 = z.blend(max0, z.compare(VectorOperators.GT, max0).not());
        }
        max0.max(max1).max(max2.max(max3)).intoArray(lanes, 0);
        return maximumOfTail(x, in, n, j, scale, bias, b, lanes, 0);
    }

    /**
     * Completes {@link #maximum} from the lanes it left at {@code lanes[from …]}, combined by a fixed tree, and
     * the scalar elements from {@code j} on ({@link Math#max} keeps a NaN).
     */
    private static float maximumOfTail(float[] x, int in, int n, int j, float scale, float[] bias, int b, float[] lanes,
                                       int from) {
        float max = Lanes.max(lanes, from, F.length());
        for (; j < n; j++) {
            max = Math.max(max, logit(x[in + j], scale, bias, b + j));
        }
        return max;
    }

    /**
     * Writes {@code e_j = exp(z_j − max)} to {@code out} and takes the {@link #maximum} of the row at
     * {@code next} on the way; returns both as {@code (bits(Σ e_j) << 32) | bits(next maximum)} (two floats
     * in a long: no allocation). The sum is NaN if a {@code z_j} is: NaN is not below
     * {@link ExpPolynomial#UNDERFLOW}, and the last step, {@code q·2^k + 2^k}, keeps it whatever 2^k's bits.
     */
    private static long exponentials(float[] x, int in, float[] out, int o, int n, float scale, float[] bias, int b,
                                     float max, int next, float[] lanes) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector log2e = FloatVector.broadcast(F, ExpPolynomial.LOG2E);
        FloatVector rounder = FloatVector.broadcast(F, ExpPolynomial.BIASED_ROUNDER);
        FloatVector ln2Hi = FloatVector.broadcast(F, -ExpPolynomial.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(F, -ExpPolynomial.LN2_LO);
        FloatVector p0 = FloatVector.broadcast(F, ExpPolynomial.P0);
        FloatVector p1 = FloatVector.broadcast(F, ExpPolynomial.P1);
        FloatVector p2 = FloatVector.broadcast(F, ExpPolynomial.P2);
        FloatVector p3 = FloatVector.broadcast(F, ExpPolynomial.P3);
        FloatVector p4 = FloatVector.broadcast(F, ExpPolynomial.P4);
        FloatVector p5 = FloatVector.broadcast(F, ExpPolynomial.P5);
        FloatVector sums = FloatVector.zero(F);
        FloatVector nextMax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            // The next row's maximum first: its loads (from L2 or memory) then issue before the exponential's
            // long chain of dependent steps below; written after them, they waited behind it (10% slower).
            FloatVector a = FloatVector.fromArray(F, x, in + j);
            FloatVector zNext = FloatVector.fromArray(F, x, next + j);
            zNext = scale == 1f ? zNext : zNext.mul(scale);
            zNext = bias == null ? zNext : zNext.add(FloatVector.fromArray(F, bias, b + j));
            nextMax = zNext.blend(nextMax, zNext.compare(VectorOperators.GT, nextMax).not());
            // The ExpPolynomial steps, inlined (as a helper method C2 leaves them out of line, boxing every
            // vector: 6× slower); a = z − max ≤ 0, or −∞ for masked entries.
            a = scale == 1f ? a : a.mul(scale);
            a = (bias == null ? a : a.add(FloatVector.fromArray(F, bias, b + j))).sub(m);
            FloatVector t = FMA ? a.fma(log2e, rounder) : a.mul(log2e).add(rounder);
            FloatVector k = t.sub(ExpPolynomial.BIASED_ROUNDER);
            FloatVector r = FMA ? k.fma(ln2Hi, a) : k.mul(ln2Hi).add(a);
            r = FMA ? k.fma(ln2Lo, r) : k.mul(ln2Lo).add(r);
            FloatVector p = FMA ? r.fma(p0, p1) : r.mul(p0).add(p1);
            p = FMA ? p.fma(r, p2) : p.mul(r).add(p2);
            p = FMA ? p.fma(r, p3) : p.mul(r).add(p3);
            p = FMA ? p.fma(r, p4) : p.mul(r).add(p4);
            p = FMA ? p.fma(r, p5) : p.mul(r).add(p5);
            FloatVector r2 = r.mul(r);
            FloatVector q = FMA ? p.fma(r2, r) : p.mul(r2).add(r);
            FloatVector twoToK = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = (FMA ? q.fma(twoToK, twoToK) : q.mul(twoToK).add(twoToK))
                    .blend(0f, a.lt(ExpPolynomial.UNDERFLOW));
            e.intoArray(out, o + j);
            sums = e.add(sums);
        }
        int step = F.length();
        sums.intoArray(lanes, 0);
        nextMax.intoArray(lanes, step);
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

    private static float logit(float x, float scale, float[] bias, int b) {
        float z = scale == 1f ? x : x * scale;
        return bias == null ? z : z + bias[b];
    }
}
