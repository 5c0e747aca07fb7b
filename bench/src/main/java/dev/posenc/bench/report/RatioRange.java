package dev.posenc.bench.report;

import dev.posenc.bench.paired.PairedTimes;
import java.util.Locale;

/**
 * A ratio of two measurements and the range their noise leaves it: {@code low ≤ median ≤ high}. It
 * clears a threshold only when even {@code low} does, misses it only when even {@code high} does not;
 * otherwise noise decides nothing either way.
 */
record RatioRange(double median, double low, double high) {
    enum Against { ABOVE, BELOW, STRADDLES }

    RatioRange {
        if (!(low <= median && median <= high)) {
            throw new IllegalArgumentException("need low <= median <= high, was " + low + ", " + median + ", " + high);
        }
    }

    /** {@code a ÷ b}: the medians' ratio, between the least ({@code a.min ÷ b.max}) and most favourable pairing. */
    static RatioRange of(Rate a, Rate b) {
        return new RatioRange(a.median() / b.median(), a.min() / b.max(), a.max() / b.min());
    }

    /** {@code a ÷ bound}, for a bound known as one number (a ceiling: its probe's best iteration). */
    static RatioRange of(Rate a, double bound) {
        return new RatioRange(a.median() / bound, a.min() / bound, a.max() / bound);
    }

    /** Paired calls' speed ratio: its median between its quartiles. */
    static RatioRange of(PairedTimes t) {
        return new RatioRange(t.medianSpeed(), t.lowerQuartile(), t.upperQuartile());
    }

    Against against(double minimum) {
        return low >= minimum ? Against.ABOVE : high < minimum ? Against.BELOW : Against.STRADDLES;
    }

    /** E.g. {@code 1.05 (0.83–1.39)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median, low, high);
    }
}
