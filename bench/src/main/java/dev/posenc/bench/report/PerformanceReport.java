package dev.posenc.bench.report;

import dev.posenc.bench.AccessPattern;
import dev.posenc.bench.BandwidthBenchmark;
import dev.posenc.bench.Implementation;
import dev.posenc.bench.PeakBenchmark;
import dev.posenc.bench.SpecialFunctionBenchmark;
import dev.posenc.bench.jlama.JlamaProbe;
import dev.posenc.bench.paired.PairedGroup;
import dev.posenc.bench.paired.PairedTimes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.RunnerException;

/**
 * The performance report: the bandwidth curve; then every selected kernel family on each side
 * (reference, plain Java, vector, and the peer where it has the kernel), printing each family's rows as
 * soon as they are measured; then the probes each row's ceilings need (the FMA peak, a memory probe with
 * the row's pattern and working set, a special-function probe over its size, each on the row's threads);
 * then the calls of paired guards and targets timed alternately (in a fresh JVM per group of pairings that
 * share a call), the rows set against their ceilings, the guards, the targets, and {@code jmh.json},
 * {@code report.md}, {@code machine.md}, {@code chart.png} and {@code bandwidth.png} in one folder.
 */
public final class PerformanceReport {
    static final String JSON = "jmh.json";
    static final String MARKDOWN = "report.md";
    static final String MACHINE = "machine.md";
    static final String CHART = "chart.png";
    static final String CURVE = "bandwidth.png";

    /** Probes by kind, then pattern or function, then threads: each probe's thread counts one after the other. */
    private static final Comparator<Probe> ORDER = Comparator.comparing(Probe::kind).thenComparing(Probe::name)
            .thenComparingInt(Probe::threads);

    private final ReportOptions options;
    private final String command;
    private final PrintStream out;

    public PerformanceReport(ReportOptions options, String command, PrintStream out) {
        this.options = options;
        this.command = command;
        this.out = out;
    }

