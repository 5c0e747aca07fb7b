package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.AccessPattern;
import dev.posenc.bench.paired.PairedTimes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Guards on fake rows and fake paired times: ratios measured in the same run, allocation, and open anomalies that never fail a run. */
class GuardTest {
    static final KernelEntry SINUSOIDAL = KernelEntry.of("sinusoidal", Object.class, Cost.memory(AccessPattern.WRITE))
            .shape(p -> p.get("dim"));

    static List<KernelRow> rows(double wide, double narrow) {
        List<RowGroup> groups = RowGroup.of(SINUSOIDAL, List.of(
                FakeMeasurement.of("table", "vector", Map.of("dim", "4096"), "elements", Rate.of(wide), 1 << 21),
                FakeMeasurement.of("table", "vector", Map.of("dim", "768"), "elements", Rate.of(narrow), 393216).allocating(7300, 5000)));
        ProbeResults none = new ProbeResults(Rate.of(1e11), Map.of());
        return groups.stream().map(g -> KernelRow.of(g, none)).toList();
    }

    static Measured run(List<KernelRow> rows) {
        return new Measured(rows, new ProbeResults(Rate.of(1e11), Map.of()), Map.of());
    }

    static Guard.Ratio ratio(boolean open) {
        return new Guard.Ratio("wide not slower", "why", new RowId("sinusoidal", "4096"), new RowId("sinusoidal", "768"), 0.7, open);
    }

    @Test
    void aRatioGuardPassesFailsOrStaysOpen() {
        assertEquals(Guard.Status.PASS, ratio(false).check(run(rows(3.5e9, 4.5e9))).status());
        Guard.Verdict fail = ratio(false).check(run(rows(1.35e9, 4.5e9)));
        assertEquals(Guard.Status.FAIL, fail.status());
        assertEquals("sinusoidal 4096 ÷ sinusoidal 768 = 0.30 (0.30–0.30); needs ≥ 0.70", fail.detail());
        assertEquals(Guard.Status.OPEN, ratio(true).check(run(rows(1.35e9, 4.5e9))).status());
        assertEquals(Guard.Status.NOT_MEASURED, new Guard.Ratio("x", "y", new RowId("rope", "4096"),
                new RowId("sinusoidal", "768"), 0.7, false).check(run(rows(1, 1))).status());
    }

    @Test
    void rangesThatStraddleTheThresholdDecideNothing() {
        List<RowGroup> groups = RowGroup.of(SINUSOIDAL, List.of(
                FakeMeasurement.of("table", "vector", Map.of("dim", "4096"), "elements", new Rate(3.0e9, 2.0e9, 3.5e9), 1 << 21),
                FakeMeasurement.of("table", "vector", Map.of("dim", "768"), "elements", new Rate(4.0e9, 3.8e9, 4.2e9), 393216)));
        ProbeResults none = new ProbeResults(Rate.of(1e11), Map.of());
        List<KernelRow> noisy = groups.stream().map(g -> KernelRow.of(g, none)).toList();
        assertEquals(Guard.Status.INCONCLUSIVE, ratio(false).check(run(noisy)).status());   // 0.48 … 0.92 around 0.7
    }

    static final Guard.Paired ALIBI_VS_T5 = new Guard.Paired("alibi not slower", "why", "attention",
            "AttentionBenchmark.prefill:scheme=alibi", "AttentionBenchmark.prefill:scheme=t5", 0.95, false);

    /** T5's calls (A) of 1 ms; ALiBi's (B) taking 1 ms ÷ each speed ratio, so that the pairs' speeds are {@code speeds}. */
    static Measured paired(double... speeds) {
        return new Measured(List.of(), new ProbeResults(Rate.of(1e11), Map.of()), Map.of(ALIBI_VS_T5.calls(), FakePairs.withSpeeds(speeds)));
    }

