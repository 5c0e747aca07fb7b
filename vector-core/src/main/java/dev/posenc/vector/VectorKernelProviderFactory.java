package dev.posenc.vector;

import dev.posenc.KernelProvider;
import dev.posenc.spi.KernelProviderFactory;

/**
 * Offers the Vector API kernels when this JVM can run them fast. This class touches no
 * {@code jdk.incubator.vector} type, so it loads even where that module is absent; the checks run in
 * the order that keeps it so (as Apache Lucene's vectorization provider does):
 * <ol>
 *   <li>{@code jdk.incubator.vector} is in the boot layer;
 *   <li>the C2 compiler is on (without it every vector operation runs as slow Java code), unless
 *       {@code posenc.impl=vector} requires these kernels anyway (a cold, interpreted JVM must give the
 *       same bits as a compiled one: the determinism property runs them under {@code -Xint});
 *   <li>the requested width, or the preferred species, is at least 128 bits and no wider than
 *       preferred.
 * </ol>
 */
public final class VectorKernelProviderFactory implements KernelProviderFactory {

    /** Called by {@link java.util.ServiceLoader}. */
    public VectorKernelProviderFactory() {}

    @Override
    public KernelProvider create() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new UnsupportedOperationException(
                    "jdk.incubator.vector is not in the boot layer; start the JVM with --add-modules jdk.incubator.vector");
        }
        boolean required = "vector".equals(System.getProperty(IMPL_PROPERTY, "").trim());
        if (!required && (System.getProperty("java.vm.info", "").contains("interpreted")
                || VmOptions.get("TieredStopAtLevel").map(level -> Integer.parseInt(level) < 4).orElse(false)
                || VmOptions.get("UseCompiler").map("false"::equals).orElse(false))) {
            throw new UnsupportedOperationException("the C2 compiler is off (-Xint or -XX:TieredStopAtLevel < 4)");
        }
        String problem = Lanes.PROBLEM;
        if (problem != null) {
            throw new UnsupportedOperationException(problem);
        }
        return VectorKernels.INSTANCE;
    }
}
