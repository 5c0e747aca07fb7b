/**
 * posenc: transformer position-encoding kernels. The public API ({@link dev.posenc.Kernels} and the
 * kernel interfaces of each family) and the scalar reference implementation. No dependencies.
 */
module dev.posenc {
    exports dev.posenc;
    exports dev.posenc.absolute;
    exports dev.posenc.attention;
    exports dev.posenc.bias;
    exports dev.posenc.norm;
    exports dev.posenc.rope;
    exports dev.posenc.softmax;
    exports dev.posenc.spi;
    exports dev.posenc.internal to dev.posenc.vector;
    exports dev.posenc.reference to dev.posenc.vector;

    uses dev.posenc.spi.KernelProviderFactory;
}
