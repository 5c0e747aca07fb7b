package dev.posenc.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Single-thread out-of-place bandwidth measured over working sets from 16 KiB to 1 GiB, and the memory
 * levels read from it: runs of neighbouring working sets with about the same bandwidth (plateaus),
 * separated where the bandwidth drops. Levels are read from each point's best iteration, which other
 * work on the machine disturbs least. A level is named after the sysfs cache whose size lies in the
 * step that ends it, each cache naming one level (the first); where no sysfs size explains a step, or a
 * sysfs size lies inside a plateau, the report says so rather than trusting either.
 */
record BandwidthCurve(List<Point> points, List<SysfsCache> sysfs) {
    /** A step: bandwidth below this fraction of the previous point's, or of the level's best. */
    static final double STEP = 0.8;
    static final double LEVEL_DROP = 0.7;
    /** The working sets the curve measures: 16 KiB × 2^k up to 1 GiB. */
    static final List<Long> WORKING_SETS = workingSets();

    /** One working set and its bandwidth (bytes/s). */
    record Point(long bytes, Rate bandwidth) {}

    /**
     * A memory level as the curve shows it.
     *
     * @param name      {@code L2}, {@code DRAM}… or a neutral name where sysfs does not explain the step
     * @param from      its smallest measured working set
     * @param to        its largest measured working set
     * @param bandwidth its best bandwidth (best iteration of its best point)
     * @param note      how the name was decided
     */
    record Level(String name, long from, long to, double bandwidth, String note) {
        boolean holds(double bytes) {
            return bytes >= from && bytes <= to;
        }
    }

    BandwidthCurve {
        points = points.stream().sorted(Comparator.comparingLong(Point::bytes)).toList();
        sysfs = List.copyOf(sysfs);
    }

    /** The plateaus, smallest working sets first. */
    List<Level> levels() {
        List<List<Point>> runs = new ArrayList<>();
        for (Point p : points) {
            List<Point> run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (run == null || isStep(run, p)) {
                runs.add(new ArrayList<>(List.of(p)));
            } else {
                run.add(p);
            }
        }
        List<Level> levels = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            List<Point> run = runs.get(i);
            long from = run.get(0).bytes();
            long to = run.get(run.size() - 1).bytes();
            double best = run.stream().mapToDouble(p -> p.bandwidth().max()).max().orElseThrow();
            long next = i + 1 < runs.size() ? runs.get(i + 1).get(0).bytes() : Long.MAX_VALUE;
            levels.add(name(i, from, to, next, best, named));
        }
        return levels;
    }

    /** The level whose measured range holds {@code bytes}, or a description of the step it falls in. */
    String levelOf(double bytes) {
        List<Level> levels = levels();
        for (int i = 0; i < levels.size(); i++) {
            Level level = levels.get(i);
            if (level.holds(bytes) || (i == 0 && bytes < level.from()) || (i == levels.size() - 1 && bytes > level.to())) {
                return level.name();
            }
            if (i + 1 < levels.size() && bytes > level.to() && bytes < levels.get(i + 1).from()) {
                return level.name() + "→" + levels.get(i + 1).name();
            }
        }
        return "—";
    }

    private static boolean isStep(List<Point> run, Point p) {
        double previous = run.get(run.size() - 1).bandwidth().max();
        double best = run.stream().mapToDouble(q -> q.bandwidth().max()).max().orElseThrow();
        double b = p.bandwidth().max();
        return b < STEP * previous || b < LEVEL_DROP * best;
    }

    /**
     * Names level {@code index} measured over {@code [from, to]}, followed by a level starting at {@code next}, after a
     * sysfs cache whose size lies in that step and that names no level before it ({@code named}, to which it is added):
     * where a cache's size is a measured working set, the steps on both sides of that point hold it, and the point at
     * the cache's full size is a level of its own only in part.
     */
    private Level name(int index, long from, long to, long next, double best, Set<String> named) {
        List<SysfsCache> step = sysfs.stream().filter(c -> c.bytes() >= to && c.bytes() <= next).toList();
        Optional<SysfsCache> inStep = step.stream().filter(c -> !named.contains(cache(c))).findFirst();
        List<SysfsCache> taken = step.stream().filter(c -> named.contains(cache(c))).toList();
        inStep.ifPresent(c -> named.add(cache(c)));
        String takenNote = "; sysfs " + listed(taken) + " names the level before";
        List<SysfsCache> inside = sysfs.stream().filter(c -> c.bytes() >= from && c.bytes() < to).toList();
        String insideNote = inside.isEmpty() ? "" : "; sysfs " + listed(inside) + " lies inside this plateau, with no step seen there";
        if (next == Long.MAX_VALUE) {
            boolean beyondCaches = sysfs.stream().allMatch(c -> c.bytes() <= from);
            return new Level(beyondCaches ? "DRAM" : "beyond the last step", from, to, best,
                    (beyondCaches ? "past every sysfs cache" : "not named DRAM: a sysfs cache is not yet exceeded at its start")
                            + insideNote);
        }
        if (inStep.isPresent()) {
            return new Level("L" + inStep.get().level(), from, to, best, "step between " + Units.bytes(to) + " and "
                    + Units.bytes(next) + " matches sysfs " + inStep.get().describe() + insideNote);
        }
        return new Level("level " + (index + 1), from, to, best, "step between " + Units.bytes(to) + " and "
                + Units.bytes(next) + (taken.isEmpty() ? ", where sysfs lists no cache size" : takenNote) + insideNote);
    }

    private static String listed(List<SysfsCache> caches) {
        return String.join(", ", caches.stream().map(SysfsCache::describe).toList());
    }

    /** A cache as the CPUs see it, whichever of them sysfs listed it for. */
    private static String cache(SysfsCache c) {
        return "L" + c.level() + " " + c.type() + " " + c.bytes();
    }

    private static List<Long> workingSets() {
        List<Long> sizes = new ArrayList<>();
        for (long bytes = 16L << 10; bytes <= 1L << 30; bytes *= 2) {
            sizes.add(bytes);
        }
        return List.copyOf(sizes);
    }
}
