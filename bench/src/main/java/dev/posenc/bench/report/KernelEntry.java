package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One benchmark class in the performance report: the family name that {@code --kernels} matches, the
 * {@link Cost} of its methods (possibly depending on the row's parameters), how to print a shape from
 * its {@code @Param}s, which parameter values the quick profile keeps (and which further combinations it
 * adds, on which sides), and which peers it has.
 *
 * <p>The class follows the bench conventions: {@code @Param Implementation impl}, throughput mode, an
 * {@link dev.posenc.bench.Elements} counter (and a {@link dev.posenc.bench.Flops} counter where FLOPs
 * count). Each of its {@code @Benchmark} methods and each combination of its other parameters gives
 * one row, with a column per side.
 */
public record KernelEntry(String name, Class<?> benchmark, Function<Map<String, String>, Cost> cost,
                          Map<String, Function<Map<String, String>, Cost>> methodCosts,
                          Function<Map<String, String>, String> shape, Map<String, List<String>> quickParams,
                          List<QuickAlso> quickAlso, String quickMethods, List<Peer> peers,
                          Map<Implementation, Map<String, List<String>>> sideParams) {

    /** A peer side: {@code impl} run on the methods matching {@code methods} (a regex) with some parameters fixed. */
    public record Peer(Implementation impl, String methods, Map<String, String> params) {}

    /**
     * Parameter values the quick profile runs besides its restrictions' product, on {@code sides} only, with
     * the methods matching {@code methods} (a regex; empty: the entry's quick methods).
     */
    public record QuickAlso(Set<Implementation> sides, Optional<String> methods, Map<String, List<String>> params) {}

    /** One JMH run of a side: the methods matching {@code methods} (a regex) with these parameter values. */
    public record Run(String methods, Map<String, List<String>> params) {}

    /** An entry with one cost for every method and the default shape (every parameter but {@code impl}). */
    public static KernelEntry of(String name, Class<?> benchmark, Cost cost) {
        return new KernelEntry(name, benchmark, p -> cost, Map.of(), KernelEntry::defaultShape, Map.of(), List.of(), ".*", List.of(), Map.of());
    }

    /** An entry whose cost depends on each row's parameters (e.g. a KV cache's precision). */
    public static KernelEntry of(String name, Class<?> benchmark, Function<Map<String, String>, Cost> cost) {
        return new KernelEntry(name, benchmark, cost, Map.of(), KernelEntry::defaultShape, Map.of(), List.of(), ".*", List.of(), Map.of());
    }

    /** Prints the shape from the row's parameters (all but {@code impl}), e.g. {@code p -> p.get("rows") + "×" + p.get("cols")}. */
    public KernelEntry shape(Function<Map<String, String>, String> shape) {
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, quickAlso, quickMethods, peers, sideParams);
    }

    /** A different cost for one {@code @Benchmark} method. */
    public KernelEntry method(String method, Cost methodCost) {
        return method(method, p -> methodCost);
    }

    /** A cost for one {@code @Benchmark} method that depends on the row's parameters (e.g. a KV cache's precision). */
    public KernelEntry method(String method, Function<Map<String, String>, Cost> methodCost) {
        Map<String, Function<Map<String, String>, Cost>> costs = new LinkedHashMap<>(methodCosts);
        costs.put(method, methodCost);
        return new KernelEntry(name, benchmark, cost, Map.copyOf(costs), shape, quickParams, quickAlso, quickMethods, peers, sideParams);
    }

    /** Restricts a parameter to these values in the quick profile (the full profile runs every value). */
    public KernelEntry quick(String param, String... values) {
        Map<String, List<String>> params = new LinkedHashMap<>(quickParams);
        params.put(param, List.of(values));
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, Map.copyOf(params), quickAlso, quickMethods, peers, sideParams);
    }

    /**
     * Adds one more combination to the quick profile, on {@code sides} only: the quick restrictions with
     * {@code params} (name, value pairs) in their place, e.g. a long KV cache in f32 only, without the
     * slow reference.
     */
    public KernelEntry quickAlso(Set<Implementation> sides, String... params) {
        return quickAlso(new QuickAlso(Set.copyOf(sides), Optional.empty(), pairs(params)));
    }

    /**
     * Adds a method the quick profile otherwise leaves out, on {@code sides} only, at the quick restrictions with
     * {@code params} (name, value pairs) in their place, e.g. one two-thread decode row on the vector side.
     */
    public KernelEntry quickMethod(Set<Implementation> sides, String method, String... params) {
        return quickAlso(new QuickAlso(Set.copyOf(sides), Optional.of(method), pairs(params)));
    }

    private KernelEntry quickAlso(QuickAlso also) {
        List<QuickAlso> all = new ArrayList<>(quickAlso);
        all.add(also);
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, List.copyOf(all), quickMethods, peers, sideParams);
    }

    private static Map<String, List<String>> pairs(String... params) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < params.length; i += 2) {
            values.put(params[i], List.of(params[i + 1]));
        }
        return Map.copyOf(values);
    }

    /** Runs only the {@code @Benchmark} methods matching {@code regex} in the quick profile (the full profile runs all). */
    public KernelEntry quickMethods(String regex) {
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, quickAlso, regex, peers, sideParams);
    }

    /**
     * The JMH runs of side {@code impl}: in the full profile every method at every value; in the quick one its
     * methods at the product of the quick restrictions, then each {@link #quickAlso} and {@link #quickMethod}
     * combination for this side (all narrowed by {@link #side}).
     */
    public List<Run> runsOf(Implementation impl, boolean quick) {
        if (!quick) {
            return List.of(new Run(".*", paramsOf(impl, Map.of())));
        }
        List<Run> runs = new ArrayList<>();
        runs.add(new Run(quickMethods, paramsOf(impl, quickParams)));
        for (QuickAlso also : quickAlso) {
            if (also.sides().contains(impl)) {
                Map<String, List<String>> params = new LinkedHashMap<>(quickParams);
                params.putAll(also.params());
                runs.add(new Run(also.methods().orElse(quickMethods), paramsOf(impl, params)));
            }
        }
        return runs;
    }

    /** Adds a peer side on {@code methods} (a regex of method names), with {@code params} given as name, value pairs. */
    public KernelEntry peer(Implementation impl, String methods, String... params) {
        Map<String, String> fixed = new LinkedHashMap<>();
        for (int i = 0; i + 1 < params.length; i += 2) {
            fixed.put(params[i], params[i + 1]);
        }
        List<Peer> all = new ArrayList<>(peers);
        all.add(new Peer(impl, methods, Map.copyOf(fixed)));
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, quickAlso, quickMethods, List.copyOf(all), sideParams);
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
        return new KernelEntry(name, benchmark, cost, methodCosts, shape, quickParams, quickAlso, quickMethods, peers, Map.copyOf(sides));
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
