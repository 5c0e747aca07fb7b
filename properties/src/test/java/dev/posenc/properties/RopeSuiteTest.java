package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.rope.RopeKernel;

/** The RoPE suite against the implementation this JVM chose. */
class RopeSuiteTest extends RopeContract {
    @Override
    protected RopeKernel kernel() {
        return Kernels.get().rope();
    }
}
