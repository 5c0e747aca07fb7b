package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.attention.AttentionKernel;

/**
 * More than 2³¹ query–key pairs against the implementation this JVM chose. Not a {@code *SuiteTest}:
 * {@code ./posenc verify} (which counts a skipped property as a failure) leaves it out; Surefire runs
 * it in every test run, and the scalar-fallback run skips the CI-sized case as too slow.
 */
class LongAttentionTest extends LongAttentionContract {
    @Override
    protected AttentionKernel kernel() {
        return Kernels.get().attention();
    }
}
