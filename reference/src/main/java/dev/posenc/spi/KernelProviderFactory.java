package dev.posenc.spi;

import dev.posenc.KernelProvider;

/**
 * Service interface through which an accelerated implementation offers itself to {@link
 * dev.posenc.Kernels}. Found with {@link java.util.ServiceLoader}; the factory class itself must not
 * touch optional platform modules (such as {@code jdk.incubator.vector}) before {@link #create}
 * has checked that they are present.
 */
public interface KernelProviderFactory {
    /**
     * The system property that asks an accelerated implementation for a vector width in bits
     * ({@code 128}, {@code 256} or {@code 512}; documented at {@link dev.posenc.Kernels}).
     */
    String BITS_PROPERTY = "posenc.vector.bits";

    /**
     * The system property that chooses the implementation ({@code auto}, {@code reference} or
     * {@code vector}; documented at {@link dev.posenc.Kernels}): an accelerated implementation that is
     * required runs even where it would otherwise decline (e.g. with C2 off).
     */
    String IMPL_PROPERTY = "posenc.impl";

    /** Creates the provider, or throws {@link UnsupportedOperationException} saying why this JVM cannot run it. */
    KernelProvider create() throws UnsupportedOperationException;
}
