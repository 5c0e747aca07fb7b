package dev.posenc.vector;

/**
 * The packed key and value rows of the tile being processed ({@link StreamingBlock#pack}): a block
 * packs and consumes a tile before the next block starts, so the blocks of a workspace share them.
 */
final class TilePacks {
    private float[] keys = new float[0];
    private float[] values = new float[0];

    /** The key buffer, at least {@code length} floats. */
    float[] keys(int length) {
        if (keys.length < length) {
            keys = new float[length];
        }
        return keys;
    }

    /** The value buffer, at least {@code length} floats. */
    float[] values(int length) {
        if (values.length < length) {
            values = new float[length];
        }
        return values;
    }
}
