package dev.posenc.bench.report;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One benchmark result as the report reads it, following the bench conventions: an {@code impl}
 * parameter (reference|vector), throughput mode, and counters ({@code elements}, {@code flops}) whose
 * medians over the measurement iterations are the rates the report quotes.
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

    /** The median per second of a counter over the measurement iterations, e.g. {@code elements}. */
    double perSecond(String counter);

    /** The best (highest) per second of a counter over the measurement iterations. */
    double bestPerSecond(String counter);

    /** Counter units per call of the benchmark method, e.g. elements per call. */
    double perCall(String counter);

    /** Bytes allocated per call, when the GC profiler ran. */
    OptionalDouble allocationPerCall();
}
