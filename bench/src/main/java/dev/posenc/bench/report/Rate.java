package dev.posenc.bench.report;

/**
 * A rate measured over several iterations (all forks together): the median, which the report quotes,
 * and the range, which shows the noise.
 */
record Rate(double median, double min, double max) {
    /** Rows whose range exceeds this fraction of their median are flagged as noisy. */
    static final double NOISY = 0.10;

    Rate {
        if (!(min <= median && median <= max)) {
            throw new IllegalArgumentException("need min <= median <= max, was " + min + ", " + median + ", " + max);
        }
    }

    /** A rate measured once (or with no spread). */
    static Rate of(double value) {
        return new Rate(value, value, value);
    }

    /** {@code (max − min) / median}. */
    double spread() {
        return (max - min) / median;
    }

    boolean noisy() {
        return spread() > NOISY;
    }

    /** The same rate times {@code factor} (a unit conversion). */
    Rate times(double factor) {
        return factor >= 0 ? new Rate(median * factor, min * factor, max * factor)
                : new Rate(median * factor, max * factor, min * factor);
    }
}
