package dev.posenc.spi;

import dev.posenc.KernelProvider;

/**
 * Service interface through which an accelerated implementation offers itself to {@link
 * dev.posenc.Kernels}. Found with {@link java.util.ServiceLoader}; the factory class itself must not
 * touch optional platform modules (such as {@code jdk.incubator.vector}) before {@link #create}
 * has checked that they are present.
 */
public interface KernelProviderFactory {

    /** Creates the provider, or throws {@link UnsupportedOperationException} saying why this JVM cannot run it. */
    KernelProvider create() throws UnsupportedOperationException;
}
