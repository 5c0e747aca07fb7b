package dev.posenc.properties.verify;

import jdk.incubator.vector.FloatVector;

/** The CPU's preferred vector width; load only when {@code jdk.incubator.vector} is in the boot layer. */
final class PreferredWidth {
    private PreferredWidth() {}

    static int bits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
