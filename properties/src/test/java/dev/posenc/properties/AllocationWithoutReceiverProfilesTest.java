package dev.posenc.properties;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AllocationContract}'s cases in a JVM that profiles no receiver types ({@code -XX:TypeProfileWidth=0}), C2
 * only, compiling synchronously at a tenth of the usual thresholds: a state that a JVM can also reach by chance, when
 * C2 compiles a loop before its receivers were profiled. C2 then inlines a vector call only where it can type the
 * receiver: a call on a vector carried from one iteration to the next can stay a call, and every vector of that loop
 * is boxed (the vector package's C2 rule). Before the decode's running maxima took the loaded vector as receiver, its
 * cases allocated 4 800 to 302 400 bytes per call here; before {@code TileExp}'s running sum stayed in an array, every
 * attention case allocated 2 976 to 85 248 bytes per call at 128 bits. At every width (each run of the suites), but
 * not in the kit ({@code posenc verify} runs the {@code *SuiteTest} classes).
 */
class AllocationWithoutReceiverProfilesTest {
    /** Rounds of the forked JVM: its C2, at a tenth of the usual thresholds, compiles within them. */
    private static final int ROUNDS = 300;
    private static final int LAST = 50;

    @Test
    void warmKernelsAllocateNothingWithoutReceiverProfiles(@TempDir Path dir) throws Exception {
        new AllocationContract() {}.check(List.of("-Xbatch", "-XX:TypeProfileWidth=0", "-XX:-TieredCompilation",
                "-XX:CompileThresholdScaling=0.1"), ROUNDS, LAST, dir,
                "without receiver profiles: a loop-carried vector as the receiver of a vector call?");
    }
}
