package dev.posenc.bench.report;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One benchmark result as the report reads it, following the bench conventions: an {@code impl}
 * parameter (reference|plain|vector|jlama), throughput mode, and counters ({@code elements},
 * {@code flops}, {@code bytes}) whose rates over every measurement iteration of every fork the
 * report quotes.
 */
interface Measurement {
    /** The parameter naming the implementation. */
    String IMPL = "impl";

    /** The {@code @Benchmark} method's name. */
    String method();

    /** The value of {@code impl}, or empty if the benchmark has none. */
    Optional<String> impl();

    /** Every parameter but {@code impl}, in declaration order. */
    Map<String, String> shapeParams();

    /** A counter per second over the measurement iterations of all forks, e.g. {@code elements}. */
    Rate rate(String counter);

    /** Counter units per call of the benchmark method, e.g. elements per call. */
    double perCall(String counter);

    /** Whether the benchmark has this counter. */
    boolean has(String counter);

    /** Bytes allocated per call (the median iteration), when the GC profiler ran. */
    OptionalDouble allocationPerCall();

    /** Calls per measurement iteration (few calls spread JMH's own allocation over each). */
    double callsPerIteration();
}
