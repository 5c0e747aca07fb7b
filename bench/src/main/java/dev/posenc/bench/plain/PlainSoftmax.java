package dev.posenc.bench.plain;

/** Row-wise softmax of {@code x [rows × cols]} into {@code out}: max, {@code exp(x − max)} and its sum, then times {@code 1/sum}. */
public final class PlainSoftmax {
    private PlainSoftmax() {}

    public static void softmax(float[] x, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[o + j]);
            }
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[o + j] - max);
                out[o + j] = e;
                sum += e;
            }
            float inverse = 1f / sum;
            for (int j = 0; j < cols; j++) {
                out[o + j] *= inverse;
            }
        }
    }
}
