package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.rope.RopeKernel;

/** The AxialRope suite against the implementation this JVM chose. */
class AxialRopeSuiteTest extends AxialRopeContract {
    @Override
    protected RopeKernel kernel() {
        return Kernels.get().rope();
    }
}
