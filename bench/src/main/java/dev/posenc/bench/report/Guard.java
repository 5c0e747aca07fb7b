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

    enum Status { PASS, FAIL, OPEN, NOT_MEASURED }

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

    /** The vector throughput of {@code numerator} is at least {@code minimum} × that of {@code denominator}. */
    record Ratio(String name, String why, Row numerator, Row denominator, double minimum, boolean open) implements Guard {
        @Override
        public Verdict check(List<KernelRow> rows) {
            Optional<KernelRow> a = numerator.in(rows);
            Optional<KernelRow> b = denominator.in(rows);
            if (a.flatMap(r -> r.side(Implementation.vector)).isEmpty() || b.flatMap(r -> r.side(Implementation.vector)).isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, numerator + " ÷ " + denominator + " not both in this run");
            }
            double ratio = a.get().side(Implementation.vector).orElseThrow().throughput().median()
                    / b.get().side(Implementation.vector).orElseThrow().throughput().median();
            String detail = String.format(Locale.ROOT, "%s ÷ %s = %.2f (needs ≥ %.2f)", numerator, denominator, ratio, minimum);
            return new Verdict(ratio >= minimum ? Status.PASS : open ? Status.OPEN : Status.FAIL, detail);
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
            boolean allocates = row.in(rows).orElseThrow().allocates(Implementation.vector);
            return new Verdict(!allocates ? Status.PASS : open ? Status.OPEN : Status.FAIL,
                    row + ": " + Math.round(bytes) + " B/call over " + Math.round(side.get().callsPerIteration()) + " calls/iteration");
        }
    }
}
