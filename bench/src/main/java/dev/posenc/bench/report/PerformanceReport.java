package dev.posenc.bench.report;

import dev.posenc.bench.PeakBenchmark;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.RunnerException;

/**
 * The performance report: measures this machine's limits ({@link PeakBenchmark}), then every selected
 * kernel family as reference and vector, printing each family's rows as soon as they are measured;
 * then writes {@code jmh.json}, {@code report.md}, {@code machine.md} and {@code chart.png} into one
 * folder.
 */
public final class PerformanceReport {
    static final String JSON = "jmh.json";
    static final String MARKDOWN = "report.md";
    static final String MACHINE = "machine.md";
    static final String CHART = "chart.png";

    private final ReportOptions options;
    private final String command;
    private final PrintStream out;

    public PerformanceReport(ReportOptions options, String command, PrintStream out) {
        this.options = options;
        this.command = command;
        this.out = out;
    }

    /** Runs the report on the selected entries of {@code catalog}. */
    public void run(List<KernelEntry> catalog) throws IOException, InterruptedException, RunnerException {
        List<KernelEntry> entries = options.select(catalog);
        long start = System.nanoTime();
        Files.createDirectories(options.out());
        out.println("posenc report: " + options.profile().description());
        out.println("kernels: " + entries.stream().map(KernelEntry::name).toList() + "; results: " + options.out());
        try (MachineLock _ = MachineLock.acquire(out)) {
            Machine machine = Machine.describe();
            out.println();
            out.print(machine.toMarkdown());

            JmhSession jmh = new JmhSession(options.profile());
            Limits limits = Limits.from(measured(jmh.run(PeakBenchmark.class, Map.of())));
            MarkdownTable limitsTable = ReportTables.limits(limits, machine);
            out.println();
            out.print(limitsTable);

            List<KernelRow> rows = new ArrayList<>();
            for (KernelEntry entry : entries) {
                List<KernelRow> entryRows = KernelRow.of(entry, measured(jmh.run(entry.benchmark(), entry.quickParams())), limits);
                rows.addAll(entryRows);
                out.println();
                out.print(ReportTables.kernels(entryRows));
            }

            MarkdownTable kernelTable = ReportTables.kernels(rows);
            write(jmh.results(), machine, limitsTable, kernelTable, rows);
            out.println();
            out.println("== posenc report, " + options.profile().name().toLowerCase() + " profile, " + machine.oneLine());
            out.print(limitsTable);
            out.println();
            out.print(kernelTable);
        }
        out.println();
        out.printf("wrote %s: %s, %s, %s, %s (%.1f min)%n", options.out(), JSON, MARKDOWN, MACHINE, CHART,
                (System.nanoTime() - start) / 60e9);
    }

    private void write(List<RunResult> results, Machine machine, MarkdownTable limits, MarkdownTable kernels,
                       List<KernelRow> rows) throws IOException {
        Path dir = options.out();
        try (PrintStream json = new PrintStream(Files.newOutputStream(dir.resolve(JSON)), false, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(results);
        }
        String machineMarkdown = "# Machine\n\n" + machine.toMarkdown() + "\n## Limits measured in this run\n\n" + limits;
        Files.writeString(dir.resolve(MACHINE), machineMarkdown);
        ReportChart.write(rows, machine, dir.resolve(CHART));
        Files.writeString(dir.resolve(MARKDOWN), """
                # posenc performance report

                `%s` (%s), %s.

                ## Kernels

                %s
                ![Speed-up and fraction of the limit per kernel](%s)

                ## Machine

                %s
                ## This machine's limits (single thread, measured in the same run)

                %s
                %s""".formatted(command, options.profile().description(), machine.date().toLocalDate(), kernels, CHART,
                machine.toMarkdown(), limits, guide()));
    }

    private static List<Measurement> measured(Collection<RunResult> results) {
        return results.stream().<Measurement>map(JmhMeasurement::new).toList();
    }

    /** "How to read this report", shipped beside this class. */
    private static String guide() {
        try (InputStream in = PerformanceReport.class.getResourceAsStream("reading-the-report.md")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
