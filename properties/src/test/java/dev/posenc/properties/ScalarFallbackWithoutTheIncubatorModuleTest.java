package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.Kernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An application that embeds the library (the Vector API implementation included) in a JVM started
 * without {@code --add-modules jdk.incubator.vector} must still work, through the scalar path, with
 * the reference's results, and say so in exactly one log line naming the reason.
 */
@Tag("once")
class ScalarFallbackWithoutTheIncubatorModuleTest {

    @Test
    void theLibraryFallsBackToTheReferenceAndLogsOneLineSayingWhy() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SmallWorkload.class.getName()).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String stdout = read(process.getInputStream());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
        String errors = stderr.get();
        assertEquals(0, process.exitValue(), () -> "the JVM failed:\n" + stdout + errors);

        List<String> lines = stdout.lines().toList();
        assertEquals("incubator module in boot layer=false", lines.get(0));
        assertEquals("kernels=reference", lines.get(1));
        List<String> expected = SmallWorkload.run(Kernels.reference()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        assertEquals(expected, lines.subList(2, lines.size()), "results differ from the reference");

        List<String> logged = errors.lines().filter(line -> line.contains("posenc:")).toList();
        assertEquals(1, logged.size(), () -> "expected one posenc line on stderr, got:\n" + errors);
        assertTrue(logged.get(0).contains("posenc: using reference kernels"), logged.get(0));
        assertTrue(logged.get(0).contains("jdk.incubator.vector is not in the boot layer"), logged.get(0));
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
