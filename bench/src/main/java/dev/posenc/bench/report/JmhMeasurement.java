package dev.posenc.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/** A {@link Measurement} read from a JMH result (throughput mode, counters as secondary results). */
record JmhMeasurement(RunResult result) implements Measurement {

    JmhMeasurement {
        if (result.getParams().getMode() != Mode.Throughput) {
            throw new IllegalArgumentException(result.getParams().getBenchmark() + " runs in mode "
                    + result.getParams().getMode() + "; the report reads counters of throughput benchmarks only");
        }
    }

    @Override
    public String method() {
        String benchmark = result.getParams().getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    @Override
    public Optional<String> impl() {
        return Optional.ofNullable(result.getParams().getParam(IMPL));
    }

    @Override
    public Map<String, String> shapeParams() {
        Map<String, String> params = new LinkedHashMap<>();
        BenchmarkParams p = result.getParams();
        for (String key : p.getParamsKeys()) {
            if (!IMPL.equals(key)) {
                params.put(key, p.getParam(key));
            }
        }
        return params;
    }

    @Override
    public Rate rate(String counter) {
        Statistics s = counter(counter).getStatistics();
        double factor = perSecondFactor();
        return new Rate(s.getPercentile(50) * factor, s.getMin() * factor, s.getMax() * factor);
    }

    /** Mean counter rate ÷ mean call rate, over the same iterations. */
    @Override
    public double perCall(String counter) {
        return counter(counter).getScore() / result.getPrimaryResult().getScore();
    }

    @Override
    public boolean has(String counter) {
        return secondary().containsKey(counter);
    }

    /**
     * The median over iterations, not the mean: one call that runs before C2 has compiled a Vector API
     * kernel allocates a box per vector (tens of megabytes), which a mean spreads over every call of the
     * run as kilobytes per call.
     */
    @Override
    public OptionalDouble allocationPerCall() {
        return secondary().entrySet().stream()
                .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm"))
                .mapToDouble(e -> e.getValue().getStatistics().getPercentile(50))
                .findFirst();
    }

    @Override
    public double callsPerIteration() {
        double seconds = result.getParams().getMeasurement().getTime().convertTo(TimeUnit.NANOSECONDS) / 1e9;
        return result.getPrimaryResult().getScore() * perSecondFactor() * seconds;
    }

    private Result<?> counter(String name) {
        Result<?> r = secondary().get(name);
        if (r == null) {
            throw new IllegalArgumentException(result.getParams().getBenchmark() + " has no '" + name
                    + "' counter (its secondary results: " + secondary().keySet() + ")");
        }
        return r;
    }

    /** JMH's secondary results (counters, profilers' metrics) by name; JMH declares them with a raw type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Map<String, Result<?>> secondary() {
        return (Map) result.getSecondaryResults();
    }

    private double perSecondFactor() {
        TimeUnit unit = result.getParams().getTimeUnit();
        return (double) TimeUnit.SECONDS.toNanos(1) / unit.toNanos(1);
    }
}
