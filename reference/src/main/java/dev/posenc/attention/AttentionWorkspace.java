package dev.posenc.attention;

import dev.posenc.internal.Checks;
import java.util.function.Function;

/**
 * Scratch memory for attention calls, reusable across calls so that a call allocates nothing: tiles
 * of logits and probabilities, output accumulators, running maxima and sums, {@code O(tile × headDim)}
 * floats per block of queries (the streaming kernel never holds a {@code [queries × keys]} matrix),
 * plus one number per kv head and key tile, and one row of {@code keys} doubles for the rare rows
 * computed exactly (and by the scalar reference). Sized by the kernel on first use and grown only
 * when a later call needs more. Works with every {@link AttentionKernel}.
 *
 * <p>Not thread-safe: use one per thread (a parallel call takes one per worker). Keep one per thread
 * for the life of the model and pass it to every call.
 */
public final class AttentionWorkspace {
    /** The largest {@linkplain #AttentionWorkspace(int) key tile} accepted. */
    public static final int MAX_KEY_TILE = 4096;

    private final int keyTile;
    private Object scratch;

    /** A workspace with the kernel's default tile size. */
    public AttentionWorkspace() {
        this.keyTile = 0;
    }

    /**
     * A workspace asking streaming kernels for {@code keyTile} keys per tile (a tuning knob: results
     * agree for every tile size within the kernel's error bound; the scalar reference ignores it). The
     * default, 72 keys, keeps a prefill tile's keys and weights in a 32 KiB L1 data cache; larger tiles are
     * rarely faster and can be much slower: prefill of 8 heads × 128 over 4096 keys on a Xeon with a 48 KiB L1
     * ran 1.01–1.03× as fast with 144 keys and 0.47× with 168 (its 4 × 6 register tiles re-read about 320 bytes
     * per key of the tile, which then no longer fit).
     *
     * @param keyTile in {@code [1, MAX_KEY_TILE]}
     */
    public AttentionWorkspace(int keyTile) {
        this.keyTile = Checks.inRange(keyTile, 1, MAX_KEY_TILE, "keyTile");
    }

    /** The requested keys per tile, or 0 for the kernel's default. */
    public int keyTile() {
        return keyTile;
    }

    /**
     * For kernel implementations: the scratch object this workspace keeps for the implementation whose
     * scratch type is {@code type}, made by {@code create} on first use (and again when a call of another
     * implementation has replaced it). Its contents belong to that implementation.
     */
    public <S> S scratch(Class<S> type, Function<AttentionWorkspace, ? extends S> create) {
        if (!type.isInstance(scratch)) {
            scratch = create.apply(this);
        }
        return type.cast(scratch);
    }
}
