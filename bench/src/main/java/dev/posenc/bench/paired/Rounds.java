package dev.posenc.bench.paired;

/**
 * The times of rounds of calls of several sides ({@link PairedCalls#run(java.util.List, int, int, long)}), in
 * nanoseconds per call, {@code times[side][round]}, and each side's median share of its time on a CPU and bytes
 * allocated per call, and the milliseconds the JIT compiled meanwhile ({@link PairedTimes.Conditions}).
 */
record Rounds(long[][] times, double[] onCpu, double[] bytes, long compileMillis) {
    /** Side {@code a}'s and side {@code b}'s calls, round by round, as pairs: A's times and B's, and their conditions. */
    PairedTimes pair(int a, int b) {
        return new PairedTimes(times[a], times[b])
                .in(new PairedTimes.Conditions(onCpu[a], onCpu[b], bytes[a], bytes[b], compileMillis));
    }
}
