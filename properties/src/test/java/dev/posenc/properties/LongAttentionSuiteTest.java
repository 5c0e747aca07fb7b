package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.attention.AttentionKernel;

/** More than 2³¹ query–key pairs against the implementation this JVM chose. */
class LongAttentionSuiteTest extends LongAttentionContract {
    @Override
    protected AttentionKernel kernel() {
        return Kernels.get().attention();
    }
}
