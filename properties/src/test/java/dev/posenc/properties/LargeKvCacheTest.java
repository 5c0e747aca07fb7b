package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.attention.AttentionKernel;
import org.junit.jupiter.api.Tag;

/**
 * A KV cache of more than 2³¹ elements against the implementation this JVM chose. Not a {@code *SuiteTest}:
 * it needs 4 GiB of free memory and skips without it, and {@code ./posenc verify} counts a skipped property as
 * a failure. Tagged {@code once}: Surefire runs it in the first run only (the preferred width), see the contract.
 */
@Tag("once")
class LargeKvCacheTest extends LargeKvCacheContract {
    @Override
    protected AttentionKernel kernel() {
        return Kernels.get().attention();
    }
}
