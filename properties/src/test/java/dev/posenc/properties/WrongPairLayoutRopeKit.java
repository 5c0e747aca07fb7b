package dev.posenc.properties;

import dev.posenc.rope.RopeKernel;

/**
 * The RoPE suite bound to {@link WrongPairLayoutRope}, as a user binds theirs. Not a surefire test:
 * {@link TheKitRejectsWrongKernelsTest} runs it and expects it to fail.
 */
class WrongPairLayoutRopeKit extends RopeContract {
    @Override
    protected RopeKernel kernel() {
        return new WrongPairLayoutRope();
    }
}
