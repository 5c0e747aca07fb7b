package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.posenc.KernelProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same inputs, same bits, whatever the JIT tier. {@link DeterminismWorkload} (every kernel family, small
 * inputs, every code path) runs once in a cold JVM whose code is all interpreted ({@code -Xint}), and
 * {@value #ROUNDS} times in a second JVM whose JIT compiles synchronously ({@code -Xbatch}) at a
 * twentieth of the usual thresholds, only the classes of {@link #compiledPackages()} (the rest of the JDK
 * stays interpreted, which halves the compile time), so that C2 has compiled the kernels by the last
 * round; the outputs of that round must equal the cold ones bit for bit. The property also checks, from
 * {@code -XX:+PrintCompilation}, that the class of every family's kernel really reached C2 (tier 4) in the
 * warm JVM, and that both JVMs chose the same implementation.
 *
 * <p>Both JVMs start with {@link #jvmOptions()}: by default those that made this JVM choose its
 * implementation ({@code --add-modules jdk.incubator.vector} if it has the module, and every
 * {@code posenc.*} system property, such as the forced vector width), so a suite run at each width
 * checks that width. An implementation that refuses to run interpreted must be forced (posenc's Vector
 * API kernels run under {@code -Xint} when {@code posenc.impl=vector}). Subclass it, and override
 * {@link #provider()} to test your own {@link KernelProvider}.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class DeterminismContract {
    /** Rounds of the warm JVM; with thresholds scaled by {@value #THRESHOLD_SCALING}, C2 compiles within them. */
    static final int ROUNDS = 100;
    static final String THRESHOLD_SCALING = "0.05";
    private static final Pattern TIER_4 = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*\\s4\\s+(\\S+)::");

    /** The implementation, as a class the forked JVMs instantiate; default: {@code Kernels.get()} there. */
    protected Class<? extends Supplier<KernelProvider>> provider() {
        return DeterminismWorkload.ChosenKernels.class;
    }

    /** The packages the warm JVM compiles (with their subpackages): posenc's and the provider's by default. */
    protected List<String> compiledPackages() {
        return List.of("dev.posenc", provider().getPackageName());
    }

    /** Options of both forked JVMs; see the class comment for the default. */
    protected List<String> jvmOptions() {
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

    @Test
    public void aColdInterpretedJvmAndAWarmC2JvmGiveTheSameBits(@TempDir Path dir) throws Exception {
        Path coldFile = dir.resolve("cold.txt");
        Path warmFile = dir.resolve("warm.txt");
        Process cold = start(List.of("-Xint"), 1, coldFile);
        List<String> warmOptions = new ArrayList<>(List.of("-Xbatch", "-XX:CompileThresholdScaling=" + THRESHOLD_SCALING,
                "-XX:+PrintCompilation", "-XX:CompileCommand=quiet"));
        for (String name : compiledPackages()) {
            warmOptions.add("-XX:CompileCommand=compileonly," + name + ".*::*");
        }
        Process warm = start(warmOptions, ROUNDS, warmFile);
        String coldOutput = finish(cold, "the cold JVM (-Xint)");
        String compilations = finish(warm, "the warm JVM");
        Map<String, String> coldKernels = kernels(coldFile);
        Map<String, String> warmKernels = kernels(warmFile);
        assertEquals(coldKernels, warmKernels, () -> "the two JVMs chose different implementations: force one (e.g."
                + " -Dposenc.impl=vector); cold JVM's output:\n" + coldOutput);
        for (Map.Entry<String, String> kernel : warmKernels.entrySet()) {
            assertTrue(compilations.lines().anyMatch(line -> compiledAtTier4(line, kernel.getValue())),
                    () -> "C2 never compiled " + kernel.getValue() + " (" + kernel.getKey() + ") in " + ROUNDS
                            + " rounds of the warm JVM: comparing with it would prove nothing");
        }
        compare(bits(coldFile), bits(warmFile));
    }

    private Process start(List<String> jitOptions, int rounds, Path file) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jitOptions);
        command.addAll(jvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterminismWorkload.class.getName(),
                provider().getName(), Integer.toString(rounds), file.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finish(Process process, String which) throws Exception {
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), which + " did not finish");
        String text = output.get();
        assertEquals(0, process.exitValue(), () -> which + " failed:\n" + text);
        return text;
    }

    private static boolean compiledAtTier4(String line, String className) {
        var m = TIER_4.matcher(line);
        return m.find() && m.group(1).equals(className);
    }

    private static Map<String, String> kernels(Path file) throws IOException {
        Map<String, String> kernels = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.split(" ");
            if (parts[0].equals(DeterminismWorkload.KERNEL)) {
                kernels.put(parts[1], parts[2]);
            }
        }
        return kernels;
    }

    private static Map<String, String[]> bits(Path file) throws IOException {
        Map<String, String[]> cases = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.split(" ");
            if (parts[0].equals(DeterminismWorkload.BITS)) {
                cases.put(parts[1], java.util.Arrays.copyOfRange(parts, 2, parts.length));
            }
        }
        return cases;
    }

    /** Fails naming every case whose bits differ, with its first differing elements. */
    private static void compare(Map<String, String[]> cold, Map<String, String[]> warm) {
        assertEquals(cold.keySet(), warm.keySet(), "the two JVMs ran different cases");
        StringBuilder differences = new StringBuilder();
        cold.forEach((name, coldBits) -> {
            String[] warmBits = warm.get(name);
            List<Integer> differ = new ArrayList<>();
            for (int i = 0; i < coldBits.length; i++) {
                if (!coldBits[i].equals(warmBits[i])) {
                    differ.add(i);
                }
            }
            if (!differ.isEmpty()) {
                differences.append(String.format("%n  %s: %d of %d elements differ, e.g.", name, differ.size(), coldBits.length));
                for (int i : differ.subList(0, Math.min(3, differ.size()))) {
                    differences.append(String.format(" [%d] cold %s, warm %s;", i, value(coldBits[i]), value(warmBits[i])));
                }
            }
        });
        if (!differences.isEmpty()) {
            fail("the same calls gave other bits once C2 had compiled the kernels:" + differences);
        }
    }

    private static String value(String hexBits) {
        float v = Float.intBitsToFloat(Integer.parseUnsignedInt(hexBits, 16));
        return v + " (0x" + hexBits + ")";
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