    @Test
    void aPairedGuardDecidesOnTheQuartilesOfThePairedSpeedRatios() {
        // Eight pairs, sorted: the quartiles are ratios [n/4] and [3n/4] (the 3rd and 7th), the median [n/2].
        Guard.Verdict pass = ALIBI_VS_T5.check(paired(1.30, 0.80, 0.96, 0.99, 1.00, 1.01, 1.02, 1.03));
        assertEquals(Guard.Status.PASS, pass.status(), pass.detail());   // two slow pairs do not decide: 0.99–1.03
        assertTrue(pass.detail().contains("speed over 8 alternating pairs in one JVM: median 1.010, quartiles 0.990–1.030; needs ≥ 0.95"),
                pass.detail());
        assertEquals(Guard.Status.FAIL, ALIBI_VS_T5.check(paired(0.80, 0.82, 0.85, 0.88, 0.90, 0.93, 0.94, 1.20)).status());
        assertEquals(Guard.Status.INCONCLUSIVE, ALIBI_VS_T5.check(paired(0.80, 0.90, 0.93, 0.97, 0.99, 1.00, 1.02, 1.05)).status());
        PairedTimes passing = FakePairs.withSpeeds(1.30, 0.80, 0.96, 0.99, 1.00, 1.01, 1.02, 1.03);
        Guard.Verdict shared = ALIBI_VS_T5.check(new Measured(List.of(), new ProbeResults(Rate.of(1e11), Map.of()),
                Map.of(ALIBI_VS_T5.calls(), passing.in(new PairedTimes.Conditions(1.0, 0.85, 1, 1, 0, 0, 0)))));
        assertEquals(Guard.Status.INCONCLUSIVE, shared.status(), "a side on a CPU 85% of its time: " + shared.detail());
        assertTrue(shared.detail().endsWith("side B was on a CPU for 85% or less of its time in a quarter of its timings, below"
                + " 90% (it shared the CPU): these pairs do not decide"), shared.detail());
        Guard.Verdict boxed = ALIBI_VS_T5.check(new Measured(List.of(), new ProbeResults(Rate.of(1e11), Map.of()),
                Map.of(ALIBI_VS_T5.calls(), passing.in(new PairedTimes.Conditions(1.0, 1.0, 1, 1, 0, 1_616_640, 0)))));
        assertEquals(Guard.Status.INCONCLUSIVE, boxed.status(), "a side allocating 1.6 MB per call: " + boxed.detail());
        assertTrue(boxed.detail().endsWith("a side allocated 1024 B or more per call (vectors boxed, not compiled): these"
                + " pairs do not decide"), boxed.detail());
        assertEquals(Guard.Status.PASS, ALIBI_VS_T5.check(new Measured(List.of(), new ProbeResults(Rate.of(1e11), Map.of()),
                Map.of(ALIBI_VS_T5.calls(), passing.in(new PairedTimes.Conditions(0.99, 0.9, 1, 1, 0, 392, 0))))).status(),
                "on a CPU 90% of the time, a two-thread call's 392 B");
        Guard.Paired open = new Guard.Paired("x", "y", "attention", "A.a", "A.b", 0.95, true);
        assertEquals(Guard.Status.NOT_MEASURED, open.check(paired(1, 1)).status(), "timed only for the guard it belongs to");
    }

    @Test
    void anAllocationGuardReadsBytesPerCallOverEnoughCalls() {
        Guard.Verdict verdict = new Guard.NoAllocation("no allocation", "why", new RowId("sinusoidal", "768"), false)
                .check(run(rows(1, 1)));
        assertEquals(Guard.Status.FAIL, verdict.status());
        assertEquals("sinusoidal 768: 7300 B/call over 5000 calls/iteration", verdict.detail());
        assertEquals(Guard.Status.PASS, new Guard.NoAllocation("no allocation", "why", new RowId("sinusoidal", "4096"), false)
                .check(run(rows(1, 1))).status());
        List<RowGroup> few = RowGroup.of(SINUSOIDAL, List.of(FakeMeasurement.of("table", "vector", Map.of("dim", "768"), "elements",
                Rate.of(1e9), 393216).allocating(2152, 12)));
        List<KernelRow> bookkeeping = List.of(KernelRow.of(few.get(0), new ProbeResults(Rate.of(1e11), Map.of())));
        assertEquals(Guard.Status.INCONCLUSIVE, new Guard.NoAllocation("no allocation", "why", new RowId("sinusoidal", "768"), false)
                .check(run(bookkeeping)).status(), "2 KB per call over 12 calls: 26 KB an iteration, JMH's own or the kernel's?");
        // 33 MB per call over 71 calls (vectors boxed in every call) is the kernel's, however few the calls.
        List<RowGroup> boxed = RowGroup.of(SINUSOIDAL, List.of(FakeMeasurement.of("table", "vector", Map.of("dim", "768"), "elements",
                Rate.of(1e9), 393216).allocating(33_000_000, 71)));
        assertEquals(Guard.Status.FAIL, new Guard.NoAllocation("no allocation", "why", new RowId("sinusoidal", "768"), false)
                .check(run(List.of(KernelRow.of(boxed.get(0), new ProbeResults(Rate.of(1e11), Map.of()))))).status());
    }
}
