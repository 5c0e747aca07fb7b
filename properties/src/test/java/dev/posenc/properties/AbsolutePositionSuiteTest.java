package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.absolute.AbsolutePositionKernel;

/** The absolute-position suite against the implementation this JVM chose. */
class AbsolutePositionSuiteTest extends AbsolutePositionContract {
    @Override
    protected AbsolutePositionKernel kernel() {
        return Kernels.get().absolutePositions();
    }
}
