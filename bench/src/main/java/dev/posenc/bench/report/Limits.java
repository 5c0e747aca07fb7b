package dev.posenc.bench.report;

import dev.posenc.bench.MemoryLevel;
import dev.posenc.bench.PeakBenchmark;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * This machine's single-thread limits as the peak probe measured them in this run: fp32 FMA
 * throughput (FLOP/s) and streaming bandwidth (bytes/s) per {@link MemoryLevel}. Each is the best
 * measurement iteration, not the median: a limit is what the hardware can do, and interference from
 * other work only ever lowers it.
 */
record Limits(double fmaFlops, Map<MemoryLevel, Double> bandwidth) {

    /** Reads the results of {@link PeakBenchmark}. */
    static Limits from(Collection<Measurement> peak) {
        double fma = Double.NaN;
        Map<MemoryLevel, Double> bandwidth = new EnumMap<>(MemoryLevel.class);
        for (Measurement m : peak) {
            switch (m.method()) {
                case "fma" -> fma = m.bestPerSecond("flops");
                case "sweep" -> bandwidth.put(MemoryLevel.valueOf(m.shapeParams().get("level")),
                        m.bestPerSecond("elements") * PeakBenchmark.SWEEP_BYTES_PER_ELEMENT);
                default -> throw new IllegalArgumentException("unknown peak benchmark " + m.method());
            }
        }
        if (Double.isNaN(fma) || bandwidth.size() != MemoryLevel.values().length) {
            throw new IllegalArgumentException("the peak probe did not measure every limit: FMA " + fma + ", bandwidth " + bandwidth);
        }
        return new Limits(fma, Map.copyOf(bandwidth));
    }

    /** The limit a kernel of that cost and working set is held to. */
    Limit of(Cost cost, double workingSetBytes) {
        return switch (cost) {
            case Cost.Compute c -> new Limit(c.threads() == 1 ? "FMA peak" : c.threads() + "× FMA peak",
                    c.threads() * fmaFlops, Units.FLOPS, Double.NaN, null);
            case Cost.Memory m -> {
                MemoryLevel level = MemoryLevel.holding(workingSetBytes);
                yield new Limit(level + " bandwidth", bandwidth.get(level), Units.BYTES, workingSetBytes, level);
            }
        };
    }

    /**
     * One limit: its name, value (per second, in {@code unit}), and for memory-bound kernels the
     * working set that chose the level.
     */
    record Limit(String name, double perSecond, Units unit, double workingSetBytes, MemoryLevel level) {}
}
