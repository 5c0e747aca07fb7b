package dev.posenc.vector;

import java.util.Arrays;

/**
 * Packed key and value rows of the tile being processed ({@link StreamingBlock#pack}), one pair per
 * kv head that a work item advances together (decode) and one pair otherwise: a block packs and
 * consumes a tile before the next block starts, so the blocks of a workspace share them.
 */
final class TilePacks {
    private float[][] keys = new float[1][0];
    private float[][] values = new float[1][0];

    /** Key buffer {@code i}, at least {@code length} floats. */
    float[] keys(int i, int length) {
        keys = reserve(keys, i, length);
        return keys[i];
    }

    /** Value buffer {@code i}, at least {@code length} floats. */
    float[] values(int i, int length) {
        values = reserve(values, i, length);
        return values[i];
    }

    private static float[][] reserve(float[][] buffers, int i, int length) {
        float[][] b = i < buffers.length ? buffers : Arrays.copyOf(buffers, i + 1);
        if (b[i] == null || b[i].length < length) {
            b[i] = new float[length];
        }
        return b;
    }
}
