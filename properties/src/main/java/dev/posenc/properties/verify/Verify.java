package dev.posenc.properties.verify;

import dev.posenc.Kernels;
import dev.posenc.properties.Conformance;
import dev.posenc.properties.Theories;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./posenc verify}: runs every suite of the kit against the library on this machine, once per
 * implementation a user can get here (the Vector API at each width the CPU offers: 512, 256, 128 bits,
 * and the scalar fallback of a JVM without {@code jdk.incubator.vector}), each in its own JVM. Prints
 * per family the properties run, the random examples tried, the seed and PASS/FAIL; exits 1 if
 * anything failed.
 *
 * <pre>
 * verify [--seed &lt;long&gt;] [--examples-scale &lt;x&gt;]
 * </pre>
 * The same seed is used by every run; pass it back with {@code --seed} to replay a failure.
 */
public final class Verify {
    private static final String HERE = "--in-this-jvm";
    private static final String USAGE = "usage: verify [--seed <long>] [--examples-scale <x>]";
    /** System properties a child JVM inherits from this one. */
    private static final String[] PASSED_ON = {Conformance.DIR_PROPERTY, Theories.SCALE_PROPERTY};

    private Verify() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 2 && args[0].equals(HERE)) {
            System.exit(runHere(args[1]) ? 0 : 1);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        long seed = new SecureRandom().nextLong();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--seed" -> seed = parse(value, Long::parseLong);
                case "--examples-scale" -> properties.put(Theories.SCALE_PROPERTY, String.valueOf(parse(value, Double::parseDouble)));
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> fail("unknown option '" + args[i] + "'\n" + USAGE);
            }
            i++;
        }
        for (String name : PASSED_ON) {
            if (System.getProperty(name) != null) {
                properties.putIfAbsent(name, System.getProperty(name));
            }
        }
        properties.put(Theories.SEED_PROPERTY, Long.toString(seed));
        System.exit(runAll(plan(), properties, seed) ? 0 : 1);
    }

    /** Every width this CPU offers (if this JVM can tell: it needs jdk.incubator.vector), then the fallback. */
    private static List<VerifyRun> plan() {
        List<VerifyRun> runs = new ArrayList<>();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            int preferred = PreferredWidth.bits();
            for (int bits : new int[] {512, 256, 128}) {
                if (bits <= preferred) {
                    runs.add(VerifyRun.vector(bits));
                }
            }
            System.out.println("posenc verify: this CPU's preferred vectors are " + preferred + " bits");
        } else {
            System.out.println("posenc verify: this JVM has no jdk.incubator.vector, so it cannot tell which vector widths"
                    + " the CPU offers: only the scalar fallback is verified (start it with --add-modules jdk.incubator.vector)");
        }
        runs.add(VerifyRun.scalarFallback());
        return runs;
    }

    private static boolean runAll(List<VerifyRun> runs, Map<String, String> properties, long seed)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Map<VerifyRun, Boolean> results = new LinkedHashMap<>();
        for (VerifyRun run : runs) {
            System.out.println();
            System.out.println("== " + run.name() + ": " + run.title() + ", seed " + seed);
            System.out.flush();
            List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", System.getProperty("java.class.path")));
            command.addAll(run.jvmOptions());
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of(Verify.class.getName(), HERE, run.name()));
            results.put(run, new ProcessBuilder(command).inheritIO().start().waitFor() == 0);
        }
        boolean passed = results.values().stream().allMatch(ok -> ok);
        StringBuilder summary = new StringBuilder("posenc verify: ");
        results.forEach((run, ok) -> summary.append(run.name()).append(ok ? " PASS" : " FAIL").append(", "));
        summary.append(String.format("seed %d, %.0f s", seed, (System.nanoTime() - start) / 1e9));
        System.out.println();
        System.out.println(summary);
        System.out.println(passed ? "every family passed in every run"
                : "FAILED: replay with the same examples: ./posenc verify --seed " + seed);
        return passed;
    }

    /** Child mode: runs the library's suites here and prints the table. */
    private static boolean runHere(String label) {
        KitReport report = KitRunner.runLibrarySuites();
        String tested;
        try {
            tested = Kernels.get().name() + " (" + Kernels.get().description() + ")";
        } catch (RuntimeException | LinkageError e) {
            tested = "no implementation: " + e.getMessage();
        }
        System.out.println("  implementation under test: " + tested);
        report.printTo(System.out);
        return report.passed();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static <T> T parse(String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            fail("bad or missing value '" + value + "'\n" + USAGE);
            return null;
        }
    }

    private static void fail(String message) {
        System.err.println("verify: " + message);
        System.exit(2);
    }
}
