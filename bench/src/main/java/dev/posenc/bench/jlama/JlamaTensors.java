package dev.posenc.bench.jlama;

import com.github.tjake.jlama.tensor.FloatBufferTensor;

/** Jlama's float32 tensors filled from posenc's row-major arrays. */
final class JlamaTensors {
    private JlamaTensors() {}

    /** A {@code [rows × cols]} tensor holding {@code data}. */
    static FloatBufferTensor of(float[] data, int rows, int cols) {
        FloatBufferTensor t = new FloatBufferTensor(rows, cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t.set(data[r * cols + c], r, c);
            }
        }
        return t;
    }
}
