package dev.posenc.bench.paired;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The times of alternating pairs of calls, A's and B's in nanoseconds, the work each side's call does
 * ({@code workA}, {@code workB} of {@code counter}: {@code calls}, one each, unless the sides do different
 * work, e.g. {@code flops}), and B's speed over A's per pair, {@code (workB / tB) ÷ (workA / tA)}: its median and
 * quartiles (the {@code n/4}-th and {@code 3n/4}-th of the sorted ratios) are what {@link PairedCalls} prints
 * and what the report's paired guards and targets decide on; {@code conditions}, what else went on meanwhile.
 */
public record PairedTimes(long[] a, long[] b, String counter, double workA, double workB, Conditions conditions) {
    /** The counter of sides compared call for call. */
    public static final String CALLS = "calls";

    /**
     * What went on while the pairs were measured, for each side: the lower quartile over its timings of the share of
     * its wall time × its {@code threads} (its method's {@link CallThreads}, else 1) that its threads spent on a CPU
     * ({@code NaN}: not measured; see {@code PairedCalls.Side#cpuTime} for which threads count), and the median of the
     * bytes it allocated per call; and the milliseconds the JIT compiled. A side off its CPUs for a tenth of that time
     * shared them with other work, so its time is not all its own: a two-thread side whose second thread got no CPU
     * (the 03:55 run of 2026-11-30 paired prefill on two threads ÷ one at 1.01, its calling thread on a CPU all the
     * time, where a direct pairing a minute later gave 1.93) is on its CPUs for about half of it. A side that
     * allocates a kilobyte per call is not yet compiled: a Vector API call that enters interpreted boxes its vectors.
     * Code compiled meanwhile may have changed under a side.
     */
    public record Conditions(double onCpuA, double onCpuB, int threadsA, int threadsB, double bytesA, double bytesB,
                             long compileMillis) {
        /** Not measured (times made up, e.g. by a test). */
        public static final Conditions UNKNOWN = new Conditions(Double.NaN, Double.NaN, 1, 1, Double.NaN, Double.NaN, 0);
        /** Below this share of its wall time × its threads on a CPU, a side counts as having shared its CPUs. */
        public static final double ON_CPU = 0.9;

        public Conditions {
            if (threadsA < 1 || threadsB < 1) {
                throw new IllegalArgumentException("a side runs on at least one thread, was " + threadsA + " and " + threadsB);
            }
        }

        /**
         * Whether a side spent less than {@link #ON_CPU} of its wall time × its threads on a CPU (never when not
         * measured): then its time was partly someone else's, and the pairs decide nothing. On two threads this
         * cannot tell a second thread descheduled from one that waited by design (an uneven split, a hand-off), but
         * the latter cannot meet a scaling target of 1.9× anyway: threads on a CPU for less than 0.9 of 2 × the wall
         * time do less than 1.8 one-thread calls' work in it, unless the split does less work than one thread.
         */
        public boolean shared() {
            return onCpuA < ON_CPU || onCpuB < ON_CPU;
        }

        /**
         * Whether a side allocated {@link PairedCalls#ALLOCATION_FREE} bytes or more per call (never when not
         * measured): then some of its vector code ran as boxed objects, not as compiled vector instructions. Where
         * the warm-up's wait did not end it, it is a state of that JVM: in 1 of 8 JVMs timing f32 decode at 4096
         * positions beside the read probe (2026-11-29, load 1.6), C2 compiled {@code OnlineSoftmax.tile} before any
         * receiver profile reached {@code FloatVector.max}'s call of {@code lanewise} (the method had run at tier 2,
         * which does not profile, while the JIT's queue was long): that call stayed virtual, its vectors boxed,
         * 1.6 MB per decode call, for the rest of the JVM.
         */
        public boolean allocated() {
            return bytesA >= PairedCalls.ALLOCATION_FREE || bytesB >= PairedCalls.ALLOCATION_FREE;
        }

        /**
         * Why pairs measured in these conditions decide nothing ({@link #shared}, {@link #allocated}), or empty when
         * they may.
         */
        public Optional<String> undecided() {
            if (shared()) {
                boolean threads = onCpuA < ON_CPU && threadsA > 1 || onCpuB < ON_CPU && threadsB > 1;
                return Optional.of(offCpu() + String.format(Locale.ROOT, ", below %.0f%% (%s): these pairs do not decide",
                        100 * ON_CPU, threads ? "a thread of it did not get a CPU, or waited" : "it shared the CPU"));
            }
            return allocated() ? Optional.of(String.format(Locale.ROOT, "a side allocated %.0f B or more per call (vectors"
                    + " boxed, not compiled): these pairs do not decide", PairedCalls.ALLOCATION_FREE)) : Optional.empty();
        }

        /**
         * E.g. {@code on a CPU in 3 timings of 4: A 99%, B 52% (2 threads) of the time; allocated A 0, B 12 B/call;
         * JIT 0 ms}, with what it suggests when a side shared its CPU or allocated ({@link PairedCalls#ALLOCATION_FREE}),
         * or empty when not measured.
         */
        public String describe() {
            if (Double.isNaN(onCpuA)) {
                return "";
            }
            return String.format(Locale.ROOT, "on a CPU in 3 timings of 4: A %s, B %s of the time; allocated A %.0f, B %.0f"
                            + " B/call; JIT %d ms%s%s",
                    share(onCpuA, threadsA), share(onCpuB, threadsB), bytesA, bytesB, compileMillis,
                    shared() ? " (a side shared its CPU or did not get a CPU for each of its threads)" : "",
                    allocated() ? " (a side allocated: not compiled yet?)" : "");
        }

        /**
         * E.g. {@code side B was on a CPU for 52% or less of 2 threads × its wall time in a quarter of its timings}: the
         * sides below {@link #ON_CPU}.
         */
        private String offCpu() {
            List<String> sides = new ArrayList<>();
            if (onCpuA < ON_CPU) {
                sides.add(offCpu("A", onCpuA, threadsA));
            }
            if (onCpuB < ON_CPU) {
                sides.add(offCpu("B", onCpuB, threadsB));
            }
            return String.join(" and ", sides);
        }

        private static String offCpu(String side, double onCpu, int threads) {
            return String.format(Locale.ROOT, "side %s was on a CPU for %.0f%% or less of %s in a quarter of its timings", side,
                    100 * onCpu, threads > 1 ? threads + " threads × its wall time" : "its time");
        }

        private static String share(double onCpu, int threads) {
            return String.format(Locale.ROOT, "%.0f%%", 100 * onCpu) + (threads > 1 ? " (" + threads + " threads)" : "");
        }
    }

