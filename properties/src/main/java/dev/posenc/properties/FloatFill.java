package dev.posenc.properties;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A reproducible recipe for float data: a {@link FloatKind} and a seed. Generators draw the recipe
 * (so QuickTheories prints and shrinks it) and the arrays are built from it on demand.
 */
public record FloatFill(FloatKind kind, long seed) {

    /** Fills {@code array[from, from + length)}. */
    public void fill(float[] array, int from, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        float constant = (float) (random.nextDouble() * 8 - 4);
        for (int i = 0; i < length; i++) {
            array[from + i] = kind.draw(random, constant);
        }
    }

    /**
     * A new array of {@code offset + length + slack} elements with the data at {@code offset} and
     * {@link Arrays2#SENTINEL} everywhere else, so writes outside the range can be detected.
     */
    public float[] array(int offset, int length, int slack) {
        float[] array = Arrays2.sentinels(offset + length + slack);
        fill(array, offset, length);
        return array;
    }

    /** The first {@code count} values, or the first 8 and "…": what a counterexample's data starts with. */
    public String values(int count) {
        float[] values = new float[Math.min(count, 8)];
        fill(values, 0, values.length);
        String shown = Arrays.toString(values);
        return count > values.length ? shown.substring(0, shown.length() - 1) + ", …]" : shown;
    }

    @Override
    public String toString() {
        return kind + "#" + Long.toHexString(seed);
    }
}
