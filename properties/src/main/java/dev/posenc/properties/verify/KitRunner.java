package dev.posenc.properties.verify;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.posenc.properties.Theories;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs suites of the kit in this JVM through the JUnit Platform and reports per family how many
 * properties passed and how many random examples they tried.
 *
 * <p>A suite's family is the name of the {@code XxxContract} it extends, without "Contract"
 * ({@code SoftmaxSuiteTest extends SoftmaxContract} is family {@code Softmax}); a test class that
 * extends no contract is its own family.
 */
public final class KitRunner {
    /** The classes that bind the kit to the library: {@code *SuiteTest}, plus the check of which implementation ran. */
    public static final String[] LIBRARY_SUITES = {"dev\\.posenc\\.properties\\..*SuiteTest", ".*\\.KernelSelectionTest"};

    private KitRunner() {}

    /** Runs the given test classes (e.g. your own subclasses of the contracts). */
    public static KitReport run(Class<?>... testClasses) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (Class<?> c : testClasses) {
            selectors.add(selectClass(c));
        }
        return run(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build());
    }

    /** Runs every suite that binds the kit to {@code Kernels.get()} (they must be on the class path). */
    public static KitReport runLibrarySuites() {
        return run(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("dev.posenc.properties"))
                .filters(ClassNameFilter.includeClassNamePatterns(LIBRARY_SUITES))
                .build());
    }

    private static KitReport run(LauncherDiscoveryRequest request) {
        Recorder recorder = new Recorder();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, recorder);
        return new KitReport(List.copyOf(recorder.outcomes), Theories.seed());
    }

    /** Turns JUnit events into outcomes, counting the examples each test ran. */
    private static final class Recorder implements TestExecutionListener {
        private final List<PropertyOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, long[]> started = new HashMap<>();   // id -> {examples, nanos} at start

        @Override
        public synchronized void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), new long[] {Theories.examplesTried(), System.nanoTime()});
        }

        @Override
        public synchronized void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                outcomes.add(new PropertyOutcome(family(id), property(id), false, 0, Duration.ZERO,
                        Optional.of(new AssertionError("skipped: " + reason))));
            }
        }

        @Override
        public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
            long[] start = started.remove(id.getUniqueId());
            boolean passed = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
            // Containers are reported only when they fail as a whole (a class that cannot be created, an engine error).
            if (id.isTest() || !passed) {
                outcomes.add(new PropertyOutcome(family(id), property(id), passed,
                        Theories.examplesTried() - start[0], Duration.ofNanos(System.nanoTime() - start[1]),
                        result.getThrowable()));
            }
        }

        private static String property(TestIdentifier id) {
            return id.getSource().orElse(null) instanceof MethodSource m ? m.getMethodName() : id.getDisplayName();
        }

        private static String family(TestIdentifier id) {
            String className = switch (id.getSource().orElse(null)) {
                case MethodSource m -> m.getClassName();
                case ClassSource c -> c.getClassName();
                case null, default -> id.getDisplayName();
            };
            try {
                for (Class<?> c = Class.forName(className, false, KitRunner.class.getClassLoader()); c != null;
                        c = c.getSuperclass()) {
                    if (c.getSimpleName().endsWith("Contract")) {
                        return c.getSimpleName().substring(0, c.getSimpleName().length() - "Contract".length());
                    }
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // fall through: name the family after the test class
            }
            String simple = className.substring(className.lastIndexOf('.') + 1);
            return simple.endsWith("Test") ? simple.substring(0, simple.length() - "Test".length()) : simple;
        }
    }
}
