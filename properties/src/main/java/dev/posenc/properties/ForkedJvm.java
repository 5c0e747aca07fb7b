package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that the contracts which measure a whole process ({@link DeterminismContract}, {@link AllocationContract})
 * start on this JVM's JDK and class path, running one of the kit's main classes.
 */
final class ForkedJvm {
    private ForkedJvm() {}

    /**
     * The options that made this JVM choose its implementation: {@code --add-modules jdk.incubator.vector} if it
     * has the module, and every {@code posenc.*} system property (such as the forced vector width).
     */
    static List<String> inheritedOptions() {
        List<String> options = new ArrayList<>();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            options.add("--add-modules=jdk.incubator.vector");
        }
        for (String name : System.getProperties().stringPropertyNames().stream().sorted().toList()) {
            if (name.startsWith("posenc.")) {
                options.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        return options;
    }

    /** Starts {@code java <options> -cp <this class path> <mainClass> <arguments>}, output and errors merged. */
    static Process start(List<String> options, Class<?> mainClass, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Waits for {@code process} (named {@code which} in failures), asserts that it succeeded, and returns its output. */
    static String finish(Process process, String which) throws Exception {
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), which + " did not finish");
        String text = output.get();
        assertEquals(0, process.exitValue(), () -> which + " failed:\n" + text);
        return text;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
