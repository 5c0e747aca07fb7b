package dev.posenc.reference;

import dev.posenc.KernelProvider;
import dev.posenc.spi.KernelSet;

/**
 * The scalar reference implementation: every kernel written as its paper's formula, accumulating in
 * double. It is the specification the Vector API twin is tested against, and the fallback where the
 * Vector API cannot run.
 */
public final class ReferenceKernels {
    /** The one instance; every kernel in it is stateless. */
    public static final KernelProvider INSTANCE = new KernelSet("reference", "scalar Java, double accumulation",
            new ReferenceSoftmax(), new ReferenceNorms(), new ReferenceAbsolutePositions(), new ReferenceRope(),
            new ReferenceAttention());

    private ReferenceKernels() {}
}
