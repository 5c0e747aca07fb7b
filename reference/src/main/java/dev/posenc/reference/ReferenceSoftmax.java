package dev.posenc.reference;

import dev.posenc.softmax.SoftmaxKernel;

/**
 * Softmax as the formula reads, in double: {@code z = scale·x + bias}, {@code m = max z},
 * {@code y = exp(z − m) / Σ exp(z − m)}, each rounded once to float. Special values as
 * {@link SoftmaxKernel} documents them.
 */
final class ReferenceSoftmax implements SoftmaxKernel {

    @Override
    public void softmax(float[] x, int xOffset, float[] out, int outOffset, int rows, int cols,
                        float scale, float[] bias, int biasOffset) {
        SoftmaxKernel.checkArguments(x, xOffset, out, outOffset, rows, cols, scale, bias, biasOffset);
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * cols;
            int o = outOffset + r * cols;
            double max = Double.NEGATIVE_INFINITY;
            boolean nan = false;
            for (int j = 0; j < cols; j++) {
                double z = logit(x[in + j], scale, bias, biasOffset + j);
                nan |= Double.isNaN(z);
                max = Math.max(max, z);
            }
            if (nan || max == Double.POSITIVE_INFINITY) {
                java.util.Arrays.fill(out, o, o + cols, Float.NaN);
                continue;
            }
            if (max == Double.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(out, o, o + cols, 0f);
                continue;
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(logit(x[in + j], scale, bias, biasOffset + j) - max);
            }
            for (int j = 0; j < cols; j++) {
                out[o + j] = (float) (Math.exp(logit(x[in + j], scale, bias, biasOffset + j) - max) / sum);
            }
        }
    }

    private static double logit(float x, float scale, float[] bias, int b) {
        return (double) scale * x + (bias == null ? 0.0 : bias[b]);
    }
}
