package dev.posenc.vector;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed value rows of the tile being processed and the short last group of its key rows
 * ({@link #pack}): a block packs and consumes a tile before the next block starts, so the blocks of a
 * workspace share them.
 */
final class TilePacks {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final int L = F.length();

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

    /** {@code n} rounded up to a multiple of {@link TileProducts#ROWS}. */
    static int padded(int n) {
        return (n + TileProducts.ROWS - 1) / TileProducts.ROWS * TileProducts.ROWS;
    }

    /**
     * Copies {@code rows} rows of {@code width} floats, {@code stride} apart in {@code x} from {@code at},
     * into {@code packed} as rows of {@code packedWidth} (zero-padded), followed by zero rows up to a
     * multiple of {@code multiple}; returns that multiple. The copy runs one vector column at a time
     * across all rows, so that the rows' cache misses (each row of a kv head is in its own 4 KiB page
     * when heads × width floats apart, out of reach of the prefetchers) overlap instead of following one
     * another. Packed rows also keep the kernels off that 4 KiB stride, whose lines would compete for
     * one L1 set.
     */
    static int pack(float[] x, int at, int stride, int rows, int width, int packedWidth, float[] packed, int multiple) {
        int c = 0;
        for (int bound = F.loopBound(width); c < bound; c += L) {
            for (int r = 0; r < rows; r++) {
                FloatVector.fromArray(F, x, at + r * stride + c).intoArray(packed, r * packedWidth + c);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int i = c; i < width; i++) {
                packed[r * packedWidth + i] = x[at + r * stride + i];
            }
            Arrays.fill(packed, r * packedWidth + width, (r + 1) * packedWidth, 0f);
        }
        int all = (rows + multiple - 1) / multiple * multiple;
        Arrays.fill(packed, rows * packedWidth, all * packedWidth, 0f);
        return all;
    }
}
