package dev.posenc;

import dev.posenc.internal.Checks;

/**
 * The positions of a run of rows: either a range {@code first, first+1, …} (prefill, or one
 * decode step) or a view of caller-owned {@code int[]} entries (padding-aware position ids).
 *
 * <p>A range is immutable. A view reads the array at call time and does not copy it: do not change
 * those entries while a kernel is reading them. Creating either allocates one small object and
 * nothing else; a range can be kept and reused.
 */
public final class Positions {
    private final int[] array;
    private final int offset;
    private final int first;
    private final int count;

    private Positions(int[] array, int offset, int first, int count) {
        this.array = array;
        this.offset = offset;
        this.first = first;
        this.count = count;
    }

    /** The {@code count} positions {@code first, …, first + count − 1}. */
    public static Positions range(int first, int count) {
        Checks.nonNegative(count, "count");
        if (count > 0 && (long) first + count - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("positions first + count − 1 = " + first + " + " + count
                    + " − 1 overflows int (max " + Integer.MAX_VALUE + ")");
        }
        return new Positions(null, 0, first, count);
    }

    /** A view of every entry of {@code positions}. */
    public static Positions of(int... positions) {
        Checks.notNull(positions, "positions");
        return new Positions(positions, 0, 0, positions.length);
    }

    /** A view of {@code positions[offset], …, positions[offset + count − 1]}. */
    public static Positions view(int[] positions, int offset, int count) {
        Checks.nonNegative(count, "count");
        Checks.fits(positions, "positions", offset, count, "count");
        return new Positions(positions, offset, 0, count);
    }

    /** How many positions. */
    public int count() {
        return count;
    }

    /** The position of row {@code r}, {@code 0 <= r < count()}. */
    public int at(int r) {
        Checks.index(r, count, "r");
        return array == null ? first + r : array[offset + r];
    }

    /** Whether these are consecutive by construction ({@link #range}). */
    public boolean isRange() {
        return array == null;
    }

    /** The smallest position; {@link Integer#MAX_VALUE} when empty. */
    public int min() {
        if (array == null) {
            return count == 0 ? Integer.MAX_VALUE : first;
        }
        int m = Integer.MAX_VALUE;
        for (int r = 0; r < count; r++) {
            m = Math.min(m, array[offset + r]);
        }
        return m;
    }

    /** The largest position; {@link Integer#MIN_VALUE} when empty. */
    public int max() {
        if (array == null) {
            return count == 0 ? Integer.MIN_VALUE : first + count - 1;
        }
        int m = Integer.MIN_VALUE;
        for (int r = 0; r < count; r++) {
            m = Math.max(m, array[offset + r]);
        }
        return m;
    }

    /**
     * Requires every position in {@code [0, limit)}.
     *
     * @param limitName names the bound in the message, e.g. {@code "tableRows"}
     */
    public void requireWithin(int limit, String limitName) {
        int lo = min();
        int hi = max();
        if (count > 0 && (lo < 0 || hi >= limit)) {
            throw new IllegalArgumentException("position " + (lo < 0 ? lo : hi) + " is out of range: expected 0 <= position < "
                    + limitName + " = " + limit);
        }
    }

    @Override
    public String toString() {
        if (array == null) {
            return "Positions.range(" + first + ", " + count + ")";
        }
        StringBuilder s = new StringBuilder("Positions[");
        for (int r = 0; r < Math.min(count, 8); r++) {
            s.append(r == 0 ? "" : ", ").append(at(r));
        }
        return s.append(count > 8 ? ", … (" + count + ")]" : "]").toString();
    }
}
