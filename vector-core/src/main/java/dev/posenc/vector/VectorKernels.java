package dev.posenc.vector;

import dev.posenc.KernelProvider;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.norm.NormKernel;
import dev.posenc.softmax.SoftmaxKernel;

/** The Vector API implementation of every kernel family, at the width {@link Lanes} fixed. */
final class VectorKernels implements KernelProvider {
    static final VectorKernels INSTANCE = new VectorKernels();

    private final SoftmaxKernel softmax = new VectorSoftmax();
    private final NormKernel norms = new VectorNorms();
    private final AbsolutePositionKernel absolutePositions = new VectorAbsolutePositions();
    private final AttentionKernel attention = new VectorAttention();

    private VectorKernels() {}

    @Override
    public String name() {
        return "vector-" + Lanes.FLOAT.vectorBitSize();
    }

    @Override
    public String description() {
        return "jdk.incubator.vector, " + Lanes.FLOAT.length() + " float lanes of "
                + Lanes.FLOAT.vectorBitSize() + " bits, " + (Lanes.FMA ? "hardware FMA" : "no FMA: mul+add");
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