    public PairedTimes {
        Objects.requireNonNull(conditions);
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("need as many A times as B times, at least one, was " + a.length + " and " + b.length);
        }
        if (!(workA > 0 && workB > 0 && Double.isFinite(workA) && Double.isFinite(workB))) {
            throw new IllegalArgumentException("work per call must be positive and finite, was " + workA + " and " + workB);
        }
        a = a.clone();
        b = b.clone();
    }

    /** Calls compared call for call, conditions unknown. */
    public PairedTimes(long[] a, long[] b) {
        this(a, b, CALLS, 1, 1, Conditions.UNKNOWN);
    }

    /** The same times, each side's call doing {@code workA} and {@code workB} of {@code counter}. */
    public PairedTimes per(String counter, double workA, double workB) {
        return new PairedTimes(a, b, counter, workA, workB, conditions);
    }

    /** The same times, measured in {@code conditions}. */
    public PairedTimes in(Conditions conditions) {
        return new PairedTimes(a, b, counter, workA, workB, conditions);
    }

    /** B's speed ÷ A's, pair by pair, sorted. */
    double[] speeds() {
        double[] speed = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            speed[i] = (double) a[i] / b[i] * (workB / workA);
        }
        Arrays.sort(speed);
        return speed;
    }

    /** A's work per second at its median call (calls per second when compared call for call). */
    public double rateA() {
        return workA * 1e9 / sorted(a)[a.length / 2];
    }

    public int pairs() {
        return a.length;
    }

    public double medianSpeed() {
        return speeds()[a.length / 2];
    }

    public double lowerQuartile() {
        return speeds()[a.length / 4];
    }

    public double upperQuartile() {
        return speeds()[3 * a.length / 4];
    }

    /** E.g. {@code A median 0.140 ms (fastest 0.131), B median 0.138 ms (fastest 0.130)} for names A and B. */
    public String times(String nameA, String nameB) {
        long[] sa = sorted(a);
        long[] sb = sorted(b);
        int n = a.length;
        return String.format(Locale.ROOT, "%s median %.3f ms (fastest %.3f), %s median %.3f ms (fastest %.3f)",
                nameA, sa[n / 2] / 1e6, sa[0] / 1e6, nameB, sb[n / 2] / 1e6, sb[0] / 1e6);
    }

    /** E.g. {@code speed} or, for sides doing different work, {@code flops/s (A 3.9e+05, B 2.1e+09 flops per call)}. */
    public String measure() {
        return counter.equals(CALLS) ? "speed"
                : String.format(Locale.ROOT, "%s/s (A %.3g, B %.3g %s per call)", counter, workA, workB, counter);
    }

    /**
     * E.g. {@code speed over 30 alternating pairs in one JVM: median 1.012, quartiles 0.981–1.049}, and the conditions:
     * three decimals, so that a quartile just below a target's minimum does not print as the minimum (the published run
     * of 2026-11-30 00:43 showed prefill on two threads INCONCLUSIVE at "quartiles 1.90–2.03" against ≥ 1.90).
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s over %d alternating pairs in one JVM: median %.3f, quartiles %.3f–%.3f", measure(),
                pairs(), medianSpeed(), lowerQuartile(), upperQuartile()) + conditionsAfter("; ");
    }

    /**
     * The summary line: each side's median and fastest call, B's speed over A's, paired: median and quartiles, and
     * the conditions.
     */
    public String summary() {
        return times("A", "B") + String.format(Locale.ROOT, "; B's %s ÷ A's, paired: median %.3f, quartiles %.3f–%.3f, %d pairs",
                measure(), medianSpeed(), lowerQuartile(), upperQuartile(), pairs()) + conditionsAfter("; ");
    }

    private static long[] sorted(long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    private String conditionsAfter(String separator) {
        String c = conditions.describe();
        return c.isEmpty() ? "" : separator + c;
    }
}
