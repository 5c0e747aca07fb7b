package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.norm.NormKernel;

/** The norm suite against the implementation this JVM chose. */
class NormSuiteTest extends NormContract {
    @Override
    protected NormKernel kernel() {
        return Kernels.get().norms();
    }
}
