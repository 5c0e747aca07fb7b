package dev.posenc.vector;

import dev.posenc.Kernels;
import dev.posenc.softmax.SoftmaxKernel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax in three sweeps per row: the maximum of {@code z = scale·x + bias}; {@code e = exp(z − m)}
 * written to {@code out} while summing; {@code out ·= 1/Σe}. Float throughout ({@code EXP} is
 * within 1 ulp); the sum runs in two vector accumulators. Tails are scalar, computed the same way.
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
        int bound = F.loopBound(n);
        FloatVector maxes = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < bound; j += F.length()) {
            maxes = maxes.max(logits(x, in + j, scale, bias, b + j));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            max = Math.max(max, logit(x[in + j], scale, bias, b + j));
        }
        if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
            // A NaN or +inf logit, or a float overflow of scale·x + bias: the reference decides in double.
            Kernels.reference().softmax().softmax(x, in, out, o, 1, n, scale, bias, b);
            return;
        }
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(out, o, o + n, 0f);
            return;
        }
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        int step = F.length();
        int bound2 = n - n % (2 * step);
        for (j = 0; j < bound2; j += 2 * step) {
            FloatVector e0 = logits(x, in + j, scale, bias, b + j).sub(m).lanewise(VectorOperators.EXP);
            FloatVector e1 = logits(x, in + j + step, scale, bias, b + j + step).sub(m).lanewise(VectorOperators.EXP);
            e0.intoArray(out, o + j);
            e1.intoArray(out, o + j + step);
            sum0 = sum0.add(e0);
            sum1 = sum1.add(e1);
        }
        float sum = sum0.add(sum1).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            float e = (float) Math.exp(logit(x[in + j], scale, bias, b + j) - max);
            out[o + j] = e;
            sum += e;
        }
        float inverse = 1f / sum;
        for (j = 0; j < bound; j += step) {
            FloatVector.fromArray(F, out, o + j).mul(inverse).intoArray(out, o + j);
        }
        for (; j < n; j++) {
            out[o + j] *= inverse;
        }
    }

    private static FloatVector logits(float[] x, int i, float scale, float[] bias, int b) {
        FloatVector z = FloatVector.fromArray(F, x, i).mul(scale);
        return bias == null ? z : z.add(FloatVector.fromArray(F, bias, b));
    }

    private static float logit(float x, float scale, float[] bias, int b) {
        float z = x * scale;
        return bias == null ? z : z + bias[b];
    }
}
