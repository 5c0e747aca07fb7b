package dev.posenc.internal;

import dev.posenc.rope.RopeLayout;

/**
 * The row format of cos/sin tables ({@link dev.posenc.rope.RopeCache}, and the vector kernel's row of
 * computed values), laid out so that applying a row only multiplies and adds:
 * <ul>
 *   <li>HALF_SPLIT: {@code [c_0 … c_{r/2−1}, s_0 … s_{r/2−1}]}, {@code r} floats;
 *   <li>INTERLEAVED: {@code [c_0, c_0, c_1, c_1, …, −s_0, s_0, −s_1, s_1, …]}, {@code 2r} floats, so that
 *       {@code y = x·C + swap(x)·S} with {@code swap} exchanging each pair's two elements.
 * </ul>
 */
public final class RopeRows {
    private RopeRows() {}

    /** Floats per row for rotary dimension {@code r}. */
    public static int width(RopeLayout layout, int r) {
        return layout == RopeLayout.HALF_SPLIT ? r : 2 * r;
    }

    /** Writes pair {@code i}'s cosine and sine into the row at {@code row} of a table for rotary dimension {@code r}. */
    public static void put(RopeLayout layout, float[] table, int row, int r, int i, float cos, float sin) {
        if (layout == RopeLayout.HALF_SPLIT) {
            table[row + i] = cos;
            table[row + r / 2 + i] = sin;
        } else {
            table[row + 2 * i] = cos;
            table[row + 2 * i + 1] = cos;
            table[row + r + 2 * i] = -sin;
            table[row + r + 2 * i + 1] = sin;
        }
    }

    /** Pair {@code i}'s cosine in the row at {@code row}. */
    public static float cos(RopeLayout layout, float[] table, int row, int i) {
        return table[layout == RopeLayout.HALF_SPLIT ? row + i : row + 2 * i];
    }

    /** Pair {@code i}'s sine in the row at {@code row}. */
    public static float sin(RopeLayout layout, float[] table, int row, int r, int i) {
        return table[layout == RopeLayout.HALF_SPLIT ? row + r / 2 + i : row + r + 2 * i + 1];
    }
}
