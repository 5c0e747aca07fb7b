package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import dev.posenc.bench.paired.PairedTimes;
import java.util.Locale;
import java.util.Optional;

/**
 * A check the report makes on what it measured, to keep an explained anomaly from coming back: a ratio
 * of two rows measured in the same run (which carries over between machines, unlike absolute figures),
 * a ratio of two benchmark calls timed alternately in one JVM, or the absence of allocation. An
 * {@code open} guard watches an anomaly nobody has fixed yet: it is reported but does not fail the run.
 */
public sealed interface Guard {
    String name();

    /** Why the guard exists (the anomaly, and where it is explained). */
    String why();

    /** Whether the anomaly is still open (reported, never failing the run). */
    boolean open();

    Verdict check(Measured run);

    /** {@code INCONCLUSIVE}: the ratio's range straddles the threshold (noise decides nothing either way). */
    enum Status { PASS, FAIL, OPEN, INCONCLUSIVE, NOT_MEASURED }

    record Verdict(Status status, String detail) {}

    /** PASS when the range clears {@code minimum}, FAIL (OPEN if the guard is) when it misses, else INCONCLUSIVE. */
    private static Status decide(RatioRange ratio, double minimum, boolean open) {
        return switch (ratio.against(minimum)) {
            case ABOVE -> Status.PASS;
            case BELOW -> open ? Status.OPEN : Status.FAIL;
            case STRADDLES -> Status.INCONCLUSIVE;
        };
    }

    /**
     * The vector throughput of {@code numerator} is at least {@code minimum} × that of {@code denominator}
     * ({@link RatioRange#of(Rate, Rate)}: decided by the least and most favourable pairing of their ranges).
     */
    record Ratio(String name, String why, RowId numerator, RowId denominator, double minimum, boolean open) implements Guard {
        @Override
        public Verdict check(Measured run) {
            Optional<Rate> a = numerator.in(run.rows()).flatMap(r -> r.side(Implementation.vector)).map(KernelRow.Side::throughput);
            Optional<Rate> b = denominator.in(run.rows()).flatMap(r -> r.side(Implementation.vector)).map(KernelRow.Side::throughput);
            if (a.isEmpty() || b.isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, numerator + " ÷ " + denominator + " not both in this run");
            }
            RatioRange ratio = RatioRange.of(a.get(), b.get());
            return new Verdict(decide(ratio, minimum, open),
                    String.format(Locale.ROOT, "%s ÷ %s = %s; needs ≥ %.2f", numerator, denominator, ratio, minimum));
        }
    }

    /**
     * Benchmark call {@code numerator} runs at least {@code minimum} × as fast as {@code denominator} (each
     * {@code Benchmark.method[:field=value,...]} of this build, see {@link dev.posenc.bench.paired.PairedCalls}),
     * timed in alternating pairs in one JVM, where both see the same phase of the machine: decided by the
     * quartiles of the paired speed ratios (INCONCLUSIVE when a side shared its CPU,
     * {@link PairedTimes.Conditions#shared}). Measured only when the report runs catalogue entry {@code kernel}.
     */
    record Paired(String name, String why, String kernel, String numerator, String denominator, double minimum, boolean open)
            implements Guard {
        /** The calls to time. */
        public Pairing calls() {
            return Pairing.calls(kernel, numerator, denominator);
        }

        @Override
        public Verdict check(Measured run) {
            PairedTimes t = run.pairs().get(calls());
            if (t == null) {
                return new Verdict(Status.NOT_MEASURED, calls() + " not timed in this run");
            }
            String detail = String.format(Locale.ROOT, "%s, %s; needs ≥ %.2f (%s)", calls(), t.describe(), minimum,
                    t.times("denominator", "numerator"));
            Optional<String> undecided = t.conditions().undecided();
            return undecided.map(why -> new Verdict(Status.INCONCLUSIVE, detail + "; " + why))
                    .orElseGet(() -> new Verdict(decide(RatioRange.of(t), minimum, open), detail));
        }
    }

    /** The vector side of {@code row} allocates less than {@link KernelRow#ALLOCATES} bytes per call. */
    record NoAllocation(String name, String why, RowId row, boolean open) implements Guard {
        @Override
        public Verdict check(Measured run) {
            Optional<KernelRow.Side> side = row.in(run.rows()).flatMap(r -> r.side(Implementation.vector));
            if (side.isEmpty() || side.get().allocationPerCall().isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, row + " not in this run");
            }
            double bytes = side.get().allocationPerCall().getAsDouble();
            String detail = row + ": " + Math.round(bytes) + " B/call over " + Math.round(side.get().callsPerIteration()) + " calls/iteration";
            if (bytes >= KernelRow.ALLOCATES && !KernelRow.ownAllocation(side.get())) {
                return new Verdict(Status.INCONCLUSIVE, detail + " (too few calls to tell the kernel's allocation from JMH's)");
            }
            boolean allocates = row.in(run.rows()).orElseThrow().allocates(Implementation.vector);
            return new Verdict(!allocates ? Status.PASS : open ? Status.OPEN : Status.FAIL, detail);
        }
    }
}
