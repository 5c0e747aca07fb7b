package dev.posenc.reference;

import dev.posenc.KernelProvider;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.norm.NormKernel;
import dev.posenc.softmax.SoftmaxKernel;

/**
 * The scalar reference implementation: every kernel written as its paper's formula, accumulating in
 * double. It is the specification the Vector API twin is tested against, and the fallback where the
 * Vector API cannot run.
 */
public final class ReferenceKernels implements KernelProvider {
    /** The one instance; stateless. */
    public static final ReferenceKernels INSTANCE = new ReferenceKernels();

    private final SoftmaxKernel softmax = new ReferenceSoftmax();
    private final NormKernel norms = new ReferenceNorms();
    private final AbsolutePositionKernel absolutePositions = new ReferenceAbsolutePositions();
    private final AttentionKernel attention = new ReferenceAttention();

    private ReferenceKernels() {}

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "scalar Java, double accumulation";
    }

    @Override
    public SoftmaxKernel softmax() {
        return softmax;
    }

    @Override
    public NormKernel norms() {
        return norms;
    }

    @Override
    public AbsolutePositionKernel absolutePositions() {
        return absolutePositions;
    }

    @Override
    public AttentionKernel attention() {
        return attention;
    }
}
