package dev.posenc.vector;

import dev.posenc.spi.KernelProviderFactory;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species every kernel uses, fixed once per JVM in static finals so that C2 treats them as
 * constants: the preferred shape, or the one {@value KernelProviderFactory#BITS_PROPERTY} asks for. Loaded only
 * after {@link VectorKernelProviderFactory} has checked that the Vector API is present.
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
    /** Whether HotSpot uses hardware FMA; otherwise {@code fma} would be a slow software fallback. */
    static final boolean FMA = VmOptions.get("UseFMA").map("true"::equals).orElse(false);
    /** The lower half of {@link #FLOAT}'s lanes (as many as {@link #DOUBLE} has). */
    private static final VectorMask<Float> LOW_HALF;

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
    }

    private Lanes() {}

    /** {@code a·b + c}: one fused rounding with hardware FMA, else a multiply then an add. */
    static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return FMA ? a.fma(b, c) : a.mul(b).add(c);
    }

    /**
     * The float vector holding {@code low}'s lanes then {@code high}'s, each rounded to float: two
     * double vectors of the same bit width narrowed into one.
     */
    static FloatVector narrow(DoubleVector low, DoubleVector high) {
        return ((FloatVector) high.convertShape(VectorOperators.D2F, FLOAT, -1))
                .blend((FloatVector) low.convertShape(VectorOperators.D2F, FLOAT, 0), LOW_HALF);
    }

    /** {@code a·b + c} on doubles, as {@link #fma(FloatVector, FloatVector, FloatVector)}. */
    static DoubleVector fma(DoubleVector a, DoubleVector b, DoubleVector c) {
        return FMA ? a.fma(b, c) : a.mul(b).add(c);
    }
}
