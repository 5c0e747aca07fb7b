/**
 * posenc on the Vector API: SIMD twins of every reference kernel, offered to
 * {@link dev.posenc.Kernels} as a {@link dev.posenc.spi.KernelProviderFactory}. No dependencies
 * beyond the API module and the JDK.
 */
module dev.posenc.vector {
    requires dev.posenc;
    requires jdk.incubator.vector;
    requires jdk.management;

    provides dev.posenc.spi.KernelProviderFactory with dev.posenc.vector.VectorKernelProviderFactory;
}
