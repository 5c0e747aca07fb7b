package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.AccessPattern;
import dev.posenc.bench.Catalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's issue-13 targets checked on fake rows built by the catalogue's own entries (so that the
 * targets name rows the report prints) and fake probes: met, missed, inconclusive, above hardware, not measured.
 */
class TargetTest {
    static final double FLOPS_PER_TOKEN = 4.0 * 32 * 4096 * 128;
    static final long CACHE_F32 = 32 << 20;
    /** Best iterations: the read probe at 32 MiB 23 GB/s on one thread, 24 GB/s on two; the FMA peak 155 and 165 GFLOP/s. */
    static final Rate READ = new Rate(22e9, 21e9, 23e9);
    static final Rate FMA = new Rate(150e9, 140e9, 155e9);
    static final Rate FMA_TWO = new Rate(160e9, 150e9, 165e9);
    /** Tokens/s at which f32 decode reads its 32 MiB at the read probe's best. */
    static final double AT_READ = 23e9 / CACHE_F32;

    static KernelEntry entry(String name) {
        return Catalog.KERNELS.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    static Target target(String prefix) {
        return Catalog.TARGETS.stream().filter(t -> t.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    static FakeMeasurement decode(String method, String kv, Rate tokens) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("scheme", "alibi");
        params.put("kv", kv);
        params.put("keys", "4096");
        params.put("storage", "offheap");
        return FakeMeasurement.of(method, "vector", params, "elements", tokens, 1)
                .and("flops", tokens.times(FLOPS_PER_TOKEN), FLOPS_PER_TOKEN);
    }

    static FakeMeasurement prefill(String scheme, Rate flops) {
        return FakeMeasurement.of("prefill", "vector", Map.of("scheme", scheme), "flops", flops, 2e9).and("elements", Rate.of(1e5), 4096);
    }

    /** The rows of {@code measurements} against fake probes; {@code readTwo} is the read probe on two threads. */
    static Measured run(Rate readTwo, List<FakeMeasurement> decode, List<FakeMeasurement> attention) {
        Map<Probe, Rate> probes = new HashMap<>();
        probes.put(Probe.memory(AccessPattern.READ, CACHE_F32), READ);
        probes.put(Probe.memory(AccessPattern.READ, CACHE_F32).onThreads(2), readTwo);
        probes.put(Probe.memory(AccessPattern.READ, CACHE_F32 / 2), READ);
        probes.put(Probe.fma(2), FMA_TWO);
        ProbeResults results = new ProbeResults(FMA, probes);
        List<KernelRow> rows = new ArrayList<>();
        RowGroup.of(entry("decode"), List.copyOf(decode)).forEach(g -> rows.add(KernelRow.of(g, results)));
        RowGroup.of(entry("attention"), List.copyOf(attention)).forEach(g -> rows.add(KernelRow.of(g, results)));
        return new Measured(rows, results, Map.of());
    }

    static Rate around(double median, double spread) {
        return new Rate(median, median * (1 - spread), median * (1 + spread));
    }

    @Test
    void decodeReadsAtAFractionOfTheReadProbesBestMetMissedOrInconclusive() {
        Target target = target("f32 decode reads K/V at the read bandwidth: 4096");
        Target.Verdict met = target.check(run(READ, List.of(decode("decode", "f32", around(0.8 * AT_READ, 0.05))), List.of()));
        assertEquals(Target.Status.MET, met.status(), met.detail());
        assertEquals("18.4 GB/s ÷ memory read, 32 MiB: 23.0 GB/s = 0.80 (0.76–0.84)", met.detail());
        assertEquals(Target.Status.MISSED, target.check(run(READ, List.of(decode("decode", "f32", around(0.46 * AT_READ, 0.1))),
                List.of())).status());
        assertEquals(Target.Status.INCONCLUSIVE, target.check(run(READ, List.of(decode("decode", "f32", around(0.68 * AT_READ, 0.1))),
                List.of())).status());
        Target.Verdict absent = target("f32 decode reads K/V at the read bandwidth: 32768").check(
                run(READ, List.of(decode("decode", "f32", Rate.of(AT_READ))), List.of()));
        assertEquals(Target.Status.NOT_MEASURED, absent.status());
        assertTrue(absent.detail().endsWith("32768 pos, f32 K/V 256 MiB offheap, none not in this run"), absent.detail());
    }

    @Test
    void halfPrecisionIsSetAgainstF32AtTheSameShape() {
        Rate f32 = around(300, 0.02);
        Target f16 = target("F16 decode");
        Target.Verdict met = f16.check(run(READ, List.of(decode("decode", "f32", f32), decode("decode", "f16", around(600, 0.02))), List.of()));
        assertEquals(Target.Status.MET, met.status(), met.detail());
        assertEquals("600 tok/s ÷ 300 tok/s = 2.00 (1.92–2.08)", met.detail());
        assertEquals(Target.Status.MISSED, f16.check(run(READ, List.of(decode("decode", "f32", f32), decode("decode", "f16",
                around(288, 0.2))), List.of())).status());
        assertEquals(Target.Status.NOT_MEASURED, target("BF16 decode").check(run(READ, List.of(decode("decode", "f32", f32),
                decode("decode", "f16", around(600, 0.02))), List.of())).status());
    }

    @Test
    void prefillIsSetAgainstTheSameRunsFmaPeak() {
        Measured run = run(READ, List.of(), List.of(prefill("alibi", around(120e9, 0.05)), prefill("t5", around(62e9, 0.2))));
        assertEquals(Target.Status.MET, target("prefill at the FMA peak: ALiBi").check(run).status());   // 0.77 (0.74–0.81) of 155
        Target.Verdict t5 = target("prefill at the FMA peak: T5").check(run);
        assertEquals(Target.Status.MISSED, t5.status());
        assertEquals("62.0 GFLOP/s ÷ FMA peak: 155 GFLOP/s = 0.40 (0.32–0.48)", t5.detail());
    }

    @Test
    void twoThreadsThatMissAndCannotScaleWithinTheTwoThreadCeilingsAreAboveHardwareWithTheProbesShown() {
        Rate atCeiling = around(0.95 * AT_READ, 0.02);
        List<FakeMeasurement> decode = List.of(decode("decode", "f32", atCeiling),
                decode("decodeTwoThreads", "f32", atCeiling.times(1.05)));
        Target target = target("decode on two threads");
        Target.Verdict above = target.check(run(new Rate(23.5e9, 22e9, 24e9), decode, List.of()));
        assertEquals(Target.Status.ABOVE_HARDWARE, above.status(), above.detail());
        // Read binds on one thread (686 tok/s) and on two (24/23 of it); the FMA peak (2.3 k tok/s) binds neither.
        assertTrue(above.detail().startsWith("1.05 (1.01–1.09); the machine allows 1.04× to a kernel at its ceiling (FMA peak on 2"
                + " threads ÷ 1 = 1.07 (0.97–1.18), memory read, 32 MiB on 2 threads ÷ 1 = 1.07 (0.96–1.14)); 2-thread ceiling ÷"
                + " this kernel's 1-thread speed 1.10×"), above.detail());
        assertEquals("ABOVE HARDWARE", above.status().label());
        // The same kernel where reading scales 2×: simply missed.
        assertEquals(Target.Status.MISSED, target.check(run(new Rate(44e9, 42e9, 46e9), decode, List.of())).status());
        // A kernel at half its ceiling has 2.27× of headroom under the same probes: a miss is its own, not the machine's.
        Rate half = around(0.46 * AT_READ, 0.02);
        Target.Verdict missed = target.check(run(new Rate(23.5e9, 22e9, 24e9),
                List.of(decode("decode", "f32", half), decode("decodeTwoThreads", "f32", half.times(1.05))), List.of()));
        assertEquals(Target.Status.MISSED, missed.status(), missed.detail());
        assertTrue(missed.detail().endsWith("this kernel's 1-thread speed 2.27×"), missed.detail());
        List<FakeMeasurement> scaling = List.of(decode("decode", "f32", half), decode("decodeTwoThreads", "f32", half.times(1.98)));
        assertEquals(Target.Status.MET, target.check(run(new Rate(23.5e9, 22e9, 24e9), scaling, List.of())).status(),
                "met is met, whatever the probes say");
    }

    @Test
    void aTwoThreadRowNotRunIsNotMeasuredButTheMachinesScalingIsStillShown() {
        Measured run = run(READ, List.of(), List.of(prefill("alibi", around(64e9, 0.1))));
        Target.Verdict verdict = target("prefill on two threads").check(run);
        assertEquals(Target.Status.NOT_MEASURED, verdict.status());
        assertTrue(verdict.detail().contains("not in this run; the machine allows 1.06× to a kernel at its ceiling (FMA peak on 2 threads ÷ 1 = 1.07 (0.97–1.18))"),
                verdict.detail());
        String table = ReportTables.targets(Map.of(target("prefill on two threads"), verdict));
        assertTrue(table.contains("| NOT MEASURED |"), table);
        assertTrue(table.contains("ggml is not built from this repository"), table);
    }
}
