package dev.posenc.bench.report;

import jdk.incubator.vector.FloatVector;

/** The preferred float species; load only when {@code jdk.incubator.vector} is in the boot layer. */
final class PreferredSpecies {
    private PreferredSpecies() {}

    /** E.g. {@code 512-bit vectors (16 float lanes)}. */
    static String describe() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors (" + FloatVector.SPECIES_PREFERRED.length()
                + " float lanes)";
    }
}
