package dev.posenc.internal;

/**
 * Argument validation shared by every implementation of the public API.
 *
 * <p>Each method throws {@link IllegalArgumentException} whose message names the parameter, the
 * value it had and what was expected. Kernels validate everything before they write a single
 * element, so a rejected call leaves its output untouched. Nothing here allocates unless it throws.
 */
public final class Checks {
    /**
     * The most floats (1 GiB) a library object computes and stores by itself, e.g. a cos/sin cache or
     * a per-distance bias table; tables copied from the caller's arrays are bounded by those arrays.
     */
    public static final int MAX_GENERATED_TABLE = 1 << 28;

    private Checks() {}

    /** Requires {@code value != null}. */
    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /** Requires {@code value > 0}. */
    public static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
        return value;
    }

    /** Requires {@code value >= 0}. */
    public static int nonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
        return value;
    }

    /** Requires {@code value} finite and {@code > 0}. */
    public static double finitePositive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + value);
        }
        return value;
    }

    /** Requires {@code 0 <= index < length}: an index into something of {@code length} elements. */
    public static int index(int index, int length, String name) {
        if (index < 0 || index >= length) {
            throw new IllegalArgumentException(name + " must be in [0, " + length + "), was " + index);
        }
        return index;
    }

    /** Requires {@code value <= max}; {@code why} says where the limit comes from. */
    public static int atMost(int value, int max, String name, String why) {
        if (value > max) {
            throw new IllegalArgumentException(name + " must be <= " + max + " (" + why + "), was " + value);
        }
        return value;
    }

    /**
     * Requires a table the library is about to compute, of {@code size} floats, to hold at most
     * {@link #MAX_GENERATED_TABLE}: checked before allocating, so that an impossible size is an
     * {@link IllegalArgumentException} rather than an {@link OutOfMemoryError}.
     *
     * @param what how the size is counted, for the message (e.g. {@code "count × row width"})
     */
    public static int generatedTable(long size, String what) {
        if (size > MAX_GENERATED_TABLE) {
            throw new IllegalArgumentException(what + " = " + size + " floats exceeds the largest table the library"
                    + " computes, " + MAX_GENERATED_TABLE + " floats (1 GiB)");
        }
        return (int) size;
    }

    /**
     * Requires {@code value} to be a positive normal float: finite, {@code >= }{@link Float#MIN_NORMAL}
     * and {@code <= }{@link Float#MAX_VALUE}, for a scale that kernels apply in float arithmetic.
     */
    public static double floatScale(double value, String name) {
        if (!(value >= Float.MIN_NORMAL && value <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException(name + " must be finite and in [" + Float.MIN_NORMAL + ", "
                    + Float.MAX_VALUE + "] (a positive normal float), was " + value);
        }
        return value;
    }

    /** Requires {@code value} finite (not NaN, not infinite). */
    public static double finite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, was " + value);
        }
        return value;
    }

    /** Requires {@code value} even. */
    public static int even(int value, String name) {
        if ((value & 1) != 0) {
            throw new IllegalArgumentException(name + " must be even, was " + value);
        }
        return value;
    }

    /** Requires {@code min <= value <= max}. */
    public static int inRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    /** Returns {@code a * b}, or throws when the product of the two sizes overflows {@code int}. */
    public static int product(int a, String aName, int b, String bName) {
        long p = (long) a * b;
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(aName + " × " + bName + " = " + a + " × " + b + " = " + p
                    + " overflows int (max " + Integer.MAX_VALUE + ")");
        }
        return (int) p;
    }

    /** Returns {@code a * b * c}, or throws when the product of the three sizes overflows {@code int}. */
    public static int product(int a, String aName, int b, String bName, int c, String cName) {
        long p = (long) a * b * c;
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(aName + " × " + bName + " × " + cName + " = " + a + " × "
                    + b + " × " + c + " = " + p + " overflows int (max " + Integer.MAX_VALUE + ")");
        }
        return (int) p;
    }

    /**
     * Requires a non-null array that holds {@code length} elements from {@code offset} on.
     *
     * @param what how the elements are counted, for the message (e.g. {@code "rows × cols"})
     */
    public static void fits(float[] array, String name, int offset, int length, String what) {
        fits(array == null ? -1 : array.length, name, offset, length, what);
    }

    /** As {@link #fits(float[], String, int, int, String)} for an {@code int[]}. */
    public static void fits(int[] array, String name, int offset, int length, String what) {
        fits(array == null ? -1 : array.length, name, offset, length, what);
    }

    private static void fits(int arrayLength, String name, int offset, int length, String what) {
        if (arrayLength < 0) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (offset < 0) {
            throw new IllegalArgumentException(name + " offset must be >= 0, was " + offset);
        }
        if ((long) offset + length > arrayLength) {
            throw new IllegalArgumentException(name + " is too short: offset " + offset + " + " + what + " "
                    + length + " = " + ((long) offset + length) + " elements needed, but its length is "
                    + arrayLength);
        }
    }

    /**
     * Requires that {@code out[outOffset, +length)} and {@code in[inOffset, +length)} are either the
     * same elements (in place) or disjoint.
     */
    public static void sameOrDisjoint(float[] in, String inName, int inOffset, float[] out, String outName,
                                      int outOffset, int length) {
        if (in == out && inOffset != outOffset && Math.abs((long) inOffset - outOffset) < length) {
            throw new IllegalArgumentException(outName + " overlaps " + inName + " partially (offsets " + outOffset
                    + " and " + inOffset + ", " + length + " elements): use the same offset for in-place, or"
                    + " disjoint ranges");
        }
    }

    /** Requires {@code array} to be {@code null} or to hold {@code length} elements from index 0. */
    public static void nullOrFits(float[] array, String name, int length, String what) {
        if (array != null) {
            fits(array, name, 0, length, what);
        }
    }

    /**
     * Requires {@code a[aOffset, +aLength)} and {@code b[bOffset, +bLength)} not to share an element
     * (different arrays never do).
     */
    public static void disjoint(float[] a, String aName, int aOffset, int aLength, float[] b, String bName, int bOffset,
                                int bLength) {
        if (a == b && (long) aOffset < (long) bOffset + bLength && (long) bOffset < (long) aOffset + aLength) {
            throw new IllegalArgumentException(aName + " [" + aOffset + ", " + ((long) aOffset + aLength) + ") overlaps "
                    + bName + " [" + bOffset + ", " + ((long) bOffset + bLength) + ") in the same array: they must be disjoint");
        }
    }
}
