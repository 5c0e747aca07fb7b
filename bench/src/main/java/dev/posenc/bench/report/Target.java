package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import dev.posenc.bench.paired.PairedTimes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A speed target (issue 13's), checked like a {@link Guard} on what the same run measured, but never
 * failing the run: met or missed with the measured ratio and its range ({@link RatioRange}), or above
 * what the machine allows, shown by the probes that prove it. The catalogue's targets are {@link Paired}:
 * decided on calls alternating in one JVM, with the same target read from the JMH rows beside it.
 */
public sealed interface Target {
    String name();

    /** What the target asks, e.g. {@code ≥ 0.70 of the read probe}. */
    String needs();

    /** The ratio the target asks for at least. */
    double minimum();

    Verdict check(Measured run);

    /** The ceiling this run measured for the target's kernel, if the target is a share of one ({@link OfCeiling}). */
    default Optional<Ceiling> ceiling(Measured run) {
        return Optional.empty();
    }

    /** Whether this run's probes show that no code could meet the target here (see {@link Scaling}). */
    default boolean aboveHardware(Measured run) {
        return false;
    }

    /**
     * {@code INCONCLUSIVE}: the ratio's range straddles the threshold; {@code ABOVE_HARDWARE}: missed, and the
     * machine's own ceilings in this run do not allow it.
     */
    enum Status {
        MET, MISSED, ABOVE_HARDWARE, INCONCLUSIVE, NOT_MEASURED;

        /** E.g. {@code ABOVE HARDWARE}. */
        String label() {
            return name().replace('_', ' ');
        }
    }

    /** {@code context}: what else the run says about it (a paired target: the JMH rows' verdict), or {@code —}. */
    record Verdict(Status status, String detail, String context) {
        Verdict(Status status, String detail) {
            this(status, detail, "—");
        }
    }

    private static Status decide(RatioRange ratio, double minimum) {
        return switch (ratio.against(minimum)) {
            case ABOVE -> Status.MET;
            case BELOW -> Status.MISSED;
            case STRADDLES -> Status.INCONCLUSIVE;
        };
    }

    private static Optional<Rate> vector(RowId row, Measured run) {
        return row.in(run.rows()).flatMap(r -> r.side(Implementation.vector)).map(KernelRow.Side::throughput);
    }

    /**
     * The vector side of {@code row} reaches {@code minimum} of its ceiling named {@code ceiling} ({@code memory},
     * {@code FMA peak}): its throughput over the probe's best iteration, the range from its own.
     */
    record OfCeiling(String name, RowId row, String ceiling, double minimum) implements Target {
        @Override
        public String needs() {
            return String.format(Locale.ROOT, "≥ %.2f of its %s probe", minimum, ceiling);
        }

        @Override
        public Optional<Ceiling> ceiling(Measured run) {
            return row.in(run.rows()).flatMap(k -> k.ceilings().stream().filter(x -> x.name().equals(ceiling)).findFirst());
        }

        @Override
        public Verdict check(Measured run) {
            Optional<Ceiling> c = ceiling(run);
            Optional<Rate> rate = vector(row, run);
            if (rate.isEmpty() || c.isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, row + (rate.isEmpty() ? " not in this run" : " has no " + ceiling + " probe"));
            }
            RatioRange ratio = RatioRange.of(rate.get(), c.get().perSecond());
            double inProbeUnit = rate.get().median() * c.get().probe().max() / c.get().perSecond();
            return new Verdict(decide(ratio, minimum), c.get().probeUnit().format(inProbeUnit) + " ÷ " + c.get().detail()
                    + " = " + ratio);
        }
    }

    /** The vector side of {@code numerator} runs at least {@code minimum} × as fast as that of {@code denominator}. */
    record Speedup(String name, RowId numerator, RowId denominator, double minimum) implements Target {
        @Override
        public String needs() {
            return String.format(Locale.ROOT, "≥ %.2f×", minimum);
        }

        @Override
        public Verdict check(Measured run) {
            Optional<Rate> a = vector(numerator, run);
            Optional<Rate> b = vector(denominator, run);
            if (a.isEmpty() || b.isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, (a.isEmpty() ? numerator : denominator) + " not in this run");
            }
            RatioRange ratio = RatioRange.of(a.get(), b.get());
            Units unit = numerator.in(run.rows()).orElseThrow().unit();
            return new Verdict(decide(ratio, minimum), unit.format(a.get().median()) + " ÷ " + unit.format(b.get().median())
                    + " = " + ratio);
        }
    }

    /**
     * The vector side of {@code twoThreads} runs at least {@code minimum} × as fast as that of {@code oneThread},
     * beside what the machine allows: each of the one-thread row's ceilings' probes run on {@code threads} threads
     * ÷ on one, and the ratio of the rooflines they give ({@code min} over ceilings on {@code threads} threads ÷ the
     * same on one, best iterations), and this kernel's headroom: the {@code threads}-thread roofline ÷ its one-thread
     * speed. Missing the target is {@code ABOVE_HARDWARE} only when that headroom is below it: then no code could
     * reach it here. A kernel below its one-thread ceiling has more headroom than the machine's scaling, so a miss
     * there stays {@code MISSED}.
     */
    record Scaling(String name, RowId twoThreads, RowId oneThread, int threads, double minimum) implements Target {
        public Scaling {
            if (threads < 2) {
                throw new IllegalArgumentException("threads must be at least 2, was " + threads);
            }
        }

        @Override
        public String needs() {
            return String.format(Locale.ROOT, "≥ %.2f× (%d threads ÷ 1)", minimum, threads);
        }

        /** The row's ceilings on one thread and on {@code threads}: each probe's scaling, and the lowest of each. */
        private record Roofs(List<String> hardware, double one, double many) {
            boolean known() {
                return !hardware.isEmpty() && !Double.isNaN(many);
            }
        }

        private Roofs roofs(Measured run) {
            List<String> hardware = new ArrayList<>();
            double oneRoof = Double.POSITIVE_INFINITY;
            double manyRoof = Double.POSITIVE_INFINITY;
            for (Ceiling c : oneThread.in(run.rows()).map(KernelRow::ceilings).orElse(List.of())) {
                Optional<Rate> many = run.probes().of(c.source().onThreads(threads));
                if (many.isEmpty()) {
                    manyRoof = Double.NaN;
                    continue;
                }
                hardware.add(c.source().describe() + " on " + threads + " threads ÷ 1 = " + RatioRange.of(many.get(), c.probe()));
                oneRoof = Math.min(oneRoof, c.perSecond());
                manyRoof = Math.min(manyRoof, c.perSecond() * many.get().max() / c.probe().max());
            }
            return new Roofs(hardware, oneRoof, manyRoof);
        }

        /** The {@code threads}-thread ceiling ÷ this kernel's one-thread speed is below the target. */
        @Override
        public boolean aboveHardware(Measured run) {
            Roofs roofs = roofs(run);
            Optional<Rate> one = vector(oneThread, run);
            return roofs.known() && one.isPresent() && roofs.many() / one.get().median() < minimum;
        }

        @Override
        public Verdict check(Measured run) {
            Roofs roofs = roofs(run);
            Optional<Rate> a = vector(twoThreads, run);
            Optional<Rate> b = vector(oneThread, run);
            String allows = !roofs.known() ? "the machine's scaling not measured in this run"
                    : String.format(Locale.ROOT,
                            "the machine allows %.2f× to a kernel at its ceiling (%s); %d-thread ceiling ÷ this kernel's 1-thread speed %s",
                            roofs.many() / roofs.one(), String.join(", ", roofs.hardware()), threads,
                            b.map(r -> Units.times(roofs.many() / r.median())).orElse("—"));
            if (a.isEmpty() || b.isEmpty()) {
                return new Verdict(Status.NOT_MEASURED, (a.isEmpty() ? twoThreads : oneThread) + " not in this run; " + allows);
            }
            RatioRange ratio = RatioRange.of(a.get(), b.get());
            Status status = decide(ratio, minimum);
            return new Verdict(status != Status.MET && aboveHardware(run) ? Status.ABOVE_HARDWARE : status, ratio + "; " + allows);
        }
    }

    /**
     * Target {@code rows} decided on paired calls: {@code calls}' numerator ÷ denominator, speed per call or rate of
     * its counter, timed alternately in one JVM ({@link dev.posenc.bench.paired.PairedGroup}) where both see the same
     * phase of a shared machine, must reach {@code rows}' minimum: MET, MISSED or INCONCLUSIVE on the quartiles of
     * the paired ratios ({@code ABOVE_HARDWARE} when not met and {@code rows} shows the machine cannot allow it). {@code rows}' own verdict on
     * the JMH rows (separate JVMs, often in different phases) is given beside it for context. {@code against} says
     * what the numerator is set against, e.g. {@code a read of the step's own K/V}. Where the denominator is the probe of
     * {@code rows}' ceiling, it must run at {@value #PROBE_SHARE} or more of that probe's rate in this run's own probes
     * (JMH, best iteration), else the pairs do not decide (INCONCLUSIVE): a JVM where both sides ran slow inflates or
     * deflates their ratio (the 22:07 run of 2026-11-29 paired prefill with an FMA probe at 6 µs per call, 0.42 of
     * the probes' 155 GFLOP/s, and gave 0.72, against 0.54 with the probe at 3 µs). Nor do pairs in which a side
     * shared its CPU ({@link PairedTimes.Conditions#shared}).
     */
    record Paired(Target rows, Pairing calls, String against) implements Target {
        /** The least share of its own rate at which a paired probe is trusted. */
        public static final double PROBE_SHARE = 0.75;

        public Paired {
            if (rows instanceof Paired) {
                throw new IllegalArgumentException("rows must be a target read from rows, was paired: " + rows.name());
            }
        }

        @Override
        public String name() {
            return rows.name();
        }

        @Override
        public String needs() {
            return rows.needs() + ", paired against " + against;
        }

        @Override
        public double minimum() {
            return rows.minimum();
        }

        @Override
        public boolean aboveHardware(Measured run) {
            return rows.aboveHardware(run);
        }

        @Override
        public Verdict check(Measured run) {
            Verdict context = rows.check(run);
            String beside = context.status().label() + ": " + context.detail();
            PairedTimes t = run.pairs().get(calls);
            if (t == null) {
                return new Verdict(Status.NOT_MEASURED, calls + " not timed in this run", beside);
            }
            Status status = decide(RatioRange.of(t), minimum());
            String detail = String.format(Locale.ROOT, "%s, %s (%s)", calls, t.describe(), t.times("denominator", "numerator"));
            Optional<Ceiling> probe = rows.ceiling(run);
            double share = probe.map(c -> t.rateA() / c.perSecond()).orElse(Double.NaN);
            if (share < PROBE_SHARE) {
                return new Verdict(Status.INCONCLUSIVE, detail + String.format(Locale.ROOT, "; the probe side ran at %.2f of"
                        + " this run's %s probe (needs ≥ %.2f): a slowed JVM, so these pairs do not decide", share,
                        probe.get().name(), PROBE_SHARE), beside);
            }
            Optional<String> undecided = t.conditions().undecided();
            if (undecided.isPresent()) {
                return new Verdict(Status.INCONCLUSIVE, detail + "; " + undecided.get(), beside);
            }
            return new Verdict(status != Status.MET && aboveHardware(run) ? Status.ABOVE_HARDWARE : status, detail, beside);
        }
    }
}
