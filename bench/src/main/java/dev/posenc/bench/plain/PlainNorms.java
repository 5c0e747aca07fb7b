package dev.posenc.bench.plain;

/** LayerNorm and RMSNorm of {@code x [rows × dim]} into {@code out}, float accumulators. */
public final class PlainNorms {
    private PlainNorms() {}

    /** {@code (x − μ)/√(σ² + eps)·γ + β}, two passes (mean, then variance about it). */
    public static void layerNorm(float[] x, float[] out, int rows, int dim, float[] gamma, float[] beta, float eps) {
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float sum = 0f;
            for (int j = 0; j < dim; j++) {
                sum += x[o + j];
            }
            float mean = sum / dim;
            float squares = 0f;
            for (int j = 0; j < dim; j++) {
                float centred = x[o + j] - mean;
                squares += centred * centred;
            }
            float inverse = (float) (1 / Math.sqrt(squares / dim + eps));
            for (int j = 0; j < dim; j++) {
                out[o + j] = (x[o + j] - mean) * inverse * gamma[j] + beta[j];
            }
        }
    }

    /** {@code x/√(mean(x²) + eps)·w} (Llama). */
    public static void rmsNorm(float[] x, float[] out, int rows, int dim, float[] weight, float eps) {
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float squares = 0f;
            for (int j = 0; j < dim; j++) {
                squares += x[o + j] * x[o + j];
            }
            float inverse = (float) (1 / Math.sqrt(squares / dim + eps));
            for (int j = 0; j < dim; j++) {
                out[o + j] = x[o + j] * inverse * weight[j];
            }
        }
    }
}
