package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.properties.verify.Verify;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./posenc verify} end to end, as a user elsewhere would run it: from an empty folder (the
 * conformance data comes from the class path), with few examples.
 */
@Tag("once")
class VerifyCommandTest {

    @Test
    void verifiesEveryWidthAndTheScalarFallbackAndSaysSo(@TempDir Path elsewhere) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Verify.class.getName(), "--seed", "42", "--examples-scale", "0.1")
                .directory(elsewhere.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "verify did not finish");
        assertEquals(0, process.exitValue(), output);

        int preferred = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        for (int bits : new int[] {512, 256, 128}) {
            assertEquals(bits <= preferred, output.contains("== vector-" + bits + ":"), () -> "run list wrong:\n" + output);
        }
        assertTrue(output.contains("== scalar:"), output);
        assertTrue(output.contains("implementation under test: reference"), output);
        assertTrue(output.matches("(?s).*Softmax +8/8 pass +\\d+ +[\\d.]+ +PASS.*"), output);
        assertTrue(output.contains("seed 42"), output);
        assertTrue(output.contains("every family passed in every run"), output);
    }
}
