package dev.posenc.bench;

import dev.posenc.KernelProvider;
import dev.posenc.Kernels;

/** The two sides of every benchmark: the scalar reference and the Vector API implementation. */
public enum Implementation {
    reference,
    vector;

    /** The provider; for {@code vector}, fails unless the JVM really chose the Vector API. */
    public KernelProvider provider() {
        if (this == reference) {
            return Kernels.reference();
        }
        KernelProvider chosen = Kernels.get();
        if (!chosen.name().startsWith("vector")) {
            throw new IllegalStateException("the Vector API implementation did not load: " + Kernels.selectionReason());
        }
        return chosen;
    }
}
