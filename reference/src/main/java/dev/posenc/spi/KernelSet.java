package dev.posenc.spi;

import dev.posenc.KernelProvider;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.internal.Checks;
import dev.posenc.norm.NormKernel;
import dev.posenc.rope.RopeKernel;
import dev.posenc.softmax.SoftmaxKernel;

/**
 * A {@link KernelProvider} assembled from one kernel per family: how the reference and the Vector API
 * implementations are put together, and a convenient way to offer your own (e.g. to run the
 * conformance kit, or to mix families from different implementations).
 */
public record KernelSet(String name, String description, SoftmaxKernel softmax, NormKernel norms,
                        AbsolutePositionKernel absolutePositions, RopeKernel rope, AttentionKernel attention)
        implements KernelProvider {

    /** Requires every component. */
    public KernelSet {
        Checks.notNull(name, "name");
        Checks.notNull(description, "description");
        Checks.notNull(softmax, "softmax");
        Checks.notNull(norms, "norms");
        Checks.notNull(absolutePositions, "absolutePositions");
        Checks.notNull(rope, "rope");
        Checks.notNull(attention, "attention");
    }
}
