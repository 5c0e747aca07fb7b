package dev.posenc.properties;

import dev.posenc.softmax.SoftmaxKernel;

/**
 * A deliberately wrong softmax for proving the kit: {@code exp(z) / Σ exp(z)} in float without
 * subtracting the row maximum, the textbook formula that overflows once a logit passes ~88.7
 * ({@code exp} of it is +∞ and the row becomes ∞/∞ = NaN). It validates its arguments like a correct
 * kernel, so only the numerical properties can catch it.
 */
final class NoMaxSubtractionSoftmax implements SoftmaxKernel {

    @Override
    public void softmax(float[] x, int xOffset, float[] out, int outOffset, int rows, int cols,
                        float scale, float[] bias, int biasOffset) {
        SoftmaxKernel.checkArguments(x, xOffset, out, outOffset, rows, cols, scale, bias, biasOffset);
        for (int r = 0; r < rows; r++) {
            float sum = 0;
            for (int j = 0; j < cols; j++) {
                float z = scale * x[xOffset + r * cols + j] + (bias == null ? 0 : bias[biasOffset + j]);
                out[outOffset + r * cols + j] = (float) Math.exp(z);
                sum += out[outOffset + r * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                out[outOffset + r * cols + j] /= sum;
            }
        }
    }
}
