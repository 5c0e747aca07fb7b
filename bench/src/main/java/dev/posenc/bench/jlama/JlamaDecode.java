package dev.posenc.bench.jlama;

import com.github.tjake.jlama.math.VectorMath;
import com.github.tjake.jlama.tensor.FloatBufferTensor;
import com.github.tjake.jlama.tensor.operations.TensorOperations;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;

/**
 * One decode step of Jlama's attention over a float32 KV cache, on one thread: for each query head,
 * the calls its {@code CausalSelfAttention.forward} makes per head (0.8.4) — {@code batchDotProduct}
 * of the query with every cached key, {@code scale} by 1/√d, {@code VectorMath.softMax}, and
 * {@code saxpy} of the weights into the cached values. Jlama runs the heads on a thread pool; this
 * calls them in turn, so that it is single-threaded as posenc's decode is. No position bias: Jlama
 * applies RoPE to q and k before the cache.
 */
public final class JlamaDecode {
    private final TensorOperations ops = TensorOperationsProvider.get();
    private final int heads;
    private final int group;
    private final int headDim;
    private final int keys;
    private final float scale;
    private final FloatBufferTensor q;
    private final FloatBufferTensor k;
    private final FloatBufferTensor v;
    private final FloatBufferTensor out;
    private final FloatBufferTensor scores;

    /** {@code q [heads × headDim]}, {@code k} and {@code v [keys × kvHeads × headDim]}. */
    public JlamaDecode(int heads, int kvHeads, int headDim, int keys, float[] q, float[] k, float[] v) {
        this.heads = heads;
        this.group = heads / kvHeads;
        this.headDim = headDim;
        this.keys = keys;
        this.scale = (float) (1 / Math.sqrt(headDim));
        this.q = JlamaTensors.of(q, 1, heads * headDim);
        this.k = JlamaTensors.of(k, keys, kvHeads * headDim);
        this.v = JlamaTensors.of(v, keys, kvHeads * headDim);
        this.out = new FloatBufferTensor(1, heads * headDim);
        this.scores = new FloatBufferTensor(1, keys);
    }

    public float run() {
        out.clear();
        for (int h = 0; h < heads; h++) {
            int kvColumn = h / group * headDim;
            int qColumn = h * headDim;
            ops.batchDotProduct(scores, q, k, qColumn, kvColumn, headDim, 0, 0, keys);
            ops.scale(scale, scores, 0, keys);
            VectorMath.softMax(scores, 0, keys);
            ops.saxpy(scores, v, out, kvColumn, qColumn, headDim, 0, 0, keys);
        }
        return out.get(0, 0);
    }
}
