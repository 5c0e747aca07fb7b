package dev.posenc.vector;

import dev.posenc.KernelProvider;
import dev.posenc.spi.KernelSet;

/** The Vector API implementation of every kernel family, at the width {@link Lanes} fixed. */
final class VectorKernels {
    /** Created when {@link VectorKernelProviderFactory} has checked that it can run; every kernel in it is stateless. */
    static final KernelProvider INSTANCE = new KernelSet("vector-" + Lanes.FLOAT.vectorBitSize(),
            "jdk.incubator.vector, " + Lanes.FLOAT.length() + " float lanes of " + Lanes.FLOAT.vectorBitSize()
                    + " bits, " + (Lanes.FMA ? "hardware FMA" : "no FMA: mul+add"),
            new VectorSoftmax(), new VectorNorms(), new VectorAbsolutePositions(), new VectorRope(),
            new VectorAttention());

    private VectorKernels() {}
}
