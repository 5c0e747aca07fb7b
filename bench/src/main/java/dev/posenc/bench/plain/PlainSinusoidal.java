package dev.posenc.bench.plain;

/**
 * A sinusoidal table {@code [rows × dim]} for positions {@code 0 … rows−1}: a float angle
 * {@code p·w_i} per pair, then {@link Math#sin} and {@link Math#cos} (HF's float32 recipe).
 */
public final class PlainSinusoidal {
    private PlainSinusoidal() {}

    /**
     * @param frequency   {@code w_i}, one per sin/cos pair ({@code dim / 2} of them)
     * @param interleaved columns {@code (2i, 2i+1)}; otherwise {@code (i, i + dim/2)}
     */
    public static void table(float[] frequency, boolean interleaved, int rows, int dim, float[] out) {
        int half = dim / 2;
        for (int p = 0; p < rows; p++) {
            int row = p * dim;
            for (int i = 0; i < half; i++) {
                float angle = p * frequency[i];
                float s = (float) Math.sin(angle);
                float c = (float) Math.cos(angle);
                if (interleaved) {
                    out[row + 2 * i] = s;
                    out[row + 2 * i + 1] = c;
                } else {
                    out[row + i] = s;
                    out[row + half + i] = c;
                }
            }
        }
    }
}
