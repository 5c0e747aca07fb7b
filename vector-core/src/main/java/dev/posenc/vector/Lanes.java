package dev.posenc.vector;

import dev.posenc.spi.KernelProviderFactory;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species every kernel uses, fixed once per JVM in static finals so that C2 treats them as
 * constants: the preferred shape, or the one {@value KernelProviderFactory#BITS_PROPERTY} asks for. Loaded only
 * after {@link VectorKernelProviderFactory} has checked that the Vector API is present.
 *
 * <p>Lanes are combined by storing the vector into a per-thread array and adding (or comparing) its
 * elements by a fixed tree in scalar code ({@link #sum}): an order that depends only on the width, where
 * {@code reduceLanes(ADD)} leaves it unspecified and its interpreted and compiled forms differ (a kernel
 * using it returned other bits once C2 compiled it). A helper taking the vector instead, or a tree of
 * {@code slice}s, cost a boxed vector per row wherever C2 declined to inline it into a large loop's method.
 */
final class Lanes {
    /** Why the Vector API kernels must not run here, or {@code null}. */
    static final String PROBLEM;
    /** The float species of the chosen width. */
    static final VectorSpecies<Float> FLOAT;
    /** The double species of the same bit width (half the lanes of {@link #FLOAT}). */
    static final VectorSpecies<Double> DOUBLE;
    /** The int species of the same bit width (as many lanes as {@link #FLOAT}). */
    static final VectorSpecies<Integer> INT;
    /** The short species of half the bit width (as many lanes as {@link #FLOAT}): half-precision elements. */
    static final VectorSpecies<Short> SHORT;
    /**
     * Whether HotSpot uses hardware FMA; otherwise {@code fma} would be a slow software fallback. Kernels write
     * {@code FMA ? a.fma(b, c) : a.mul(b).add(c)} at each use (the package's C2 rule).
     */
    static final boolean FMA = VmOptions.get("UseFMA").map("true"::equals).orElse(false);
    /**
     * The lower half of {@link #FLOAT}'s lanes (as many as {@link #DOUBLE} has): where two double vectors
     * narrowed into one float vector put the first ({@code high.convertShape(D2F, FLOAT, -1)} blended with
     * {@code low.convertShape(D2F, FLOAT, 0)} under this mask), written out where used (the package's C2 rule).
     */
    static final VectorMask<Float> LOW_HALF;
    /** The same lanes of {@link #INT}, for longs narrowed into ints in the same way. */
    static final VectorMask<Integer> LOW_HALF_INT;


    static {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String requested = System.getProperty(KernelProviderFactory.BITS_PROPERTY);
        int bits = preferred;
        String problem = null;
        if (requested != null) {
            try {
                bits = Integer.parseInt(requested.trim());
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits != 128 && bits != 256 && bits != 512) {
                problem = KernelProviderFactory.BITS_PROPERTY + " must be 128, 256 or 512, was '" + requested + "'";
            } else if (bits > preferred) {
                problem = KernelProviderFactory.BITS_PROPERTY + "=" + bits + " is wider than this CPU's preferred " + preferred
                        + "-bit vectors";
            }
        } else if (preferred < 128) {
            problem = "the preferred vector species is only " + preferred + " bits (128 needed)";
        }
        PROBLEM = problem;
        VectorShape shape = problem == null ? VectorShape.forBitSize(bits) : VectorShape.S_128_BIT;
        FLOAT = FloatVector.SPECIES_PREFERRED.withShape(shape);
        DOUBLE = DoubleVector.SPECIES_PREFERRED.withShape(shape);
        INT = IntVector.SPECIES_PREFERRED.withShape(shape);
        SHORT = VectorSpecies.of(short.class, VectorShape.forBitSize(shape.vectorBitSize() / 2));
        LOW_HALF = FLOAT.indexInRange(0, DOUBLE.length());
        LOW_HALF_INT = INT.indexInRange(0, DOUBLE.length());
    }

    private Lanes() {}

    /**
     * The sum of {@code lanes[from, from + n)}, n a power of two, by a fixed tree (element i plus element
     * i + n/2, then i + n/4, …: independent additions, not one chain of n), overwriting the elements.
     */
    static float sum(float[] lanes, int from, int n) {
        for (int half = n / 2; half > 0; half /= 2) {
            for (int i = from; i < from + half; i++) {
                lanes[i] += lanes[i + half];
            }
        }
        return lanes[from];
    }

    /** The largest of {@code lanes[from, from + n)} by the tree of {@link #sum(float[], int, int)}. */
    static float max(float[] lanes, int from, int n) {
        for (int half = n / 2; half > 0; half /= 2) {
            for (int i = from; i < from + half; i++) {
                lanes[i] = Math.max(lanes[i], lanes[i + half]);
            }
        }
        return lanes[from];
    }

    /** {@link #sum(float[], int, int)} for doubles, from index 0. */
    static double sum(double[] lanes, int n) {
        for (int half = n / 2; half > 0; half /= 2) {
            for (int i = 0; i < half; i++) {
                lanes[i] += lanes[i + half];
            }
        }
        return lanes[0];
    }
}
