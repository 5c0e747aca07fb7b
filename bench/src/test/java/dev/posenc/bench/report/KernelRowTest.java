package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.AccessPattern;
import dev.posenc.bench.Implementation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The roofline arithmetic and the flags, on fake measurements (nothing is timed). */
class KernelRowTest {
    static final Map<String, String> SHAPE = Map.of("rows", "512", "cols", "1024");
    static final double ELEMENTS = 512 * 1024;
    static final KernelEntry SOFTMAX = KernelEntry.of("softmax", Object.class, Cost.memory(AccessPattern.OUT_OF_PLACE).with("EXP", 1))
            .shape(p -> p.get("rows") + "×" + p.get("cols"));

    static FakeMeasurement side(String impl, Rate elementsPerSecond) {
        return FakeMeasurement.of("softmax", impl, SHAPE, "elements", elementsPerSecond, ELEMENTS);
    }

    static ProbeResults probes(Rate memoryBytes, Rate exp) {
        return new ProbeResults(Rate.of(200e9), Map.of(
                Probe.memory(AccessPattern.OUT_OF_PLACE, (long) ELEMENTS * 8), memoryBytes,
                Probe.special("EXP", (long) ELEMENTS), exp));
    }

    static KernelRow softmax(ProbeResults probes, FakeMeasurement... sides) {
        List<RowGroup> groups = RowGroup.of(SOFTMAX, List.of(sides));
        assertEquals(1, groups.size());
        return KernelRow.of(groups.get(0), probes);
    }

    @Test
    void theCeilingIsTheLowestOfThoseThatApplyEachFromItsProbesBestIteration() {
        // Memory: 80 GB/s best ÷ 8 B/element = 10 G elem/s; exp: 6 G elem/s best → exp binds.
        KernelRow row = softmax(probes(new Rate(70e9, 60e9, 80e9), new Rate(5e9, 4e9, 6e9)),
                side("plain", new Rate(0.5e9, 0.49e9, 0.51e9)), side("vector", new Rate(4.5e9, 4.4e9, 4.6e9)),
                side("reference", Rate.of(0.1e9)));
        assertEquals(4 * 1024 * 1024, row.workingSet());
        assertEquals(2, row.ceilings().size());
        assertEquals("vector EXP", row.ceiling().orElseThrow().name());
        assertEquals(6e9, row.ceiling().orElseThrow().perSecond(), 1);
        assertEquals(0.75, row.fractionOfCeiling(Implementation.vector).orElseThrow(), 1e-12);
        assertEquals(9.0, row.ratio(Implementation.vector, Implementation.plain).orElseThrow(), 1e-12);
        assertEquals(45.0, row.ratio(Implementation.vector, Implementation.reference).orElseThrow(), 1e-12);
        assertEquals(4.5e9 * 8, row.bandwidth(Implementation.vector).orElseThrow(), 1);
        assertTrue(ReportTables.flags(row).isEmpty());

        KernelRow memoryBound = softmax(probes(new Rate(30e9, 25e9, 32e9), new Rate(5e9, 4e9, 6e9)),
                side("vector", new Rate(3.6e9, 3.5e9, 3.7e9)));
        assertEquals("memory", memoryBound.ceiling().orElseThrow().name());
        assertEquals(4e9, memoryBound.ceiling().orElseThrow().perSecond(), 1);
        assertEquals(0.9, memoryBound.fractionOfCeiling(Implementation.vector).orElseThrow(), 1e-12);
    }

    @Test
    void aSideWhoseEveryIterationBeatsTheCeilingByMoreThanTheProbesSpreadIsAMeasurementProblemNotAPercentage() {
        // Memory binds: 32 GB/s best ÷ 8 B/element = 4 G elem/s; the probe's spread (32 − 31) ÷ 31.5 = 3.2%.
        ProbeResults probes = probes(new Rate(31.5e9, 31e9, 32e9), new Rate(50e9, 50e9, 50e9));
        KernelRow within = softmax(probes, side("vector", new Rate(4.1e9, 3.9e9, 4.3e9)));      // overlaps: noise
        assertFalse(within.aboveCeiling(Implementation.vector));
        KernelRow atTheCeiling = softmax(probes, side("vector", new Rate(4.11e9, 4.1e9, 4.12e9))); // slowest 2.5% above
        assertFalse(atTheCeiling.aboveCeiling(Implementation.vector));
        assertTrue(ReportTables.kernels(List.of(atTheCeiling)).toString().contains("103%"));
        assertTrue(ReportTables.flags(atTheCeiling).isEmpty());
        KernelRow above = softmax(probes, side("vector", new Rate(4.5e9, 4.2e9, 4.6e9)));       // slowest 5% above
        assertTrue(above.aboveCeiling(Implementation.vector));
        assertTrue(ReportTables.kernels(List.of(above)).toString().contains("above ceiling: check"));
        assertTrue(ReportTables.flags(above).contains("vector above its ceiling: measurement problem"));
        KernelRow aboveAQuietProbe = softmax(probes(Rate.of(32e9), Rate.of(50e9)), side("vector", new Rate(4.11e9, 4.1e9, 4.12e9)));
        assertTrue(aboveAQuietProbe.aboveCeiling(Implementation.vector));                      // no spread: no margin
    }

