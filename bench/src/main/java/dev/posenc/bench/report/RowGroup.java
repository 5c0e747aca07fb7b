package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The measurements of one row before its ceilings are known: one benchmark method at one shape, with
 * a measurement per side, and the probes its ceilings need.
 */
record RowGroup(String kernel, String shape, Cost cost, Map<Implementation, Measurement> sides) {

    /**
     * Groups an entry's measurements by method and shape (every parameter but {@code impl}); a row is named
     * {@code family/method} when the benchmark class has several methods.
     */
    static List<RowGroup> of(KernelEntry entry, Collection<Measurement> results) {
        Map<String, List<Measurement>> groups = new LinkedHashMap<>();
        for (Measurement m : results) {
            groups.computeIfAbsent(m.method() + m.shapeParams(), k -> new ArrayList<>()).add(m);
        }
        boolean severalMethods = Stream.of(entry.benchmark().getMethods()).filter(m -> m.isAnnotationPresent(Benchmark.class)).count() > 1
                || results.stream().map(Measurement::method).distinct().count() > 1;
        List<RowGroup> rows = new ArrayList<>();
        for (List<Measurement> group : groups.values()) {
            Measurement any = group.get(0);
            Map<Implementation, Measurement> sides = new EnumMap<>(Implementation.class);
            group.forEach(m -> sides.put(Implementation.valueOf(m.impl().orElse("vector")), m));
            rows.add(new RowGroup(severalMethods ? entry.name() + "/" + any.method() : entry.name(),
                    entry.shape().apply(any.shapeParams()), entry.costOf(any.method(), any.shapeParams()), Map.copyOf(sides)));
        }
        return rows;
    }

    /** Any measurement of the row (they share shape and counters). */
    Measurement any() {
        return sides.values().iterator().next();
    }

    /** Elements (or tokens) per call: identical for every side of a memory-bound row. */
    double elementsPerCall() {
        return any().perCall("elements");
    }

    /** The bytes the kernel keeps in play per call, NaN if it has no memory traffic. */
    double workingSetBytes() {
        return cost.traffic().map(t -> elementsPerCall() * t.resident()).orElse(Double.NaN);
    }

    /**
     * The probes whose results this row's ceilings need, on the row's threads: memory and special-function
     * probes, and the FMA peak when it is not the single-thread one every run measures.
     */
    Set<Probe> probes() {
        Set<Probe> probes = new LinkedHashSet<>();
        if (cost.flops() && cost.threads() > 1) {
            probes.add(Probe.fma(cost.threads()));
        }
        cost.traffic().ifPresent(t -> probes.add(Probe.memory(t.pattern(), Math.round(workingSetBytes())).onThreads(cost.threads())));
        cost.special().ifPresent(s -> probes.add(
                Probe.special(s.function(), Math.round(elementsPerCall() * s.perElement())).onThreads(cost.threads())));
        return probes;
    }
}
