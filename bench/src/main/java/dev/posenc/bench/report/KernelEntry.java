package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One benchmark class in the performance report: the family name that {@code --kernels} matches, the
 * {@link Cost} of its methods (possibly depending on the row's parameters), how to print a shape from
 * its {@code @Param}s, which parameter values the quick profile keeps, and which peers it has.
 *
 * <p>The class follows the bench conventions: {@code @Param Implementation impl}, throughput mode, an
 * {@link dev.posenc.bench.Elements} counter (and a {@link dev.posenc.bench.Flops} counter where FLOPs
 * count). Each of its {@code @Benchmark} methods and each combination of its other parameters gives
 * one row, with a column per side.
 */
public record KernelEntry(String name, Class<?> benchmark, Function<Map<String, String>, Cost> cost,
                          Map<String, Function<Map<String, String>, Cost>> methodCosts,
                          Function<Map<String, String>, String> shape, Map<String, List<String>> quickParams,
                          List<Peer> peers, Map<Implementation, Map<String, List<String>>> sideParams) {

    /** A peer side: {@code impl} run on the methods matching {@code methods} (a regex) with some parameters fixed. */
    public record Peer(Implementation impl, String methods, Map<String, String> params) {}

    /** An entry with one cost for every method and the default shape (every parameter but {@code impl}). */
    public static KernelEntry of(String name, Class<?> benchmark, Cost cost) {
        return new KernelEntry(name, benchmark, p -> cost, Map.of(), KernelEntry::defaultShape, Map.of(), List.of(), Map.of());
    }

    /** An entry whose cost depends on each row's parameters (e.g. a KV cache's precision). */
    public static KernelEntry of(String name, Class<?> benchmark, Function<Map<String, String>, Cost> cost) {
        return new KernelEntry(name, benchmark, cost, Map.of(), KernelEntry::defaultShape, Map.of(), List.of(), Map.of());
    }

    /** Prints the shape from the row's parameters (all but {@code impl}), e.g. {@code p -> p.get("rows") + "×" + p.get("cols")}. */
    public KernelEntry shape(Function<Map<String, String>, String> shape) {
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, peers, sideParams);
    }

    /** A different cost for one {@code @Benchmark} method. */
    public KernelEntry method(String method, Cost methodCost) {
        return method(method, p -> methodCost);
    }

    /** A cost for one {@code @Benchmark} method that depends on the row's parameters (e.g. a KV cache's precision). */
    public KernelEntry method(String method, Function<Map<String, String>, Cost> methodCost) {
        Map<String, Function<Map<String, String>, Cost>> costs = new LinkedHashMap<>(methodCosts);
        costs.put(method, methodCost);
        return new KernelEntry(name, benchmark, cost, Map.copyOf(costs), shape, quickParams, peers, sideParams);
    }

    /** Restricts a parameter to these values in the quick profile (the full profile runs every value). */
    public KernelEntry quick(String param, String... values) {
        Map<String, List<String>> params = new LinkedHashMap<>(quickParams);
        params.put(param, List.of(values));
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, Map.copyOf(params), peers, sideParams);
    }

    /** Adds a peer side on {@code methods} (a regex of method names), with {@code params} given as name, value pairs. */
    public KernelEntry peer(Implementation impl, String methods, String... params) {
        Map<String, String> fixed = new LinkedHashMap<>();
        for (int i = 0; i + 1 < params.length; i += 2) {
            fixed.put(params[i], params[i + 1]);
        }
        List<Peer> all = new ArrayList<>(peers);
        all.add(new Peer(impl, methods, Map.copyOf(fixed)));
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, List.copyOf(all), sideParams);
    }

    /**
     * Restricts a parameter to these values on one side (e.g. the plain baseline, which reads f32 arrays only,
     * to {@code kv = f32}); the other sides run every value.
     */
    public KernelEntry side(Implementation impl, String param, String... values) {
        Map<Implementation, Map<String, List<String>>> sides = new LinkedHashMap<>(sideParams);
        Map<String, List<String>> params = new LinkedHashMap<>(sides.getOrDefault(impl, Map.of()));
        params.put(param, List.of(values));
        sides.put(impl, Map.copyOf(params));
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, peers, Map.copyOf(sides));
    }

    /** Leaves side {@code impl} out: the benchmark has no such implementation (e.g. no plain-Java RoPE variants). */
    public KernelEntry without(Implementation impl) {
        return side(impl, Measurement.IMPL);
    }

    /** The parameter values side {@code impl} runs with: the profile's ({@code params}) narrowed by {@link #side}. */
    public Map<String, List<String>> paramsOf(Implementation impl, Map<String, List<String>> params) {
        Map<String, List<String>> all = new LinkedHashMap<>(params);
        all.put(Measurement.IMPL, List.of(impl.name()));
        all.putAll(sideParams.getOrDefault(impl, Map.of()));
        return all;
    }

    /** The cost of a benchmark method at a row's parameters. */
    public Cost costOf(String method, Map<String, String> params) {
        return methodCosts.getOrDefault(method, cost).apply(params);
    }

    private static String defaultShape(Map<String, String> params) {
        return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
