package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.AccessPattern;
import dev.posenc.bench.Catalog;
import dev.posenc.bench.paired.PairedTimes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's issue-13 targets checked on fake rows built by the catalogue's own entries (so that the
 * targets name rows the report prints), fake probes and fake paired times keyed by the targets' own pairings:
 * met, missed, inconclusive, above hardware, not measured, decided on the pairs with the rows beside them.
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

    static Target.Paired target(String prefix) {
        return (Target.Paired) Catalog.TARGETS.stream().filter(t -> t.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    /** The same target read from the JMH rows alone (what each paired target shows beside its decision). */
    static Target rows(String prefix) {
        return target(prefix).rows();
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

    /** {@code run} with {@code target}'s calls timed: A's calls of 1 ms, B's of 1 ms ÷ each of {@code speeds}. */
    static Measured paired(Measured run, Target.Paired target, double... speeds) {
        return new Measured(run.rows(), run.probes(), Map.of(target.calls(), FakePairs.withSpeeds(speeds)));
    }

    static Rate around(double median, double spread) {
        return new Rate(median, median * (1 - spread), median * (1 + spread));
    }

    @Test
    void decodeReadsAtAFractionOfTheReadProbesBestMetMissedOrInconclusive() {
        Target target = rows("f32 decode reads K/V at the read bandwidth: 4096");
        Target.Verdict met = target.check(run(READ, List.of(decode("decode", "f32", around(0.8 * AT_READ, 0.05))), List.of()));
        assertEquals(Target.Status.MET, met.status(), met.detail());
        assertEquals("18.4 GB/s ÷ memory read, 32 MiB: 23.0 GB/s = 0.80 (0.76–0.84)", met.detail());
        assertEquals(Target.Status.MISSED, target.check(run(READ, List.of(decode("decode", "f32", around(0.46 * AT_READ, 0.1))),
                List.of())).status());
        assertEquals(Target.Status.INCONCLUSIVE, target.check(run(READ, List.of(decode("decode", "f32", around(0.68 * AT_READ, 0.1))),
                List.of())).status());
        Target.Verdict absent = rows("f32 decode reads K/V at the read bandwidth: 32768").check(
                run(READ, List.of(decode("decode", "f32", Rate.of(AT_READ))), List.of()));
        assertEquals(Target.Status.NOT_MEASURED, absent.status());
        assertTrue(absent.detail().endsWith("32768 pos, f32 K/V 256 MiB offheap, none not in this run"), absent.detail());
    }

    @Test
    void halfPrecisionIsSetAgainstF32AtTheSameShape() {
        Rate f32 = around(300, 0.02);
        Target f16 = rows("F16 decode ÷ f32: 4096");
        Target.Verdict met = f16.check(run(READ, List.of(decode("decode", "f32", f32), decode("decode", "f16", around(600, 0.02))), List.of()));
        assertEquals(Target.Status.MET, met.status(), met.detail());
        assertEquals("600 tok/s ÷ 300 tok/s = 2.00 (1.92–2.08)", met.detail());
        assertEquals(Target.Status.MISSED, f16.check(run(READ, List.of(decode("decode", "f32", f32), decode("decode", "f16",
                around(288, 0.2))), List.of())).status());
        assertEquals(Target.Status.NOT_MEASURED, rows("BF16 decode ÷ f32: 4096").check(run(READ, List.of(decode("decode", "f32", f32),
                decode("decode", "f16", around(600, 0.02))), List.of())).status());
    }

    @Test
    void prefillIsSetAgainstTheSameRunsFmaPeak() {
        Measured run = run(READ, List.of(), List.of(prefill("alibi", around(120e9, 0.05)), prefill("t5", around(62e9, 0.2))));
        assertEquals(Target.Status.MET, rows("prefill at the FMA peak: ALiBi").check(run).status());   // 0.77 (0.74–0.81) of 155
        Target.Verdict t5 = rows("prefill at the FMA peak: T5").check(run);
        assertEquals(Target.Status.MISSED, t5.status());
        assertEquals("62.0 GFLOP/s ÷ FMA peak: 155 GFLOP/s = 0.40 (0.32–0.48)", t5.detail());
    }

    @Test
    void twoThreadsThatMissAndCannotScaleWithinTheTwoThreadCeilingsAreAboveHardwareWithTheProbesShown() {
        Rate atCeiling = around(0.95 * AT_READ, 0.02);
        List<FakeMeasurement> decode = List.of(decode("decode", "f32", atCeiling),
                decode("decodeTwoThreads", "f32", atCeiling.times(1.05)));
        Target target = rows("decode on two threads");
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
        Target.Verdict verdict = rows("prefill on two threads").check(run);
        assertEquals(Target.Status.NOT_MEASURED, verdict.status());
        assertTrue(verdict.detail().contains("not in this run; the machine allows 1.06× to a kernel at its ceiling (FMA peak on 2 threads ÷ 1 = 1.07 (0.97–1.18))"),
                verdict.detail());
        String table = ReportTables.targets(Map.of(rows("prefill on two threads"), verdict));
        assertTrue(table.contains("| NOT MEASURED |"), table);
        assertTrue(table.contains("ggml is not built from this repository"), table);
    }

    /** Eight pairs around each median: the quartiles (ratios [2] and [6] of eight) bracket it by about ±5%. */
    static double[] near(double median) {
        return new double[] {0.5 * median, 0.95 * median, 0.96 * median, 0.99 * median, median, 1.02 * median, 1.05 * median, 2 * median};
    }

    @Test
    void decodeIsDecidedOnItsPairsWithTheReadProbeAndTheRowsBesideIt() {
        Target.Paired target = target("f32 decode reads K/V at the read bandwidth: 4096");
        Measured rows = run(READ, List.of(decode("decode", "f32", around(0.46 * AT_READ, 0.1))), List.of());
        Target.Verdict met = target.check(paired(rows, target, near(0.80)));
        assertEquals(Target.Status.MET, met.status(), met.detail());
        assertEquals("DecodeBenchmark.decode:keys=4096,kv=f32,scheme=alibi,storage=offheap ÷ DecodeBenchmark.readCache:keys=4096,"
                + "kv=f32,scheme=alibi,storage=offheap, speed over 8 alternating pairs in one JVM: median 0.800, quartiles 0.768–0.840 (denominator median"
                + " 1.000 ms (fastest 1.000), numerator median 1.263 ms (fastest 0.625))", met.detail());
        assertEquals("MISSED: 10.6 GB/s ÷ memory read, 32 MiB: 23.0 GB/s = 0.46 (0.41–0.51)", met.context(),
                "the rows' own verdict, missed, stays beside the pairs' for context");
        assertEquals(Target.Status.MISSED, target.check(paired(rows, target, near(0.62))).status());
        assertEquals(Target.Status.INCONCLUSIVE, target.check(paired(rows, target, near(0.70))).status());   // 0.67–0.74
        Measured metPairs = paired(rows, target, near(0.80));
        PairedTimes t = metPairs.pairs().get(target.calls());
        Target.Verdict shared = target.check(new Measured(rows.rows(), rows.probes(),
                Map.of(target.calls(), t.in(new PairedTimes.Conditions(0.80, 1.0, 1, 1, 0, 0, 0)))));
        assertEquals(Target.Status.INCONCLUSIVE, shared.status(), "the read probe on a CPU 80% of its time: " + shared.detail());
        assertTrue(shared.detail().contains("these pairs do not decide"), shared.detail());
        Target.Verdict absent = target.check(rows);
        assertEquals(Target.Status.NOT_MEASURED, absent.status());
        assertTrue(absent.detail().endsWith("not timed in this run"), absent.detail());
        assertEquals("≥ 0.70 of its memory probe, paired against a read of the step's own K/V (32 MiB, one sequential stream),"
                + " one cache for both calls", target.needs());
    }

    @Test
    void halfPrecisionIsDecidedOnPairsWithF32AtBothCacheSizes() {
        for (String prefix : List.of("F16 decode ÷ f32: 4096", "BF16 decode ÷ f32: 4096", "F16 decode ÷ f32: 32768",
                "BF16 decode ÷ f32: 32768")) {
            Target.Paired target = target(prefix);
            assertTrue(target.calls().denominator().contains("kv=f32"), target.calls().toString());
            assertEquals(target.calls().numerator(), target.calls().denominator().replace("kv=f32", "kv=" + prefix.split(" ")[0].toLowerCase()));
            Measured none = run(READ, List.of(), List.of());
            assertEquals(Target.Status.MET, target.check(paired(none, target, near(1.95))).status(), prefix);
            assertEquals(Target.Status.MISSED, target.check(paired(none, target, near(1.06))).status(), prefix);
            assertEquals(Target.Status.INCONCLUSIVE, target.check(paired(none, target, near(1.8))).status(), prefix);
            Target.Verdict absent = target.check(none);
            assertEquals(Target.Status.NOT_MEASURED, absent.status(), prefix);
            assertTrue(absent.context().startsWith("NOT MEASURED: decode/decode"), absent.context());
        }
    }

    @Test
    void prefillIsDecidedOnItsFlopRateOverTheFmaProbesFromEachSidesFlopsPerCall() {
        Target.Paired target = target("prefill at the FMA peak: ALiBi");
        assertEquals(java.util.Optional.of("flops"), target.calls().counter());
        double fmaFlops = 393_216;
        double prefillFlops = 2.15e9;
        Measured rows = run(READ, List.of(), List.of(prefill("alibi", around(60e9, 0.1))));
        // The FMA probe's call 3 µs (131 GFLOP/s); prefill's 20.5 ms per call: 105 GFLOP/s, 0.80 of the peak.
        long[] fma = new long[8];
        long[] prefill = new long[8];
        for (int i = 0; i < 8; i++) {
            fma[i] = 3_000;
            prefill[i] = Math.round(prefillFlops / fmaFlops * 3_000 / near(0.80)[i]);
        }
        PairedTimes t = new PairedTimes(fma, prefill).per("flops", fmaFlops, prefillFlops);
        Target.Verdict met = target.check(new Measured(rows.rows(), rows.probes(), Map.of(target.calls(), t)));
        assertEquals(Target.Status.MET, met.status(), met.detail());
        assertTrue(met.detail().contains("flops/s (A 3.93e+05, B 2.15e+09 flops per call) over 8 alternating pairs in one JVM:"
                + " median 0.800, quartiles 0.768–0.840"), met.detail());
        assertTrue(met.context().startsWith("MISSED: 60.0 GFLOP/s ÷ FMA peak: 155 GFLOP/s = 0.39"), met.context());
        // The same times counted call for call would say 1.3e-4: the work per call is what makes it a share of the peak
        // (and the probe's rate, one call per 3 µs, is then no FLOP rate: the pairs do not decide).
        Target.Verdict perCall = target.check(new Measured(rows.rows(), rows.probes(), Map.of(target.calls(), new PairedTimes(fma, prefill))));
        assertTrue(perCall.detail().contains("median 0.000, quartiles 0.000–0.000"), perCall.detail());
        assertEquals(Target.Status.INCONCLUSIVE, perCall.status(), perCall.detail());
        // The FMA probe's call at 6 µs (65.5 GFLOP/s, 0.42 of the run's 155): the pairs' 0.80 does not decide.
        long[] slowFma = new long[8];
        Arrays.fill(slowFma, 6_000);
        Target.Verdict slowed = target.check(new Measured(rows.rows(), rows.probes(), Map.of(target.calls(),
                new PairedTimes(slowFma, prefill).per("flops", fmaFlops, prefillFlops))));
        assertEquals(Target.Status.INCONCLUSIVE, slowed.status(), slowed.detail());
        assertTrue(slowed.detail().endsWith("the probe side ran at 0.42 of this run's FMA peak probe (needs ≥ 0.75): a slowed JVM,"
                + " so these pairs do not decide"), slowed.detail());
        Target.Paired t5 = target("prefill at the FMA peak: T5");
        assertEquals(Target.Status.INCONCLUSIVE, t5.check(new Measured(rows.rows(), rows.probes(), Map.of(t5.calls(),
                FakePairs.withSpeeds(near(0.70)).per("flops", 1, 1)))).status());
        assertEquals(Target.Status.NOT_MEASURED, t5.check(paired(rows, target, near(0.8))).status(), "ALiBi's pairs are not T5's");
    }

    @Test
    void twoThreadsAreDecidedOnPairsAndAboveHardwareOnlyWhereTheProbesLeaveNoHeadroom() {
        Target.Paired target = target("decode on two threads");
        Rate atCeiling = around(0.95 * AT_READ, 0.02);
        List<FakeMeasurement> decode = List.of(decode("decode", "f32", atCeiling), decode("decodeTwoThreads", "f32", atCeiling.times(1.05)));
        Measured noScaling = run(new Rate(23.5e9, 22e9, 24e9), decode, List.of());
        Target.Verdict above = target.check(paired(noScaling, target, near(1.3)));
        assertEquals(Target.Status.ABOVE_HARDWARE, above.status(), above.detail());
        assertTrue(above.context().startsWith("ABOVE HARDWARE: 1.05 (1.01–1.09); the machine allows 1.04×"), above.context());
        Measured scaling = run(new Rate(44e9, 42e9, 46e9), decode, List.of());
        assertEquals(Target.Status.MISSED, target.check(paired(scaling, target, near(1.3))).status());
        assertEquals(Target.Status.INCONCLUSIVE, target.check(paired(scaling, target, near(1.9))).status());
        assertEquals(Target.Status.MET, target.check(paired(noScaling, target, near(2.05))).status(), "met is met, whatever the probes say");
        assertEquals(Target.Status.NOT_MEASURED, target.check(scaling).status());
        Target.Paired prefill = target("prefill on two threads");
        assertEquals("AttentionBenchmark.prefillTwoThreads:scheme=alibi ÷ AttentionBenchmark.prefill:scheme=alibi", prefill.calls().toString());
        assertEquals(Target.Status.MISSED, prefill.check(paired(run(READ, List.of(), List.of()), prefill, near(1.5))).status());
        // The 03:55 run of 2026-11-30: 1.01, the calling thread on a CPU all the time, the second thread (almost) never.
        Measured none = run(READ, List.of(), List.of());
        PairedTimes oneCpu = FakePairs.withSpeeds(near(1.01)).in(new PairedTimes.Conditions(1.0, 0.52, 1, 2, 0, 400, 0));
        Target.Verdict lost = prefill.check(new Measured(none.rows(), none.probes(), Map.of(prefill.calls(), oneCpu)));
        assertEquals(Target.Status.INCONCLUSIVE, lost.status(), lost.detail());
        assertTrue(lost.detail().endsWith("side B was on a CPU for 52% or less of 2 threads × its wall time in a quarter of its"
                + " timings, below 90% (a thread of it did not get a CPU, or waited): these pairs do not decide"), lost.detail());
        PairedTimes twoCpus = FakePairs.withSpeeds(near(1.5)).in(new PairedTimes.Conditions(1.0, 0.93, 1, 2, 0, 400, 0));
        assertEquals(Target.Status.MISSED, prefill.check(new Measured(none.rows(), none.probes(), Map.of(prefill.calls(), twoCpus)))
                .status(), "both threads on a CPU: a miss is the code's");
    }

    @Test
    void eachTwoThreadTargetHasAPollingTwinThatSaysWhichExecutorEachUsed() {
        for (String target : List.of("decode on two threads", "prefill on two threads")) {
            Target.Paired pool = target(target + ":");
            Target.Paired polling = target(target + ", polling executor:");
            assertEquals(pool.name().replace(target, target + ", polling executor"), polling.name());
            // The same pairing but for the two-thread method: the same step, the same one-thread side, one object.
            assertEquals(pool.calls().denominator(), polling.calls().denominator());
            assertEquals(pool.calls().numerator().replace("TwoThreads:", "TwoThreadsPolling:"), polling.calls().numerator());
            assertEquals(pool.minimum(), polling.minimum());
            assertTrue(pool.needs().endsWith("the second thread a single-thread pool's, parked between calls"), pool.needs());
            assertTrue(polling.needs().endsWith("the second thread a bench-owned worker that polls between calls (PollingExecutor):"
                    + " the kernel's scaling with a hot caller's pool, not the standard row"), polling.needs());
            // Each is decided on its own pairs only.
            Measured none = run(READ, List.of(), List.of());
            assertEquals(Target.Status.MET, polling.check(paired(none, polling, near(2.05))).status(), target);
            assertEquals(Target.Status.NOT_MEASURED, polling.check(paired(none, pool, near(2.05))).status(), target);
            assertEquals(Target.Status.NOT_MEASURED, pool.check(paired(none, polling, near(2.05))).status(), target);
        }
        // Its rows are the polling method's.
        Rate half = around(0.46 * AT_READ, 0.02);
        Target.Verdict rows = rows("decode on two threads, polling executor").check(run(new Rate(44e9, 42e9, 46e9),
                List.of(decode("decode", "f32", half), decode("decodeTwoThreadsPolling", "f32", half.times(1.98))), List.of()));
        assertEquals(Target.Status.MET, rows.status(), rows.detail());
        assertEquals(Target.Status.NOT_MEASURED, rows("decode on two threads:").check(run(new Rate(44e9, 42e9, 46e9),
                List.of(decode("decode", "f32", half), decode("decodeTwoThreadsPolling", "f32", half.times(1.98))), List.of())).status());
    }

    @Test
    void theTableShowsThePairsDecisionAndTheRowsBesideIt() {
        Target.Paired target = target("f32 decode reads K/V at the read bandwidth: 32768");
        Target.Verdict v = target.check(paired(run(READ, List.of(), List.of()), target, near(0.75)));
        String table = ReportTables.targets(Map.of(target, v));
        assertTrue(table.contains("| MET    |"), table);
        assertTrue(table.contains("JMH rows (for context)"), table);
        assertTrue(table.contains("| NOT MEASURED: decode/decode 32q/8kv×128, 32768 pos, f32 K/V 256 MiB offheap, none not in this run |"), table);
    }
}
