package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.softmax.SoftmaxKernel;

/** The softmax suite against the implementation this JVM chose. */
class SoftmaxSuiteTest extends SoftmaxContract {
    @Override
    protected SoftmaxKernel kernel() {
        return Kernels.get().softmax();
    }
}
