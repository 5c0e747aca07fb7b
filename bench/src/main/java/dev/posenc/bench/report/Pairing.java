package dev.posenc.bench.report;

import java.util.Optional;

/**
 * Two calls of this build to time in alternating pairs in one JVM ({@link dev.posenc.bench.paired.PairedGroup}):
 * each {@code Benchmark.method[:field=value,...]}, the denominator as side A, the numerator as B, timed when the report
 * runs catalogue entry {@code kernel}. With a {@code counter} ({@code flops}), each side's speed is its work per call
 * as its benchmark counts it ÷ its time, so that calls doing different work compare as rates; without one, calls
 * compare call for call (sides that do the same work, e.g. a decode step and a read of its own cache).
 */
public record Pairing(String kernel, String numerator, String denominator, Optional<String> counter) {
    /** Calls compared call for call. */
    public static Pairing calls(String kernel, String numerator, String denominator) {
        return new Pairing(kernel, numerator, denominator, Optional.empty());
    }

    /** Calls compared by their rate of {@code counter} (work per call ÷ time). */
    public static Pairing rates(String kernel, String numerator, String denominator, String counter) {
        return new Pairing(kernel, numerator, denominator, Optional.of(counter));
    }

    /** E.g. {@code A.a ÷ B.b}. */
    @Override
    public String toString() {
        return numerator + " ÷ " + denominator;
    }
}
