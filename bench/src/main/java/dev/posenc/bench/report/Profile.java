package dev.posenc.bench.report;

import dev.posenc.bench.paired.PairedCalls;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How long the report measures. The quick profile (the default) fits in about six minutes on two quiet cores: plain
 * Java and peers in two forks of 2 × 0.3 s warm-up and 3 × 0.2 s measurement; the vector side in two forks,
 * each warmed until its calls stop allocating (see {@code KernelBenchmark#warmUntilAllocationFree}: C2's
 * compilations take longer on a busy machine) then 1 × 0.2 s more and 3 × 0.2 s measured; the scalar
 * reference, which no headline depends on, in one fork; each probe in two forks of shorter iterations (the memory probe
 * first warmed until allocation-free too: {@code BandwidthBenchmark#warmUntilAllocationFree}; a ceiling is
 * its probe's best iteration, and on this VM the level of a whole fork moves with the machine's phase: twelve forks of
 * the accumulate probe at 16 MiB, back to back, 2026-11-30 21:36, load 2.1–2.2, had best iterations of 3.32–3.59 G
 * elem/s, while the learned kernel it bounds, paired with it in one JVM, ran 0.975–0.995 of it; against two forks of
 * that kernel (slowest iterations 3.29–3.45), one probe fork left the kernel "above its ceiling" in 4.8% of the
 * combinations of those forks, two probe forks in 0.3%; in the first six forks alone, 27% and 5%), and the bandwidth
 * curve in one; the paired guards' and targets' calls in a fresh JVM per group of pairings that share a
 * side (five groups for fifteen pairings), each side set up once, each pairing in 5 pairs of warm-up and 20 measured,
 * each phase at least 0.5 s (the warm-up also until both calls are allocation-free with the JIT idle; a prefill pair
 * takes about 0.2 s). A fork
 * costs about a second before it measures anything, so the quick profile also runs fewer rows
 * ({@code KernelEntry#quick}). The full profile runs every row with longer iterations, every side in two
 * forks but the reference, and paired guards and targets in 20 + 60 pairs (each phase at least 1.5 s).
 */
public enum Profile {
    QUICK(new Timing(2, 2, 300, 3, 200), new Timing(2, 1, 200, 3, 200), new Timing(1, 1, 300, 3, 200),
            new Timing(2, 2, 250, 3, 150), new Timing(1, 1, 300, 3, 150), new Pairs(5, 20, 0.5)),
    FULL(new Timing(2, 3, 1000, 5, 1000), new Timing(2, 3, 1000, 5, 1000), new Timing(1, 3, 1000, 5, 1000),
            new Timing(2, 2, 500, 5, 500), new Timing(1, 2, 500, 3, 500), new Pairs(20, 60, PairedCalls.MIN_SECONDS));

    /** Forks, warm-up iterations and their length, measurement iterations and their length (ms). */
    record Timing(int forks, int warmups, int warmupMillis, int iterations, int iterationMillis) {
        void apply(ChainedOptionsBuilder options) {
            options.forks(forks)
                    .warmupIterations(warmups).warmupTime(TimeValue.milliseconds(warmupMillis))
                    .measurementIterations(iterations).measurementTime(TimeValue.milliseconds(iterationMillis));
        }

        String describe() {
            return forks + (forks == 1 ? " fork" : " forks") + " of " + warmups + " × " + warmupMillis / 1000.0 + " s warm-up, "
                    + iterations + " × " + iterationMillis / 1000.0 + " s measurement";
        }
    }

    /**
     * Unrecorded and recorded pairs of a paired guard's or target's calls, each phase at least {@code minSeconds}, in a
     * fresh JVM per group of pairings that share a side ({@link dev.posenc.bench.paired.PairedGroup}).
     */
    record Pairs(int warm, int pairs, double minSeconds) {
        String describe() {
            return "at least " + warm + " pairs of warm-up and " + pairs + " measured, each phase at least " + minSeconds
                    + " s, alternating which call runs first, in a fresh JVM per group of pairings that share a side";
        }
    }

    private final Timing kernels;
    private final Timing vector;
    private final Timing reference;
    private final Timing probes;
    private final Timing curve;
    private final Pairs pairs;

    Profile(Timing kernels, Timing vector, Timing reference, Timing probes, Timing curve, Pairs pairs) {
        this.kernels = kernels;
        this.vector = vector;
        this.reference = reference;
        this.probes = probes;
        this.curve = curve;
        this.pairs = pairs;
    }

    /** Plain Java and peers: the sides the headline compares the vector side with. */
    Timing kernels() {
        return kernels;
    }

    /** The vector side, after its warm-up until allocation-free. */
    Timing vector() {
        return vector;
    }

    Timing reference() {
        return reference;
    }

    /** The FMA peak and each row's memory and special-function probe. */
    Timing probes() {
        return probes;
    }

    Timing curve() {
        return curve;
    }

    Pairs pairs() {
        return pairs;
    }

    /** Whether the quick parameter restrictions apply. */
    boolean quick() {
        return this == QUICK;
    }

    /** One line saying what the profile runs. */
    public String description() {
        return name().toLowerCase() + " profile: plain Java and peers in " + kernels.describe()
                + "; vector, warmed until allocation-free, then " + vector.describe() + "; the reference in "
                + reference.describe() + "; probes in " + probes.describe() + "; the bandwidth curve in " + curve.describe()
                + "; paired guards and targets in " + pairs.describe();
    }
}
