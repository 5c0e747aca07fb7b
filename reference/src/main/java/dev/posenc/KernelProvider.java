package dev.posenc;

import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.norm.NormKernel;
import dev.posenc.rope.RopeKernel;
import dev.posenc.softmax.SoftmaxKernel;

/**
 * One implementation of every kernel family: the scalar reference or the Vector API twin.
 *
 * <p>Obtain the one chosen for this JVM with {@link Kernels#get()}, or the scalar reference with
 * {@link Kernels#reference()}. Implementations are immutable and every kernel they return is
 * stateless: share them freely between threads.
 */
public interface KernelProvider {

    /** A short name, e.g. {@code "reference"} or {@code "vector-512"}. */
    String name();

    /** One line on what this implementation uses (species width, FMA, ...). */
    String description();

    /** Row-wise softmax. */
    SoftmaxKernel softmax();

    /** LayerNorm and RMSNorm. */
    NormKernel norms();

    /** Sinusoidal and learned absolute position encodings. */
    AbsolutePositionKernel absolutePositions();

    /** Rotary position embeddings (RoPE) and their scaling schedules. */
    RopeKernel rope();

    /** Scaled dot-product attention with relative position schemes fused in. */
    AttentionKernel attention();
}
