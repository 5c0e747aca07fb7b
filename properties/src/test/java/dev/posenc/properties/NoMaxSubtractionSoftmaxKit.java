package dev.posenc.properties;

import dev.posenc.softmax.SoftmaxKernel;

/**
 * The softmax suite bound to {@link NoMaxSubtractionSoftmax}: exactly what a user writes for their own
 * kernel. Not a surefire test (its name does not end in Test): {@link TheKitRejectsWrongKernelsTest}
 * runs it and expects it to fail.
 */
class NoMaxSubtractionSoftmaxKit extends SoftmaxContract {
    @Override
    protected SoftmaxKernel kernel() {
        return new NoMaxSubtractionSoftmax();
    }
}
