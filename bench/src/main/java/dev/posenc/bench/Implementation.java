package dev.posenc.bench;

import dev.posenc.KernelProvider;
import dev.posenc.Kernels;

/**
 * The sides of every benchmark: the scalar reference, the plain-Java baseline
 * ({@link dev.posenc.bench.plain}), the Vector API implementation, and the peer, Jlama
 * ({@link dev.posenc.bench.jlama}), for the kernels it has.
 */
public enum Implementation {
    reference,
    plain,
    vector,
    jlama;

    /** The posenc provider of {@code reference} or {@code vector}; for {@code vector}, fails unless the JVM really chose the Vector API. */
    public KernelProvider provider() {
        return switch (this) {
            case reference -> Kernels.reference();
            case vector -> {
                KernelProvider chosen = Kernels.get();
                if (!chosen.name().startsWith("vector")) {
                    throw new IllegalStateException("the Vector API implementation did not load: " + Kernels.selectionReason());
                }
                yield chosen;
            }
            case plain, jlama -> throw new IllegalStateException(this + " is not a posenc kernel provider");
        };
    }

    /** Whether this side is one of posenc's providers. */
    public boolean isPosenc() {
        return this == reference || this == vector;
    }

    /** Fails for a benchmark that has no {@code jlama} side. */
    public static UnsupportedOperationException noPeer(String benchmark) {
        return new UnsupportedOperationException(benchmark + " has no jlama side (Jlama has RMSNorm, softmax and decode attention)");
    }
}
