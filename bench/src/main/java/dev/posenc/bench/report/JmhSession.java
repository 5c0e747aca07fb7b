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
 * Runs benchmark classes through JMH's Runner, one class at a time (JMH prints its usual progress to
 * stdout), with the GC profiler on so that every result carries its allocation per call, and keeps
 * every result for the JSON file.
 */
final class JmhSession {
    private final Profile profile;
    private final List<RunResult> all = new ArrayList<>();

    JmhSession(Profile profile) {
        this.profile = profile;
    }

    /** Runs every benchmark of {@code benchmark}; {@code quickParams} apply in the quick profile. */
    Collection<RunResult> run(Class<?> benchmark, Map<String, List<String>> quickParams) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        profile.apply(options, quickParams);
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            throw new RunnerException("JMH found no benchmark in " + benchmark.getName()
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
