package dev.posenc.bench.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One row of the report: a kernel at one shape, measured as the reference and as the vector
 * implementation, set against the limit that bounds it.
 *
 * @param kernel    the family, and the benchmark method when the class has several
 * @param shape     the shape, printed from the benchmark's parameters
 * @param unit      what the throughput counts: elements or FLOPs per second
 * @param reference the scalar reference, if it ran
 * @param vector    the Vector API implementation, if it ran
 * @param limit     the machine limit for this kernel and working set
 */
record KernelRow(String kernel, String shape, Units unit, Optional<Side> reference, Optional<Side> vector,
                 Limits.Limit limit) {

    /**
     * One implementation's numbers: throughput (median elements/s or FLOP/s), the same work in the
     * limit's unit (bytes/s or FLOP/s), and bytes allocated per benchmark call (from JMH's GC profiler).
     */
    record Side(double throughput, double limitRate, OptionalDouble allocationPerCall) {
        /** The fraction of the limit this side reaches. */
        double fractionOf(Limits.Limit limit) {
            return limitRate / limit.perSecond();
        }
    }

    /** Vector throughput ÷ reference throughput. */
    OptionalDouble speedup() {
        return reference.isPresent() && vector.isPresent()
                ? OptionalDouble.of(vector.get().throughput() / reference.get().throughput())
                : OptionalDouble.empty();
    }

    /** The rows of one catalog entry: one per benchmark method and combination of parameters other than {@code impl}. */
    static List<KernelRow> of(KernelEntry entry, Collection<Measurement> results, Limits limits) {
        Map<String, Map<String, Measurement>> groups = new LinkedHashMap<>();   // method + shape -> impl -> result
        for (Measurement m : results) {
            groups.computeIfAbsent(m.method() + m.shapeParams(), k -> new LinkedHashMap<>())
                    .put(m.impl().orElse("vector"), m);
        }
        boolean severalMethods = results.stream().map(Measurement::method).distinct().count() > 1;
        List<KernelRow> rows = new ArrayList<>();
        for (Map<String, Measurement> group : groups.values()) {
            Measurement any = group.values().iterator().next();
            Cost cost = entry.costOf(any.method());
            double workingSet = cost instanceof Cost.Memory m ? any.perCall("elements") * m.bytesResident() : Double.NaN;
            rows.add(new KernelRow(
                    severalMethods ? entry.name() + "/" + any.method() : entry.name(),
                    entry.shape().apply(any.shapeParams()),
                    cost instanceof Cost.Compute ? Units.FLOPS : Units.ELEMENTS,
                    Optional.ofNullable(group.get("reference")).map(r -> side(r, cost)),
                    Optional.ofNullable(group.get("vector")).map(r -> side(r, cost)),
                    limits.of(cost, workingSet)));
        }
        return rows;
    }

    private static Side side(Measurement m, Cost cost) {
        return switch (cost) {
            case Cost.Compute c -> {
                double flops = m.perSecond("flops");
                yield new Side(flops, flops, m.allocationPerCall());
            }
            case Cost.Memory mem -> {
                double elements = m.perSecond("elements");
                yield new Side(elements, elements * mem.bytesMoved(), m.allocationPerCall());
            }
        };
    }
}
