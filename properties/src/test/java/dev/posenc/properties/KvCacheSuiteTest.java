package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.attention.AttentionKernel;

/** The KV-cache suite against the implementation this JVM chose (the reference is checked alongside). */
class KvCacheSuiteTest extends KvCacheContract {
    @Override
    protected AttentionKernel kernel() {
        return Kernels.get().attention();
    }
}
