package dev.posenc.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One benchmark class in the performance report: the family name that {@code --kernels} matches, the
 * {@link Cost} of its kernels, how to print a shape from its {@code @Param}s, and which parameter
 * values the quick profile keeps.
 *
 * <p>The class follows the bench conventions: {@code @Param Implementation impl} (reference|vector),
 * throughput mode, an {@link dev.posenc.bench.Elements} counter (and a {@link dev.posenc.bench.Flops}
 * counter if compute-bound). Each of its {@code @Benchmark} methods and each combination of its other
 * parameters gives one row.
 */
public record KernelEntry(String name, Class<?> benchmark, Cost cost, Map<String, Cost> methodCosts,
                          Function<Map<String, String>, String> shape, Map<String, List<String>> quickParams) {

    /** An entry with the default shape (every parameter but {@code impl}, as {@code name=value}). */
    public static KernelEntry of(String name, Class<?> benchmark, Cost cost) {
        return new KernelEntry(name, benchmark, cost, Map.of(), KernelEntry::defaultShape, Map.of());
    }

    /** Prints the shape from the row's parameters (all but {@code impl}), e.g. {@code p -> p.get("rows") + "×" + p.get("cols")}. */
    public KernelEntry shape(Function<Map<String, String>, String> shape) {
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams);
    }

    /** A different cost for one {@code @Benchmark} method (e.g. memory-bound decode beside compute-bound prefill). */
    public KernelEntry method(String method, Cost methodCost) {
        Map<String, Cost> costs = new LinkedHashMap<>(methodCosts);
        costs.put(method, methodCost);
        return new KernelEntry(name, benchmark, cost, Map.copyOf(costs), shape, quickParams);
    }

    /** Restricts a parameter to these values in the quick profile (the full profile runs every value). */
    public KernelEntry quick(String param, String... values) {
        Map<String, List<String>> params = new LinkedHashMap<>(quickParams);
        params.put(param, List.of(values));
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, Map.copyOf(params));
    }

    /** The cost of a benchmark method. */
    public Cost costOf(String method) {
        return methodCosts.getOrDefault(method, cost);
    }

    private static String defaultShape(Map<String, String> params) {
        return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
