package dev.posenc.bench.report;

import dev.posenc.bench.MemoryLevel;
import dev.posenc.bench.PeakBenchmark;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** The report's two tables: the machine's limits, and the kernels against them. */
final class ReportTables {
    private static final String NONE = "—";

    private ReportTables() {}

    static MarkdownTable limits(Limits limits, Machine machine) {
        MarkdownTable table = new MarkdownTable("Limit (single thread)", "How it is measured", "Working set", "Measured");
        table.add("FMA peak", "fp32 FMA, " + machine.preferredVector() + ", "
                + PeakBenchmark.class.getSimpleName() + ".fma", NONE, Units.FLOPS.format(limits.fmaFlops()));
        for (MemoryLevel level : MemoryLevel.values()) {
            table.add(level + " bandwidth", "y = s·x sweep, " + PeakBenchmark.SWEEP_BYTES_PER_ELEMENT + " B/element",
                    Units.bytes(level.probeBytes()), Units.BYTES.format(limits.bandwidth().get(level)));
        }
        return table;
    }

    static MarkdownTable kernels(List<KernelRow> rows) {
        MarkdownTable table = new MarkdownTable("Kernel", "Shape", "Working set", "Reference", "Vector", "Speed-up",
                "Limit", "Reference of limit", "Vector of limit", "Vector alloc/call");
        for (KernelRow row : rows) {
            Limits.Limit limit = row.limit();
            table.add(row.kernel(), row.shape(),
                    limit.level() == null ? NONE : Units.bytes(limit.workingSetBytes()) + " (" + limit.level() + ")",
                    throughput(row, row.reference()), throughput(row, row.vector()),
                    format(row.speedup(), Units::times),
                    limit.name() + " " + limit.unit().format(limit.perSecond()),
                    ofLimit(row.reference(), limit), ofLimit(row.vector(), limit),
                    row.vector().flatMap(s -> box(s.allocationPerCall())).map(b -> Math.round(b) + " B").orElse(NONE));
        }
        return table;
    }

    private static String throughput(KernelRow row, Optional<KernelRow.Side> side) {
        return side.map(s -> row.unit().format(s.throughput())).orElse(NONE);
    }

    /** E.g. {@code 17% (24.8 GB/s)}. */
    private static String ofLimit(Optional<KernelRow.Side> side, Limits.Limit limit) {
        return side.map(s -> Units.percent(s.fractionOf(limit)) + " (" + limit.unit().format(s.limitRate()) + ")")
                .orElse(NONE);
    }

    private static String format(OptionalDouble value, java.util.function.DoubleFunction<String> format) {
        return value.isPresent() ? format.apply(value.getAsDouble()) : NONE;
    }

    private static Optional<Double> box(OptionalDouble value) {
        return value.isPresent() ? Optional.of(value.getAsDouble()) : Optional.empty();
    }
}
