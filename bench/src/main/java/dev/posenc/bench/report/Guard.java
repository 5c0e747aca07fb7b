package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A check the report makes on its own rows, to keep an explained anomaly from coming back: a ratio of
 * two rows measured in the same run (which carries over between machines, unlike absolute figures),
 * or the absence of allocation. An {@code open} guard watches an anomaly nobody has fixed yet: it is
 * reported but does not fail the run.
 */
public sealed interface Guard {
    String name();

    /** Why the guard exists (the anomaly, and where it is explained). */
    String why();

    /** Whether the anomaly is still open (reported, never failing the run). */
    boolean open();

    Verdict check(List<KernelRow> rows);

    /** {@code INCONCLUSIVE}: the rows' ranges straddle the threshold (noise decides nothing either way). */
    enum Status { PASS, FAIL, OPEN, INCONCLUSIVE, NOT_MEASURED }

    record Verdict(Status status, String detail) {}

    /** A row by kernel and shape, as the report prints them. */
    record Row(String kernel, String shape) {
        Optional<KernelRow> in(List<KernelRow> rows) {
            return rows.stream().filter(r -> r.kernel().equals(kernel) && r.shape().equals(shape)).findFirst();
        }

        @Override
        public String toString() {
            return kernel + " " + shape;
        }
    }

    /**
     * The vector throughput of {@code numerator} is at least {@code minimum} × that of {@code denominator}:
     * passes when even the least favourable pairing of their ranges clears it, fails when even the most
     * favourable one does not, and is inconclusive in between.
     */
    record Ratio(String name, String why, Row numerator, Row denominator, double minimum, boolean open) implements Guard {
        @Override
        public Verdict check(List<KernelRow> rows) {
            Optional<Rate> a = numerator.in(rows).flatMap(r -> r.side(Implementation.vector)).map(KernelRow.Side::throughput);
            Optional<Rate> b = denominator.in(rows).flatMap(r -> r.side(Implementation.vector)).map(KernelRow.Side::throughput);
            if (a.isEmpty() || b.isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, numerator + " ÷ " + denominator + " not both in this run");
            }
            double ratio = a.get().median() / b.get().median();
            double worst = a.get().min() / b.get().max();
            double best = a.get().max() / b.get().min();
            String detail = String.format(Locale.ROOT, "%s ÷ %s = %.2f (%.2f–%.2f; needs ≥ %.2f)", numerator, denominator,
                    ratio, worst, best, minimum);
            Status status = worst >= minimum ? Status.PASS : best < minimum ? (open ? Status.OPEN : Status.FAIL) : Status.INCONCLUSIVE;
            return new Verdict(status, detail);
        }
    }

    /** The vector side of {@code row} allocates less than {@link KernelRow#ALLOCATES} bytes per call. */
    record NoAllocation(String name, String why, Row row, boolean open) implements Guard {
        @Override
        public Verdict check(List<KernelRow> rows) {
            Optional<KernelRow.Side> side = row.in(rows).flatMap(r -> r.side(Implementation.vector));
            if (side.isEmpty() || side.get().allocationPerCall().isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, row + " not in this run");
            }
            double bytes = side.get().allocationPerCall().getAsDouble();
            String detail = row + ": " + Math.round(bytes) + " B/call over " + Math.round(side.get().callsPerIteration()) + " calls/iteration";
            if (bytes >= KernelRow.ALLOCATES && side.get().callsPerIteration() < KernelRow.CONCLUSIVE_CALLS) {
                return new Verdict(Status.INCONCLUSIVE, detail + " (too few calls to tell the kernel's allocation from JMH's)");
            }
            boolean allocates = row.in(rows).orElseThrow().allocates(Implementation.vector);
            return new Verdict(!allocates ? Status.PASS : open ? Status.OPEN : Status.FAIL, detail);
        }
    }
}
