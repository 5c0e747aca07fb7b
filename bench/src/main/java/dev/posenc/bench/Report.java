package dev.posenc.bench;

import dev.posenc.bench.report.KernelEntry;
import dev.posenc.bench.report.PerformanceReport;
import dev.posenc.bench.report.ReportOptions;

/**
 * {@code ./posenc report}: the performance report of every kernel in the {@link Catalog} on this
 * machine (see {@link PerformanceReport}), with the guards and targets of the {@link Catalog}. Usage:
 * {@link ReportOptions#USAGE}. Exits with status 3 when a guard of {@link Catalog#GUARDS} fails (an anomaly
 * that was fixed is back); targets never fail the run.
 */
public final class Report {
    private Report() {}

    public static void main(String[] args) throws Exception {
        if (java.util.List.of(args).contains("--help") || java.util.List.of(args).contains("-h")) {
            System.out.println(ReportOptions.USAGE);
            return;
        }
        ReportOptions options;
        try {
            options = ReportOptions.parse(args);
            options.select(Catalog.KERNELS);
        } catch (IllegalArgumentException e) {
            System.err.println("report: " + e.getMessage());
            System.err.println(ReportOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.list()) {
            Catalog.KERNELS.forEach(e -> System.out.println(e.name() + "\t" + e.benchmark().getSimpleName() + "\tquick: "
                    + e.quickParams() + (e.quickAlso().isEmpty() ? "" : " and " + e.quickAlso())));
            return;
        }
        boolean passed = new PerformanceReport(options, ("./posenc report " + String.join(" ", args)).strip(), System.out)
                .run(Catalog.KERNELS, Catalog.GUARDS, Catalog.TARGETS);
        if (!passed) {
            System.exit(3);
        }
    }
}
