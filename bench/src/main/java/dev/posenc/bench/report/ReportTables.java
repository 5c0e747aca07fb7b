package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The report's tables: kernels against their ceilings, the ceilings, the bandwidth curve, the guards. */
final class ReportTables {
    private static final String NONE = "—";
    private static final String TARGET_NOTES = """
            Each target is decided on paired calls: the kernel's call and the call it is set against alternate in one
            JVM (a fresh one per group of pairings that share a call), so both see the same phase of a shared machine
            (here a JVM switches for seconds between phases about 1.35× apart, which JMH rows from separate JVMs cannot
            tell from the code); each pairing also says what share of its time each call's threads spent on a CPU (a
            two-thread call: the Java threads' CPU time over 2 × its wall time), what it allocated per call and how long
            the JIT compiled meanwhile. The ratio is each
            pair's speed ratio (f32 decode ÷ a read of the step's own K and V, half precision ÷ f32, two threads ÷ one
            over one cache), or its ratio of rates where the calls do different work (prefill's FLOP/s ÷ the FMA peak's,
            each side's FLOPs per call as its benchmark counts them). Two calls of one benchmark with the same parameters
            share one set-up object, so the read side reads the bytes the decode step reads (the read probe's loop over
            the cache), where the step alone finds them, and decode on two threads and on one read one cache. A copy
            each doubles the footprint (64 MiB at 4096 positions; this VM's curve shows a level of 4–64 MiB), and
            then the ratio depended on how the copies crowded each other: on 2026-11-30 the f32 step took 1.77–2.16 ms
            beside a separate 32 MiB read (0.58–0.67 of the read in six pairings; 3.10 ms and 0.42 in that day's
            09:40 report), against 1.75–1.86 ms (0.65–0.67) beside a read of its own cache and 1.79–1.85 ms beside a
            16 KiB read; decode on two threads ÷ one gave 2.02–2.14 with a cache each (the one-thread side slowed)
            and 1.54 in the 09:40 report, against 1.78–1.87 over one cache. F16 and BF16 cannot share f32's cache
            and keep their own (48 MiB together; the f32 step beside them took 1.81–1.91 ms). MET when the lower
            quartile of those ratios reaches the target, MISSED when the upper quartile does not, else INCONCLUSIVE; also INCONCLUSIVE when the probe side (the read
            or the FMA peak) ran below 0.75 of that probe's own rate in this run, since a slowed JVM moves the ratio
            either way, and when a side's threads were on a CPU for less than 90% of that time in a quarter of its
            timings (a two-thread call whose second thread did not get a CPU has about 50%) or a side allocated
            1 KiB or more per call (its vectors boxed: not compiled code). Beside it, the same target read from the JMH
            rows: the median with its range, the least and most favourable pairing of the rows' iterations, or a
            row's iterations over its ceiling (the probe's best iteration); beside a two-thread target, the machine's
            own ceilings probed on two threads and on one in this run, and this kernel's headroom, the two-thread
            ceiling over its one-thread speed. ABOVE HARDWARE: not met, and that headroom is below the target, so no
            code could meet it here; a kernel with more headroom that misses is MISSED.
            The two-thread targets come twice: the standard rows hand the second thread's work to a single-thread pool
            (Executors.newSingleThreadExecutor), parked between calls, as a caller's executor often is; the rows named
            "polling executor" hand it to a bench-owned worker that polls for the next task between calls
            (PollingExecutor), as a hot engine pool's does: the kernel's own scaling without the wake-up of a parked
            thread (on this VM the pool's hand-off took about 53 µs of a 0.86 ms two-thread decode call, the polling
            worker's about 2.4 µs). The standard rows are the targets' verdicts; the polling rows are context.
            Issue 13's "F16 decode ≥ 3× ggml" is not in this report: ggml is not built from this repository.
            """;

    private ReportTables() {}

    /** The headline table: every side's throughput, the speed-ups, and the vector side against its ceiling. */
    static MarkdownTable kernels(List<KernelRow> rows) {
        MarkdownTable table = new MarkdownTable("Kernel", "Shape", "Working set", "Plain Java", "Vector: median (min–max)",
                "Speed-up over plain", "Reference (vector ÷ it)", "Jlama (vector ÷ it)", "Ceiling", "Vector of ceiling",
                "Vector alloc/call", "Flags");
        for (KernelRow row : rows) {
            table.add(row.kernel(), row.shape(), workingSet(row), rate(row, Implementation.plain), vector(row),
                    times(row.ratio(Implementation.vector, Implementation.plain)),
                    against(row, Implementation.reference), against(row, Implementation.jlama),
                    row.ceiling().map(c -> c.name() + " " + row.unit().format(c.perSecond())).orElse(NONE),
                    ofCeiling(row, Implementation.vector),
                    row.side(Implementation.vector).flatMap(s -> box(s.allocationPerCall())).map(b -> Math.round(b) + " B").orElse(NONE),
                    String.join("; ", flags(row)));
        }
        return table;
    }