    @Test
    void aSpreadOverTenPercentAndKilobytesPerCallOverManyCallsOrManyKilobytesAnIterationAreFlagged() {
        ProbeResults probes = probes(Rate.of(80e9), Rate.of(6e9));
        KernelRow noisy = softmax(probes, side("vector", new Rate(4e9, 3.5e9, 4.1e9)));         // 15%
        assertEquals(List.of("vector spread 15%"), ReportTables.flags(noisy));
        KernelRow quiet = softmax(probes, side("vector", new Rate(4e9, 3.8e9, 4.2e9)));         // exactly 10%: not flagged
        assertTrue(ReportTables.flags(quiet).isEmpty());

        KernelRow allocating = softmax(probes, side("vector", Rate.of(4e9)).allocating(7300, 2000));
        assertEquals(List.of("vector allocates 7.13 KiB/call"), ReportTables.flags(allocating));
        KernelRow bookkeeping = softmax(probes, side("vector", Rate.of(4e9)).allocating(2152, 12));   // JMH's own, spread over 12 calls
        assertTrue(ReportTables.flags(bookkeeping).isEmpty());
        // BF16 decode in the published run of 2026-11-30 00:43: one fork boxed (1.6 MB/call), the median between the forks.
        KernelRow boxedFork = softmax(probes, side("vector", Rate.of(4e9)).allocating(808_426, 97));
        assertEquals(List.of("vector allocates 789 KiB/call"), ReportTables.flags(boxedFork));
    }

    @Test
    void computeBoundRowsAreSetAgainstTheFmaPeakMeasuredOnTheirThreads() {
        KernelEntry attention = KernelEntry.of("attention", Object.class, Cost.flops(1)).method("prefillTwoThreads", Cost.flops(2))
                .shape(p -> p.get("scheme"));
        List<RowGroup> groups = RowGroup.of(attention, List.of(
                FakeMeasurement.of("prefill", "vector", Map.of("scheme", "alibi"), "flops", Rate.of(100e9), 4e9),
                FakeMeasurement.of("prefillTwoThreads", "vector", Map.of("scheme", "alibi"), "flops", Rate.of(150e9), 4e9)));
        ProbeResults probes = new ProbeResults(new Rate(180e9, 170e9, 200e9), Map.of(Probe.fma(2), new Rate(210e9, 200e9, 220e9)));
        KernelRow one = KernelRow.of(groups.get(0), probes);
        KernelRow two = KernelRow.of(groups.get(1), probes);
        assertEquals("attention/prefill", one.kernel());
        assertEquals(Units.FLOPS, one.unit());
        assertEquals(0.5, one.fractionOfCeiling(Implementation.vector).orElseThrow(), 1e-12);
        assertEquals(220e9, two.ceiling().orElseThrow().perSecond(), 1, "the two-thread probe's best, not twice one thread's");
        assertEquals(Probe.fma(2), two.ceiling().orElseThrow().source());
        assertTrue(Double.isNaN(one.workingSet()));
        assertTrue(groups.get(0).probes().isEmpty(), "every run measures the one-thread peak");
        assertEquals(java.util.Set.of(Probe.fma(2)), groups.get(1).probes());
        assertTrue(KernelRow.of(groups.get(1), new ProbeResults(Rate.of(180e9), Map.of())).ceilings().isEmpty(), "no probe, no ceiling");
    }

    @Test
    void aTwoThreadRowsMemoryProbeSplitsItsWorkingSetBetweenTheThreads() {
        KernelEntry decode = KernelEntry.of("decode", Object.class, p -> Cost.decode(8 << 20, 4).onThreads(2)).shape(p -> p.get("kv"));
        double flopsPerToken = 4.0 * 32 * 4096 * 128;
        RowGroup group = RowGroup.of(decode, List.of(FakeMeasurement.of("decode", "vector", Map.of("kv", "f32"), "elements", Rate.of(500), 1)
                .and("flops", Rate.of(500 * flopsPerToken), flopsPerToken))).get(0);
        Probe read = Probe.memory(AccessPattern.READ, 32 << 20).onThreads(2);
        assertEquals(java.util.Set.of(Probe.fma(2), read), group.probes());
        assertEquals(16 << 20, read.sizePerThread());
        assertEquals("memory read, 32 MiB on 2 threads", read.describe());
        KernelRow row = KernelRow.of(group, new ProbeResults(Rate.of(200e9), Map.of(read, Rate.of(44e9), Probe.fma(2), Rate.of(210e9))));
        assertEquals(44e9 / (32 << 20), row.ceiling().orElseThrow().perSecond(), 1e-6);
    }

    @Test
    void decodeIsInTokensBoundByReadingItsCacheAndByItsFlops() {
        KernelEntry decode = KernelEntry.of("decode", Object.class, p -> Cost.decode(8 << 20, 4)).shape(p -> p.get("kv"));
        double flopsPerToken = 4.0 * 32 * 4096 * 128;
        List<RowGroup> groups = RowGroup.of(decode, List.of(
                FakeMeasurement.of("decode", "vector", Map.of("kv", "f32"), "elements", Rate.of(500), 1)
                        .and("flops", Rate.of(500 * flopsPerToken), flopsPerToken)));
        RowGroup group = groups.get(0);
        assertEquals(32 << 20, group.workingSetBytes());
        Probe read = Probe.memory(AccessPattern.READ, 32 << 20);
        assertEquals(java.util.Set.of(read), group.probes());
        // Reading 32 MiB at 40 GB/s best: 1192 tokens/s; the FMA peak allows 200e9 / 67 MFLOP = 2980.
        KernelRow row = KernelRow.of(group, new ProbeResults(Rate.of(200e9), Map.of(read, new Rate(38e9, 36e9, 40e9))));
        assertEquals(Units.TOKENS, row.unit());
        assertEquals("memory", row.ceiling().orElseThrow().name());
        assertEquals(40e9 / (32 << 20), row.ceiling().orElseThrow().perSecond(), 1e-6);
        assertEquals(200e9 / flopsPerToken, row.ceilings().get(0).perSecond(), 1e-6);
        assertEquals(500.0 * (32 << 20), row.bandwidth(Implementation.vector).orElseThrow(), 1);
    }
}
