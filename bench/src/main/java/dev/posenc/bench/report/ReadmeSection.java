package dev.posenc.bench.report;

import java.util.stream.Collectors;

/** The generated part of the README's Performance section: where the run was made, and its headline tables. */
final class ReadmeSection {
    private ReadmeSection() {}

    static String of(PerformanceReport.Report r, String command, String profile) {
        Machine m = r.machine();
        String levels = r.curve().levels().stream()
                .map(l -> l.name() + " " + Units.bytes(l.from()) + "–" + Units.bytes(l.to()) + " ≈ " + Units.BYTES.format(l.bandwidth()))
                .collect(Collectors.joining("; "));
        return """
                A run of `%s` (%s) at commit `%s` on %s, on %s with %s (%s); load average before: %s; after: %s.
                Everything it wrote is in [`docs/performance/`](docs/performance/): `report.md` (every table, the ceilings of each row,
                how to read them), `machine.md`, `jmh.json` (every iteration) and the two charts. Peer: %s.

                **Absolute figures vary by machine; the ratios (speed-ups, fraction of each row's ceiling) are what carry over.**

                Memory levels as the measured curve shows them (best iteration; cache sizes as sysfs reports them: %s): %s.
                Single-thread FMA peak, measured: %s.

                %s
                ![Each kernel against its ceiling](docs/performance/chart.png)

                ![Bandwidth by working set, with the kernels' working sets](docs/performance/bandwidth.png)

                %s
                KV-cache targets (issue 13), from the same run:

                %s""".formatted(command, profile, m.commit(), m.date().toLocalDate(), m.cpu(), m.cores(), m.preferredVector(),
                m.loadBefore(), m.loadAfter(), r.peer(), m.caches().replaceFirst(" — .*", ""), levels,
                Units.FLOPS.format(r.probes().fma().max()), ReportTables.kernels(r.rows()), ReportTables.guards(r.verdicts()),
                ReportTables.targets(r.targets()));
    }
}
