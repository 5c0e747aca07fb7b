package dev.posenc.bench.report;

import java.util.Map;
import java.util.Optional;

/**
 * The ceilings measured in this run: the single-thread FMA peak (FLOP/s), which every run measures, and
 * each other {@link Probe}'s rate (FLOP/s for the FMA peak on several threads, bytes/s for memory,
 * elements/s for a special function).
 */
record ProbeResults(Rate fma, Map<Probe, Rate> rates) {
    ProbeResults {
        if (fma == null) {
            throw new IllegalArgumentException("fma, the single-thread FMA peak, must be measured, was null");
        }
    }

    Optional<Rate> of(Probe probe) {
        return probe.equals(Probe.fma(1)) ? Optional.of(fma) : Optional.ofNullable(rates.get(probe));
    }
}
