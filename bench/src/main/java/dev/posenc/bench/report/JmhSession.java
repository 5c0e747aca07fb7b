package dev.posenc.bench.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs benchmarks through JMH's Runner (JMH prints its usual progress to stdout), with the GC profiler
 * on so that every result carries its allocation per call, and keeps every result for the JSON file.
 */
final class JmhSession {
    private final List<RunResult> all = new ArrayList<>();

    /**
     * Runs the methods of {@code benchmark} whose names match {@code methods} (a regex), with these
     * parameter values (others keep their declared values), for {@code timing}. A parameter given no value
     * (a side an entry does not have, {@link KernelEntry#without}) runs nothing.
     */
    Collection<RunResult> run(Class<?> benchmark, String methods, Map<String, List<String>> params, Profile.Timing timing)
            throws RunnerException {
        return run(benchmark, methods, params, timing, 1);
    }

    /** The same on {@code threads} JMH threads, each with its own {@code Scope.Thread} state; counters are summed. */
    Collection<RunResult> run(Class<?> benchmark, String methods, Map<String, List<String>> params, Profile.Timing timing,
                              int threads) throws RunnerException {
        if (params.values().stream().anyMatch(List::isEmpty)) {
            return List.of();
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.(" + methods + ")$")
                .addProfiler(GCProfiler.class)
                .threads(threads)
                .shouldFailOnError(true);
        timing.apply(options);
        params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            throw new RunnerException("JMH found no benchmark " + benchmark.getName() + "." + methods
                    + " (was benchmarks.jar built with the annotation processor?)");
        }
        all.addAll(results);
        return results;
    }

    /** Every result so far, in run order. */
    List<RunResult> results() {
        return List.copyOf(all);
    }
}
