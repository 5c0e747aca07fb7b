package dev.posenc.bench.plain;

/**
 * RoPE on {@code [positions × heads × headDim]} (positions {@code 0 …}) from a float cos/sin table
 * {@code [positions × rotaryDim/2]}: {@code out_a = a·cos − b·sin}, {@code out_b = b·cos + a·sin} for
 * the pairs {@code (i, i + rotaryDim/2)} (half-split, HF {@code rotate_half}) or {@code (2i, 2i+1)}
 * (interleaved); dims past {@code rotaryDim} are copied. {@code out} may be {@code x}.
 */
public final class PlainRope {
    private PlainRope() {}

    /** Fills the table from the inverse frequencies: {@code cos(p·f_i)}, {@code sin(p·f_i)} with a float angle. */
    public static void angles(float[] invFreq, int positions, float[] cos, float[] sin) {
        int half = invFreq.length;
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = p * invFreq[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
    }

    public static void rotate(float[] cos, float[] sin, boolean halfSplit, int positions, int heads, int headDim,
                              int rotaryDim, float[] x, float[] out) {
        int half = rotaryDim / 2;
        for (int p = 0; p < positions; p++) {
            int angles = p * half;
            for (int h = 0; h < heads; h++) {
                int base = (p * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    int first = halfSplit ? base + i : base + 2 * i;
                    int second = halfSplit ? first + half : first + 1;
                    float c = cos[angles + i];
                    float s = sin[angles + i];
                    float a = x[first];
                    float b = x[second];
                    out[first] = a * c - b * s;
                    out[second] = b * c + a * s;
                }
                if (out != x) {
                    System.arraycopy(x, base + rotaryDim, out, base + rotaryDim, headDim - rotaryDim);
                }
            }
        }
    }
}
