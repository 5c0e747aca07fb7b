package dev.posenc.bench.paired;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pairings of calls of one build ({@link PairedCalls}) that share a side, timed one after the other in a fresh JVM of
 * their own, each distinct side set up once for all the pairings it is in. A fresh JVM per group measures its pairings
 * as the command line does, whatever ran before in the caller (the report's pairings used to run one after the other
 * in the report's JVM, after JMH). A side set up once saves its setup (a 32768-position cache is 256 MiB of Gaussian
 * draws, about 2 s) and its compilation in every pairing after its first; each pairing still alternates its own two
 * sides' calls and warms up as {@link PairedCalls#run} does. Sides calling different methods of one benchmark with the
 * same fields call one object of it ({@link PairedCalls.Side#of}): a decode step, a read of its cache and the step on
 * two threads read one cache.
 */
public final class PairedGroup {
    /** The prefix of the line that carries one pairing's times from the group's JVM to the caller. */
    static final String RESULT = "#paired-times ";

    private PairedGroup() {}

    /** Side A's and B's {@code Benchmark.method[:field=value,...]}, compared call for call or by their rate of a counter. */
    public record Pair(String a, String b, Optional<String> counter) {}

    /** {@code pairs} in groups that share no side, each group in the order of its first pairing, pairings in order. */
    public static List<List<Pair>> groups(List<Pair> pairs) {
        Map<String, Integer> groupOfSide = new HashMap<>();
        List<List<Integer>> groups = new ArrayList<>(); // indices into pairs
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            Integer ga = groupOfSide.get(p.a());
            Integer gb = groupOfSide.get(p.b());
            int g;
            if (ga == null && gb == null) {
                g = groups.size();
                groups.add(new ArrayList<>());
            } else if (ga == null || gb == null || ga.equals(gb)) {
                g = ga != null ? ga : gb;
            } else { // p joins two groups: the later one moves into the earlier one
                g = Math.min(ga, gb);
                int other = Math.max(ga, gb);
                groups.get(g).addAll(groups.get(other));
                groups.get(other).clear();
                groupOfSide.replaceAll((side, group) -> group == other ? g : group);
            }
            groups.get(g).add(i);
            groupOfSide.put(p.a(), g);
            groupOfSide.put(p.b(), g);
        }
        return groups.stream().filter(group -> !group.isEmpty())
                .map(group -> group.stream().sorted().map(pairs::get).toList()).toList();
    }

    /**
     * Times the pairings of {@code group} (sides of the build on {@code classPath}) in a fresh JVM of this JDK, with
     * the Vector API module when this JVM has it, as {@link PairedCalls#time} would, its output but the times going to
     * {@code log}.
     */
    public static Map<Pair, PairedTimes> time(String classPath, List<Pair> group, int warm, int pairs, double minSeconds,
                                              PrintStream log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("-cp", classPath, PairedGroup.class.getName(), String.valueOf(warm), String.valueOf(pairs),
                String.valueOf(minSeconds)));
        for (Pair p : group) {
            command.addAll(List.of(p.a(), p.b(), p.counter().orElse(PairedTimes.CALLS)));
        }
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<Pair, PairedTimes> times = new LinkedHashMap<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(RESULT)) {
                    String[] f = line.substring(RESULT.length()).split(" ");
                    times.put(group.get(Integer.parseInt(f[0])), decode(f));
                } else {
                    log.println(line);
                }
            }
        }
        int status = child.waitFor();
        if (status != 0 || times.size() != group.size()) {
            throw new IllegalStateException("the JVM timing " + group + " exited with status " + status + " after "
                    + times.size() + " of " + group.size() + " pairings (its errors are above)");
        }
        return times;
    }

    /**
     * One pairing's times on one line: index, counter, work per call, conditions (each side's share on a CPU, its
     * threads, its bytes per call; the JIT's milliseconds), A's times, B's times.
     */
    static String encode(int index, PairedTimes t) {
        PairedTimes.Conditions c = t.conditions();
        return RESULT + String.join(" ", String.valueOf(index), t.counter(), Double.toString(t.workA()), Double.toString(t.workB()),
                Double.toString(c.onCpuA()), Double.toString(c.onCpuB()), String.valueOf(c.threadsA()), String.valueOf(c.threadsB()),
                Double.toString(c.bytesA()), Double.toString(c.bytesB()), String.valueOf(c.compileMillis()), csv(t.a()), csv(t.b()));
    }

    static PairedTimes decode(String[] f) {
        PairedTimes.Conditions c = new PairedTimes.Conditions(Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Integer.parseInt(f[6]), Integer.parseInt(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]),
                Long.parseLong(f[10]));
        return new PairedTimes(longs(f[11]), longs(f[12]), f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]), c);
    }

    private static String csv(long[] values) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    private static long[] longs(String csv) {
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /**
     * {@code <warm-up pairs> <pairs> <min seconds> (<side A> <side B> <counter or calls>)...}, over this JVM's class
     * path: every distinct side set up first, then each pairing timed ({@link PairedCalls#run}), its summary printed
     * and its times on a {@link #RESULT} line. Every side is set up before any is timed, so that no setup (and none of
     * the classes it loads, on which an earlier side's compiled code may depend) falls between a pairing's warm-up and
     * its measurement. Why: sides set up as their pairings came, at load 7, an f32 decode side that had run compiled in
     * one pairing allocated 28 MB per call (boxed vectors, so not compiled code) in the next one, beside an F16 side set
     * up just before, with the JIT busy for 2.9 s of that measurement; the cause was not pinned down further.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 6 || args.length % 3 != 0) {
            System.err.println("usage: PairedGroup <warm-up pairs> <pairs> <min seconds> (<Benchmark.method[:f=v,...]> x2 <counter|calls>)...");
            System.exit(2);
        }
        int warm = Integer.parseInt(args[0]);
        int pairs = Integer.parseInt(args[1]);
        long minNanos = (long) (Double.parseDouble(args[2]) * 1e9);
        String classPath = System.getProperty("java.class.path");
        Map<String, PairedCalls.Side> bySpec = new HashMap<>();
        List<PairedCalls.Side> sides = new ArrayList<>();
        try {
            List<PairedCalls.Side[]> pairings = new ArrayList<>();
            for (int i = 3; i < args.length; i += 3) {
                PairedCalls.Side a = side(bySpec, sides, classPath, args[i], null);
                pairings.add(new PairedCalls.Side[] {a, side(bySpec, sides, classPath, args[i + 1], a)});
            }
            for (int p = 0; p < pairings.size(); p++) {
                long start = System.nanoTime();
                String counter = args[3 + 3 * p + 2];
                PairedCalls.Side a = pairings.get(p)[0];
                PairedCalls.Side b = pairings.get(p)[1];
                PairedTimes t = counter.equals(PairedTimes.CALLS) ? PairedCalls.run(a, b, warm, pairs, minNanos)
                        : PairedCalls.run(a, b, warm, pairs, minNanos, counter);
                long objects = sides.stream().map(PairedCalls.Side::benchmark).distinct().count();
                System.out.printf(Locale.ROOT, "paired calls %s ÷ %s (%.1f s; %d sides calling %d benchmark object%s set up for %d"
                        + " pairings): %s%n", args[3 + 3 * p + 1], args[3 + 3 * p], (System.nanoTime() - start) / 1e9, sides.size(),
                        objects, objects == 1 ? "" : "s", pairings.size(), t.summary());
                System.out.println(encode(p, t));
            }
        } finally {
            for (PairedCalls.Side s : sides) {
                s.close();
            }
        }
    }

    /**
     * The side of {@code spec}, made on its first use, calling the benchmark object of a side already made that calls
     * another method of it with the same fields ({@link PairedCalls.Side#of}); a new one with an object of its own when
     * it is {@code other} (a call paired with itself).
     */
    private static PairedCalls.Side side(Map<String, PairedCalls.Side> bySpec, List<PairedCalls.Side> sides, String classPath,
                                         String spec, PairedCalls.Side other) throws Exception {
        PairedCalls.Side s = bySpec.get(spec);
        if (s == null || s == other) {
            s = s == null ? PairedCalls.Side.of(classPath, spec, sides) : new PairedCalls.Side(classPath, spec);
            sides.add(s);
            bySpec.putIfAbsent(spec, s);
        }
        return s;
    }
}
