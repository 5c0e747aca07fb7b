package dev.posenc.bench.report;

/**
 * One upper bound on a row's throughput, in the row's own unit: what the FMA peak, a memory probe with
 * the row's pattern and working set, or a special-function probe over the row's size allows. A
 * ceiling is its probe's best iteration (other work on the machine only ever lowers a probe); the
 * row's ceiling is the lowest of those that apply (a roofline).
 *
 * @param name      e.g. {@code memory}, {@code vector EXP}, {@code FMA peak}
 * @param detail    how it was measured and what it is in the probe's own unit
 * @param perSecond the bound in the row's unit (elements, tokens or FLOPs per second)
 * @param source    the probe measured
 * @param probe     the probe's own rate (its noise), in {@code probeUnit}
 */
record Ceiling(String name, String detail, double perSecond, Probe source, Rate probe, Units probeUnit) {}
