package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.Kernels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A mistyped {@code posenc.impl} or {@code posenc.vector.bits} is the first error a user meets: every
 * {@link Kernels#get()} must throw {@link IllegalArgumentException} naming the property, the value and
 * the accepted values, whether or not the JVM has the incubator module (never an
 * {@code ExceptionInInitializerError}, never a silent fallback to the scalar path).
 */
@Tag("once")
class BadSelectionPropertiesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "posenc.impl        | bogus | auto (the default), reference or vector | true",
        "posenc.impl        | bogus | auto (the default), reference or vector | false",
        "posenc.vector.bits | 1024  | 128, 256 or 512                         | true",
        "posenc.vector.bits | 1024  | 128, 256 or 512                         | false",
        "posenc.vector.bits | wide  | 128, 256 or 512                         | true",
    })
    void everyCallOfGetThrowsNamingThePropertyTheValueAndTheAcceptedValues(String property, String value,
            String accepted, boolean incubatorModule) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-D" + property + "=" + value));
        if (incubatorModule) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        command.add(Probe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");

        String expected = "java.lang.IllegalArgumentException: -D" + property + "='" + value + "' is not accepted: use "
                + accepted;
        List<String> calls = output.lines().filter(line -> line.startsWith("call ")).toList();
        assertEquals(2, calls.size(), output);
        for (String call : calls) {
            assertTrue(call.contains(expected), () -> "expected '" + expected + "', got:\n" + output);
        }
    }

    /** Calls {@link Kernels#get()} twice and prints what each call threw. */
    static final class Probe {
        public static void main(String[] args) {
            for (int call = 1; call <= 2; call++) {
                try {
                    System.out.println("call " + call + " returned " + Kernels.get().name());
                } catch (Throwable t) {
                    System.out.println("call " + call + " threw " + t);
                }
            }
        }
    }
}
