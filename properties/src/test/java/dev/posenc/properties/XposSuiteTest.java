package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.rope.RopeKernel;

/** The Xpos suite against the implementation this JVM chose. */
class XposSuiteTest extends XposContract {
    @Override
    protected RopeKernel kernel() {
        return Kernels.get().rope();
    }
}
