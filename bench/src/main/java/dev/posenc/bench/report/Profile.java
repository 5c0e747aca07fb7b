package dev.posenc.bench.report;

import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How long the report measures. The quick profile (the default) fits in about five minutes on two
 * cores: each kernel side in two forks of 2 × 0.45 s warm-up and 3 × 0.2 s measurement (the scalar
 * reference, which no headline depends on, in one), each probe in two forks of shorter iterations,
 * and the bandwidth curve in one. The warm-up must outlast C2: interpreted, a Vector API kernel runs
 * about 1000 times slower and allocates a box per vector, which is what a too short warm-up shows
 * (a wide spread, kilobytes per call). The full profile runs every parameter with longer iterations.
 */
public enum Profile {
    QUICK(new Timing(2, 2, 450, 3, 200), new Timing(1, 2, 450, 3, 200), new Timing(2, 2, 250, 3, 150),
            new Timing(1, 1, 300, 3, 150)),
    FULL(new Timing(2, 3, 1000, 5, 1000), new Timing(1, 3, 1000, 5, 1000), new Timing(2, 2, 500, 5, 500),
            new Timing(1, 2, 500, 3, 500));

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

    private final Timing kernels;
    private final Timing reference;
    private final Timing probes;
    private final Timing curve;

    Profile(Timing kernels, Timing reference, Timing probes, Timing curve) {
        this.kernels = kernels;
        this.reference = reference;
        this.probes = probes;
        this.curve = curve;
    }

    /** Plain Java, vector and peers: the sides the headline compares. */
    Timing kernels() {
        return kernels;
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

    /** Whether the quick parameter restrictions apply. */
    boolean quick() {
        return this == QUICK;
    }

    /** One line saying what the profile runs. */
    public String description() {
        return name().toLowerCase() + " profile: plain Java, vector and peers in " + kernels.describe() + "; the reference in "
                + reference.describe() + "; probes in " + probes.describe() + "; the bandwidth curve in " + curve.describe();
    }
}
