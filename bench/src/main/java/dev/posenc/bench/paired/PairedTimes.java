package dev.posenc.bench.paired;

import java.util.Arrays;
import java.util.Locale;

/**
 * The times of alternating pairs of calls, A's and B's in nanoseconds, and B's speed over A's per pair
 * ({@code tA / tB}): its median and quartiles (the {@code n/4}-th and {@code 3n/4}-th of the sorted
 * ratios) are what {@link PairedCalls} prints and what the report's paired guards decide on.
 */
public record PairedTimes(long[] a, long[] b) {
    public PairedTimes {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("need as many A times as B times, at least one, was " + a.length + " and " + b.length);
        }
        a = a.clone();
        b = b.clone();
    }

    /** B's speed ÷ A's, pair by pair, sorted. */
    double[] speeds() {
        double[] speed = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            speed[i] = (double) a[i] / b[i];
        }
        Arrays.sort(speed);
        return speed;
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
        long[] sa = a.clone();
        long[] sb = b.clone();
        Arrays.sort(sa);
        Arrays.sort(sb);
        int n = a.length;
        return String.format(Locale.ROOT, "%s median %.3f ms (fastest %.3f), %s median %.3f ms (fastest %.3f)",
                nameA, sa[n / 2] / 1e6, sa[0] / 1e6, nameB, sb[n / 2] / 1e6, sb[0] / 1e6);
    }

    /** The summary line: each side's median and fastest call, and B's speed over A's, paired: median and quartiles. */
    public String summary() {
        return times("A", "B") + String.format(Locale.ROOT, "; B's speed ÷ A's, paired: median %.3f, quartiles %.3f–%.3f, %d pairs",
                medianSpeed(), lowerQuartile(), upperQuartile(), pairs());
    }
}
