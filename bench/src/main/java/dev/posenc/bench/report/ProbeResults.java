package dev.posenc.bench.report;

import java.util.Map;
import java.util.Optional;

/**
 * The ceilings measured in this run: the single-thread FMA peak (FLOP/s), and each {@link Probe}'s
 * rate (bytes/s for memory, elements/s for a special function).
 */
record ProbeResults(Rate fma, Map<Probe, Rate> rates) {

    Optional<Rate> of(Probe probe) {
        return Optional.ofNullable(rates.get(probe));
    }
}
