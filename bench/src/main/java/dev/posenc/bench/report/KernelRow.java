package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One row of the report: a kernel at one shape, measured on each side (reference, plain Java, vector,
 * peer), set against the ceilings that bound it.
 *
 * @param kernel     the family, and the benchmark method when the class has several
 * @param shape      the shape, printed from the benchmark's parameters
 * @param cost       what the kernel's work is
 * @param workingSet the bytes the kernel keeps in play per call (NaN for compute-bound rows)
 * @param sides      each side's numbers
 * @param ceilings   every ceiling that applies, in the row's unit
 */
record KernelRow(String kernel, String shape, Cost cost, double workingSet, Map<Implementation, Side> sides,
                 List<Ceiling> ceilings) {

    /** Allocation per call at or above this, over enough calls, is the kernel's own (not JMH's bookkeeping). */
    static final double ALLOCATES = 1024;
    /** Fewer calls per iteration than this spread JMH's own allocation too thinly to tell. */
    static final double CONCLUSIVE_CALLS = 100;
    /**
     * An iteration allocating this much is the kernel's however few its calls: JMH's own bookkeeping is 5–8 KB an
     * iteration (2.5 KB per call of prefill at 2.6 calls per 0.2 s iteration, 0.76 KB per call of decode at 32768
     * positions at 9). The published run of 2026-11-30 00:43 showed BF16 decode at 808 KB per call unflagged: one of
     * its two forks allocated 1.6 MB in every call (boxed vectors), at 97 calls per iteration.
     */
    static final double ITERATION_BYTES = 64 * 1024;

    /**
     * One side's numbers: throughput in the row's unit (median and range over every iteration of every
     * fork), bytes allocated per call, and calls per iteration.
     */
    record Side(Rate throughput, OptionalDouble allocationPerCall, double callsPerIteration) {}

    /** Builds the row from its measurements and this run's probes. */
    static KernelRow of(RowGroup group, ProbeResults probes) {
        Cost cost = group.cost();
        Map<Implementation, Side> sides = new EnumMap<>(Implementation.class);
        group.sides().forEach((impl, m) -> sides.put(impl,
                new Side(m.rate(cost.counter()), m.allocationPerCall(), m.callsPerIteration())));
        List<Ceiling> ceilings = new ArrayList<>();
        int threads = cost.threads();
        if (cost.flops()) {
            // Rows in elements or tokens that also count FLOPs (decode): the peak in their unit.
            double flopsPerUnit = cost.unit() == Units.FLOPS ? 1 : group.any().perCall("flops") / group.elementsPerCall();
            Probe probe = Probe.fma(threads);
            probes.of(probe).ifPresent(r -> ceilings.add(new Ceiling("FMA peak", probe.describe() + ": " + Units.FLOPS.format(r.max()),
                    r.max() / flopsPerUnit, probe, r, Units.FLOPS)));
        }
        cost.traffic().ifPresent(t -> {
            Probe probe = Probe.memory(t.pattern(), Math.round(group.workingSetBytes())).onThreads(threads);
            probes.of(probe).ifPresent(r -> ceilings.add(new Ceiling("memory", probe.describe() + ": " + Units.BYTES.format(r.max()),
                    r.max() / t.moved(), probe, r, Units.BYTES)));
        });
        cost.special().ifPresent(s -> {
            Probe probe = Probe.special(s.function(), Math.round(group.elementsPerCall() * s.perElement())).onThreads(threads);
            probes.of(probe).ifPresent(r -> ceilings.add(new Ceiling("vector " + s.function(),
                    probe.describe() + ": " + Units.ELEMENTS.format(r.max()), r.max() / s.perElement(), probe, r, Units.ELEMENTS)));
        });
        return new KernelRow(group.kernel(), group.shape(), cost, group.workingSetBytes(), Map.copyOf(sides), List.copyOf(ceilings));
    }

    /** The unit of the throughput columns. */
    Units unit() {
        return cost.unit();
    }

    Optional<Side> side(Implementation impl) {
        return Optional.ofNullable(sides.get(impl));
    }

    /** The lowest ceiling that applies: what this kernel can reach here at best. */
    Optional<Ceiling> ceiling() {
        return ceilings.stream().min(Comparator.comparingDouble(Ceiling::perSecond));
    }

    /** A side's median as a fraction of the row's ceiling. */
    OptionalDouble fractionOfCeiling(Implementation impl) {
        return side(impl).flatMap(s -> ceiling().map(c -> s.throughput().median() / c.perSecond()))
                .map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }

    /**
     * Whether a side beats its ceiling by more than noise: even its slowest iteration is faster than the
     * probe's fastest by more than the probe's own spread ((max − min) ÷ median of its iterations). That is a
     * measurement problem (a wrong working set, pattern or count), not a result. The spread is the margin because a
     * probe's level moves from fork to fork with the machine's phase (see {@link Profile}): a kernel that runs at its
     * ceiling, as paired calls in one JVM show the learned table does (0.975–0.995 of its probe), can beat the best of
     * two probe forks by less than that, and printing it as a problem would be a false alarm.
     */
    boolean aboveCeiling(Implementation impl) {
        return side(impl).flatMap(s -> ceiling().map(c -> s.throughput().min() > c.perSecond() * (1 + c.probe().spread())))
                .orElse(false);
    }

    /** {@code a ÷ b} of the medians, if both sides ran. */
    OptionalDouble ratio(Implementation a, Implementation b) {
        return side(a).isPresent() && side(b).isPresent()
                ? OptionalDouble.of(sides.get(a).throughput().median() / sides.get(b).throughput().median())
                : OptionalDouble.empty();
    }

    /**
     * Whether a side allocates in its hot path: at least {@link #ALLOCATES} bytes per call over enough calls, or over
     * fewer calls that together allocate {@link #ITERATION_BYTES} or more an iteration.
     */
    boolean allocates(Implementation impl) {
        return side(impl).map(s -> s.allocationPerCall().orElse(0) >= ALLOCATES && ownAllocation(s)).orElse(false);
    }

    /**
     * Whether what a side allocates per call is its kernel's and not JMH's bookkeeping spread over its calls: at least
     * {@link #CONCLUSIVE_CALLS} calls an iteration, or at least {@link #ITERATION_BYTES} allocated in one.
     */
    static boolean ownAllocation(Side s) {
        return s.callsPerIteration() >= CONCLUSIVE_CALLS || s.allocationPerCall().orElse(0) * s.callsPerIteration() >= ITERATION_BYTES;
    }

    /** The flags the report prints for a side: noise, a beaten ceiling, allocation. */
    List<String> flags(Implementation impl) {
        List<String> flags = new ArrayList<>();
        side(impl).ifPresent(s -> {
            if (aboveCeiling(impl)) {
                flags.add(impl + " above its ceiling: measurement problem");
            }
            if (s.throughput().noisy()) {
                flags.add(impl + " spread " + Units.percent(s.throughput().spread()));
            }
            if (allocates(impl)) {
                flags.add(impl + " allocates " + Units.bytes(s.allocationPerCall().orElseThrow()) + "/call");
            }
        });
        return flags;
    }

    /** A side's throughput in the memory traffic it implies (bytes/s), if the row has traffic. */
    OptionalDouble bandwidth(Implementation impl) {
        return side(impl).flatMap(s -> cost.traffic().map(t -> s.throughput().median() * t.moved()))
                .map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }
}
