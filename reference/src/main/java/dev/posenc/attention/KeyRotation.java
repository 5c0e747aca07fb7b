package dev.posenc.attention;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RotaryEmbedding;

/**
 * What a {@link KvCache} applies to keys as it appends them: a rotation, in place, of
 * {@code positions.count()} rows of {@code heads × headDim} floats at the rows' absolute positions in
 * the cache (HF rotates keys before {@code DynamicCache.update}; engines rotate on append). The cache
 * rotates its own float copy of the rows, before rounding them to its precision.
 * <pre>
 *   cache.append(k, v, KeyRotation.of(kernels.rope(), ropeCache));        // RoPE at positions next … next + rows − 1</pre>
 * Another position rule is a lambda: M-RoPE rotates by the (t, h, w) positions of the prompt's tokens,
 * {@code (positions, heads, keys, at) -> rope.rotate(mrope, axial(positions), heads, keys, at)}.
 */
@FunctionalInterface
public interface KeyRotation {

    /**
     * Rotates {@code positions.count()} rows of {@code heads × headDim} floats of {@code keys} from
     * {@code offset}, in place, row r by position {@code positions.at(r)}. A {@link KvCache} passes a
     * {@linkplain Positions#view view} of an array it owns and reuses for its next append (so that an append
     * allocates nothing): the positions hold during the call, not after it.
     */
    void rotate(Positions positions, int heads, float[] keys, int offset);

    /** RoPE with a kernel's cos/sin cache ({@link RopeKernel#rotate(RopeCache, Positions, int, float[], int)}). */
    static KeyRotation of(RopeKernel kernel, RopeCache cache) {
        Checks.notNull(kernel, "kernel");
        Checks.notNull(cache, "cache");
        return (positions, heads, keys, offset) -> kernel.rotate(cache, positions, heads, keys, offset);
    }

    /** RoPE without a cache ({@link RopeKernel#rotate(RotaryEmbedding, Positions, int, float[], int)}). */
    static KeyRotation of(RopeKernel kernel, RotaryEmbedding rope) {
        Checks.notNull(kernel, "kernel");
        Checks.notNull(rope, "rope");
        return (positions, heads, keys, offset) -> kernel.rotate(rope, positions, heads, keys, offset);
    }
}
