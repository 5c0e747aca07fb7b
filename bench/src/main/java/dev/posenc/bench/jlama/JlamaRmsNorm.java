package dev.posenc.bench.jlama;

import com.github.tjake.jlama.model.RMSNorm;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.FloatBufferTensor;

/** Jlama's {@code RMSNorm.forward} over {@code [rows × dim]}; its output tensor is returned to Jlama's cache after each call. */
public final class JlamaRmsNorm {
    private final RMSNorm norm;
    private final FloatBufferTensor x;
    private final int dim;

    public JlamaRmsNorm(float[] x, int rows, int dim, float[] weight, float eps) {
        this.norm = new RMSNorm(new JlamaHost(dim, eps), JlamaTensors.of(weight, 1, dim));
        this.x = JlamaTensors.of(x, rows, dim);
        this.dim = dim;
    }

    /** One call; returns an output value so that the work cannot be dropped. */
    public float run() {
        try (AbstractTensor out = norm.forward(x, 0, dim)) {
            return out.get(0, 0);
        }
    }
}
