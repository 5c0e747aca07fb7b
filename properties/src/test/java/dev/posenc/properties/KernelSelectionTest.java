package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.Kernels;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Each test run declares which implementation it means to exercise ({@code posenc.expect}); this
 * fails the run if the library chose another, so a suite can never pass by silently testing the
 * reference against itself.
 */
class KernelSelectionTest {

    @Test
    void theExpectedImplementationWasChosen() {
        String expect = System.getProperty("posenc.expect", "");
        String chosen = Kernels.get().name();
        System.out.println("[posenc] this run tests " + chosen + " (" + Kernels.get().description() + "): "
                + Kernels.selectionReason());
        if (expect.isEmpty()) {
            return;
        }
        if (expect.equals("vector")) {
            assertEquals("vector-" + preferredBits(), chosen);
        } else {
            assertEquals(expect, chosen);
        }
    }

    @Test
    void theReferenceIsAlwaysAvailable() {
        assertEquals("reference", Kernels.reference().name());
        assertTrue(Kernels.selectionReason().length() > 0);
    }

    private static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