    /** Every ceiling of every row, and which one binds. */
    static MarkdownTable ceilings(List<KernelRow> rows) {
        MarkdownTable table = new MarkdownTable("Kernel", "Shape", "FMA peak", "Memory probe", "Special-function probe",
                "Ceiling (lowest)", "Plain of ceiling", "Vector of ceiling");
        for (KernelRow row : rows) {
            table.add(row.kernel(), row.shape(), ceiling(row, "FMA peak"), ceiling(row, "memory"), ceiling(row, "vector "),
                    row.ceiling().map(Ceiling::name).orElse(NONE), ofCeiling(row, Implementation.plain),
                    ofCeiling(row, Implementation.vector));
        }
        return table;
    }

    /** While measuring: each side's throughput, before the probes have run. */
    static MarkdownTable measured(List<RowGroup> groups) {
        MarkdownTable table = new MarkdownTable("Kernel", "Shape", "Reference", "Plain Java", "Vector", "Jlama");
        for (RowGroup g : groups) {
            List<String> cells = new ArrayList<>(List.of(g.kernel(), g.shape()));
            for (Implementation impl : Implementation.values()) {
                Measurement m = g.sides().get(impl);
                cells.add(m == null ? NONE : g.cost().unit().format(m.rate(g.cost().counter())));
            }
            table.add(cells.toArray(String[]::new));
        }
        return table;
    }

    /** The bandwidth curve, point by point, and the levels read from it. */
    static String curve(BandwidthCurve curve) {
        MarkdownTable points = new MarkdownTable("Working set", "Bandwidth (out of place): median (min–max)", "Level");
        for (BandwidthCurve.Point p : curve.points()) {
            points.add(Units.bytes(p.bytes()), Units.BYTES.format(p.bandwidth()), curve.levelOf(p.bytes()));
        }
        MarkdownTable levels = new MarkdownTable("Level", "Working sets", "Bandwidth", "How it is named");
        for (BandwidthCurve.Level level : curve.levels()) {
            levels.add(level.name(), Units.bytes(level.from()) + " – " + Units.bytes(level.to()),
                    Units.BYTES.format(level.bandwidth()), level.note());
        }
        return levels + "\n" + points;
    }

    static MarkdownTable guards(Map<Guard, Guard.Verdict> verdicts) {
        MarkdownTable table = new MarkdownTable("Guard", "Status", "Measured", "Why");
        verdicts.forEach((g, v) -> table.add(g.name(), v.status().name(), v.detail(), g.why()));
        return table;
    }

    /** The targets, met or missed with the measured ratio (median, then its range), and the lines under them. */
    static String targets(Map<Target, Target.Verdict> verdicts) {
        MarkdownTable table = new MarkdownTable("Target", "Needs", "Status", "Measured", "JMH rows (for context)");
        verdicts.forEach((t, v) -> table.add(t.name(), t.needs(), v.status().label(), v.detail(), v.context()));
        return table + "\n" + TARGET_NOTES;
    }

    /** The flags of every side of a row. */
    static List<String> flags(KernelRow row) {
        List<String> flags = new ArrayList<>();
        for (Implementation impl : Implementation.values()) {
            flags.addAll(row.flags(impl));
        }
        return flags;
    }

    private static String workingSet(KernelRow row) {
        return Double.isNaN(row.workingSet()) ? NONE : Units.bytes(row.workingSet());
    }

    private static String rate(KernelRow row, Implementation impl) {
        return row.side(impl).map(s -> row.unit().format(s.throughput().median())).orElse(NONE);
    }

    /** The vector side: median (range), and the bandwidth it implies for rows with memory traffic. */
    private static String vector(KernelRow row) {
        return row.side(Implementation.vector).map(s -> row.unit().format(s.throughput())
                + (row.bandwidth(Implementation.vector).isPresent()
                        ? ", " + Units.BYTES.format(row.bandwidth(Implementation.vector).getAsDouble()) : "")).orElse(NONE);
    }

    /** E.g. {@code 124 M elem/s (32.6×)}. */
    private static String against(KernelRow row, Implementation impl) {
        return row.side(impl).map(s -> row.unit().format(s.throughput().median()) + " ("
                + times(row.ratio(Implementation.vector, impl)) + ")").orElse(NONE);
    }

    /** A fraction of the ceiling, or the word that it beat the ceiling (a measurement problem, never "250%"). */
    private static String ofCeiling(KernelRow row, Implementation impl) {
        if (row.aboveCeiling(impl)) {
            return "above ceiling: check";
        }
        OptionalDouble f = row.fractionOfCeiling(impl);
        return f.isPresent() ? Units.percent(f.getAsDouble()) : NONE;
    }

    /** The ceiling whose name starts with {@code prefix}, in the row's unit and the probe's. */
    private static String ceiling(KernelRow row, String prefix) {
        return row.ceilings().stream().filter(c -> c.name().startsWith(prefix)).findFirst()
                .map(c -> row.unit().format(c.perSecond()) + " (" + c.detail() + "; probe spread "
                        + Units.percent(c.probe().spread()) + ")").orElse(NONE);
    }

    private static String times(OptionalDouble value) {
        return value.isPresent() ? Units.times(value.getAsDouble()) : NONE;
    }

    private static Optional<Double> box(OptionalDouble value) {
        return value.isPresent() ? Optional.of(value.getAsDouble()) : Optional.empty();
    }
}