    /**
     * Runs the report on the selected entries of {@code catalog}, then checks {@code guards} and {@code targets};
     * returns whether every guard that must pass passed.
     */
    public boolean run(List<KernelEntry> catalog, List<Guard> guards, List<Target> targets) throws Exception {
        List<KernelEntry> entries = options.select(catalog);
        long start = System.nanoTime();
        Files.createDirectories(options.out());
        Profile profile = options.profile();
        out.println("posenc report, " + profile.description());
        out.println("kernels: " + entries.stream().map(KernelEntry::name).toList() + "; results: " + options.out());
        Report report;
        Map<String, Double> times = new LinkedHashMap<>();
        try (MachineLock _ = MachineLock.acquire(out)) {
            Machine machine = Machine.describe();
            out.println();
            out.print(machine.toMarkdown());
            JmhSession jmh = new JmhSession();
            long partStart = System.nanoTime();

            BandwidthCurve curve = curve(jmh, profile, machine);
            out.println();
            out.print(ReportTables.curve(curve));
            partStart = timed(times, "curve", partStart);

            Optional<String> peerProblem = JlamaProbe.problem();
            peerProblem.ifPresent(p -> out.println("\npeer Jlama skipped: it cannot load here (" + p + ")"));
            List<RowGroup> groups = new ArrayList<>();
            for (KernelEntry entry : entries) {
                List<Measurement> results = new ArrayList<>();
                for (Implementation side : List.of(Implementation.reference, Implementation.plain, Implementation.vector)) {
                    Profile.Timing timing = switch (side) {
                        case reference -> profile.reference();
                        case vector -> profile.vector();
                        default -> profile.kernels();
                    };
                    for (KernelEntry.Run run : entry.runsOf(side, profile.quick())) {
                        results.addAll(measured(jmh.run(entry.benchmark(), run.methods(), run.params(), timing)));
                    }
                }
                for (KernelEntry.Peer peer : entry.peers()) {
                    if (peerProblem.isEmpty()) {
                        for (KernelEntry.Run run : entry.runsOf(peer.impl(), profile.quick())) {
                            Map<String, List<String>> params = new LinkedHashMap<>(run.params());
                            peer.params().forEach((k, v) -> params.put(k, List.of(v)));
                            results.addAll(measured(jmh.run(entry.benchmark(), peer.methods(), params, profile.kernels())));
                        }
                    }
                }
                List<RowGroup> entryGroups = RowGroup.of(entry, results);
                groups.addAll(entryGroups);
                out.println();
                out.print(ReportTables.measured(entryGroups));
                partStart = timed(times, entry.name(), partStart);
            }

            Map<Probe, Rate> rates = probes(jmh, profile, groups);
            ProbeResults probes = new ProbeResults(rates.remove(Probe.fma(1)), rates);
            partStart = timed(times, "probes", partStart);
            Map<Pairing, PairedTimes> pairs = pairs(guards, targets, entries, profile);
            timed(times, "paired calls", partStart);
            Measured measured = new Measured(groups.stream().map(g -> KernelRow.of(g, probes)).toList(), probes, pairs);
            Map<Guard, Guard.Verdict> verdicts = new LinkedHashMap<>();
            guards.forEach(g -> verdicts.put(g, g.check(measured)));
            Map<Target, Target.Verdict> met = new LinkedHashMap<>();
            targets.forEach(t -> met.put(t, t.check(measured)));
            report = new Report(machine.withLoadAfter(), curve, probes, measured.rows(), verdicts, met, jmh.results(),
                    peerProblem.map(p -> "Jlama could not load: " + p).orElseGet(JlamaProbe::describe));
        }
        write(report);
        out.println();
        out.println("== posenc report, " + profile.name().toLowerCase() + " profile, " + report.machine().oneLine());
        out.print(ReportTables.kernels(report.rows()));
        out.println();
        out.print(ReportTables.guards(report.verdicts()));
        out.println();
        out.println("KV-cache targets (issue 13):");
        out.print(ReportTables.targets(report.targets()));
        out.println();
        out.println("load before: " + report.machine().loadBefore() + "; after: " + report.machine().loadAfter());
        out.println("time by part: " + times.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.0f s", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
        out.printf("wrote %s: %s, %s, %s, %s, %s (%.1f min)%n", options.out(), JSON, MARKDOWN, MACHINE, CHART, CURVE,
                (System.nanoTime() - start) / 60e9);
        if (options.publish()) {
            Publication.publish(options.out(), Path.of("docs", "performance"), Path.of("README.md"),
                    ReadmeSection.of(report, command, profile.name().toLowerCase() + " profile"));
            out.println("published: docs/performance/ and the README's Performance tables");
        }
        boolean passed = report.verdicts().values().stream().noneMatch(v -> v.status() == Guard.Status.FAIL);
        if (!passed) {
            out.println("report: a guard FAILED (see above): an anomaly that was fixed is back");
        }
        return passed;
    }

    /** Records the seconds since {@code since} as {@code part}'s time; returns now. */
    private static long timed(Map<String, Double> times, String part, long since) {
        long now = System.nanoTime();
        times.put(part, (now - since) / 1e9);
        return now;
    }

    /** Everything one run measured. */
    record Report(Machine machine, BandwidthCurve curve, ProbeResults probes, List<KernelRow> rows,
                  Map<Guard, Guard.Verdict> verdicts, Map<Target, Target.Verdict> targets, List<RunResult> results, String peer) {}

    /**
     * Times the calls of each {@link Guard.Paired} guard and {@link Target.Paired} target whose kernel family is
     * selected, each pairing once: denominator as A, numerator as B, each side in its own class loader over this
     * build's class path, in a fresh JVM per group of pairings that share a side ({@link PairedGroup}), so that
     * nothing this JVM ran before (JMH, other pairings) shapes their figures.
     */
    private Map<Pairing, PairedTimes> pairs(List<Guard> guards, List<Target> targets, List<KernelEntry> entries, Profile profile)
            throws Exception {
        List<Pairing> paired = new ArrayList<>();
        guards.forEach(g -> { if (g instanceof Guard.Paired p) paired.add(p.calls()); });
        targets.forEach(t -> { if (t instanceof Target.Paired p) paired.add(p.calls()); });
        Map<PairedGroup.Pair, Pairing> calls = new LinkedHashMap<>();
        paired.stream().filter(p -> entries.stream().anyMatch(e -> e.name().equals(p.kernel())))
                .forEach(p -> calls.putIfAbsent(new PairedGroup.Pair(p.denominator(), p.numerator(), p.counter()), p));
        Map<Pairing, PairedTimes> pairs = new LinkedHashMap<>();
        String classPath = System.getProperty("java.class.path");
        for (List<PairedGroup.Pair> group : PairedGroup.groups(List.copyOf(calls.keySet()))) {
            out.println("\npaired calls, " + group.size() + (group.size() == 1 ? " pairing: " : " pairings sharing a side: ")
                    + profile.pairs().describe());
            PairedGroup.time(classPath, group, profile.pairs().warm(), profile.pairs().pairs(), profile.pairs().minSeconds(), out)
                    .forEach((pair, times) -> pairs.put(calls.get(pair), times));
        }
        return pairs;
    }

    private BandwidthCurve curve(JmhSession jmh, Profile profile, Machine machine) throws RunnerException {
        Map<String, List<String>> params = Map.of("pattern", List.of(AccessPattern.OUT_OF_PLACE.name()),
                "bytes", BandwidthCurve.WORKING_SETS.stream().map(String::valueOf).toList());
        List<BandwidthCurve.Point> points = new ArrayList<>();
        for (Measurement m : measured(jmh.run(BandwidthBenchmark.class, "sweep", params, profile.curve()))) {
            points.add(new BandwidthCurve.Point(Long.parseLong(m.shapeParams().get("bytes")), m.rate("bytes")));
        }
        return new BandwidthCurve(points, SysfsCache.read());
    }

    /**
     * Runs every probe the rows need, once each, in {@link #ORDER}: the FMA peak on one thread and right after it
     * on each thread count a row runs on (adjacent, so that their ratio, the machine's scaling, sees one phase of a
     * shared machine), then each memory pattern at its working sets (one JMH run per pattern and thread count, each
     * thread sweeping its share of the working set), then each special function at its sizes.
     */
    private static Map<Probe, Rate> probes(JmhSession jmh, Profile profile, List<RowGroup> groups) throws RunnerException {
        Set<Probe> needed = new LinkedHashSet<>();
        needed.add(Probe.fma(1));
        groups.forEach(g -> needed.addAll(g.probes()));
        Map<Probe, Rate> rates = new HashMap<>();
        Map<Probe, List<Probe>> memory = new LinkedHashMap<>();
        for (Probe p : needed.stream().sorted(ORDER).toList()) {
            switch (p.kind()) {
                case FMA -> rates.put(p, measured(jmh.run(PeakBenchmark.class, "fma", Map.of(), profile.probes(), p.threads()))
                        .get(0).rate("flops"));
                case SPECIAL -> rates.put(p, measured(jmh.run(SpecialFunctionBenchmark.class, "apply", Map.of("function",
                        List.of(p.name()), "elements", List.of(String.valueOf(p.sizePerThread()))), profile.probes(), p.threads()))
                        .get(0).rate("elements"));
                case MEMORY -> memory.computeIfAbsent(new Probe(p.kind(), p.name(), 0, p.threads()), k -> new ArrayList<>()).add(p);
            }
        }
        for (Map.Entry<Probe, List<Probe>> run : memory.entrySet()) {
            Map<String, Probe> byBytes = new LinkedHashMap<>();
            run.getValue().forEach(p -> byBytes.put(String.valueOf(p.sizePerThread()), p));
            Map<String, List<String>> params = Map.of("pattern", List.of(run.getKey().name()), "bytes", List.copyOf(byBytes.keySet()));
            for (Measurement m : measured(jmh.run(BandwidthBenchmark.class, "sweep", params, profile.probes(), run.getKey().threads()))) {
                rates.put(byBytes.get(m.shapeParams().get("bytes")), m.rate("bytes"));
            }
        }
        return rates;
    }

    private void write(Report r) throws IOException {
        Path dir = options.out();
        try (PrintStream json = new PrintStream(Files.newOutputStream(dir.resolve(JSON)), false, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(r.results());
        }
        String machine = "# Machine\n\n" + r.machine().toMarkdown() + "\n## Memory levels, measured\n\n" + ReportTables.curve(r.curve())
                + "\n![Bandwidth curve](" + CURVE + ")\n\n## Ceilings measured in this run\n\n" + ReportTables.ceilings(r.rows());
        Files.writeString(dir.resolve(MACHINE), machine);
        KernelChart.write(r.rows(), r.machine().oneLine(), dir.resolve(CHART));
        CurveChart.write(r.curve(), r.rows(), r.machine().oneLine(), dir.resolve(CURVE));
        Files.writeString(dir.resolve(MARKDOWN), """
                # posenc performance report

                `%s` (%s), %s. Peer: %s.

                ## Kernels

                %s
                ![Each kernel against its ceiling](%s)

                ## Guards

                %s
                ## KV-cache targets (issue 13)

                %s
                ## Ceilings (a roofline per row, measured in this run)

                %s
                ## Memory levels, from the measured bandwidth curve

                %s
                ![Bandwidth curve with the kernels' working sets](%s)

                ## Machine

                %s
                %s""".formatted(command, options.profile().description(), r.machine().date().toLocalDate(), r.peer(),
                ReportTables.kernels(r.rows()), CHART, ReportTables.guards(r.verdicts()), ReportTables.targets(r.targets()),
                ReportTables.ceilings(r.rows()),
                ReportTables.curve(r.curve()), CURVE, r.machine().toMarkdown(), guide()));
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
