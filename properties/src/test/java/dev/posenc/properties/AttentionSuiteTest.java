package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.attention.AttentionKernel;

/** The attention suite against the implementation this JVM chose. */
class AttentionSuiteTest extends AttentionContract {
    @Override
    protected AttentionKernel kernel() {
        return Kernels.get().attention();
    }
}
