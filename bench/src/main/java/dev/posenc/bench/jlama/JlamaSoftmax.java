package dev.posenc.bench.jlama;

import com.github.tjake.jlama.math.VectorMath;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.FloatBufferTensor;

/**
 * Jlama's {@code VectorMath.softMax} on each row of {@code [rows × cols]}, in place (its only form).
 * After the first call the rows hold probabilities rather than logits; softmax costs the same on
 * either (every value finite), so the rows are not reloaded between calls.
 */
public final class JlamaSoftmax {
    private final AbstractTensor[] rows;
    private final int cols;

    public JlamaSoftmax(float[] logits, int rows, int cols) {
        FloatBufferTensor all = JlamaTensors.of(logits, rows, cols);
        this.rows = new AbstractTensor[rows];
        for (int r = 0; r < rows; r++) {
            this.rows[r] = all.slice(r);
        }
        this.cols = cols;
    }

    public float run() {
        for (AbstractTensor row : rows) {
            VectorMath.softMax(row, 0, cols);
        }
        return rows[0].get(0, 0);
    }
}
