package dev.posenc.bench.report;

import dev.posenc.bench.paired.PairedTimes;

/** Paired times standing in for {@link dev.posenc.bench.paired.PairedCalls}' with given speed ratios. */
final class FakePairs {
    private FakePairs() {}

    /** A's calls of 1 ms, B's of 1 ms ÷ each of {@code speeds}, so that the pairs' speeds (B's over A's) are {@code speeds}. */
    static PairedTimes withSpeeds(double... speeds) {
        long[] a = new long[speeds.length];
        long[] b = new long[speeds.length];
        for (int i = 0; i < speeds.length; i++) {
            a[i] = 1_000_000;
            b[i] = Math.round(1_000_000 / speeds[i]);
        }
        return new PairedTimes(a, b);
    }
}
