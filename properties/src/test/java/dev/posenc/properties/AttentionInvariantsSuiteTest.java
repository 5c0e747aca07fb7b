package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.attention.AttentionKernel;

/** The attention invariants against the implementation this JVM chose. */
class AttentionInvariantsSuiteTest extends AttentionInvariantsContract {
    @Override
    protected AttentionKernel kernel() {
        return Kernels.get().attention();
    }
}
