package dev.posenc.bench.report;

import dev.posenc.bench.paired.PairedTimes;
import java.util.List;
import java.util.Map;

/**
 * What one report run measured, that guards and targets are checked against: the rows set against their
 * ceilings, the probes, and the calls timed in pairs for paired guards and targets.
 */
record Measured(List<KernelRow> rows, ProbeResults probes, Map<Pairing, PairedTimes> pairs) {}
