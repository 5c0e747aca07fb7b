package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.bench.AccessPattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Guards on fake rows: ratios measured in the same run, allocation, and open anomalies that never fail a run. */
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

    static Guard.Ratio ratio(boolean open) {
        return new Guard.Ratio("wide not slower", "why", new Guard.Row("sinusoidal", "4096"), new Guard.Row("sinusoidal", "768"), 0.7, open);
    }

    @Test
    void aRatioGuardPassesFailsOrStaysOpen() {
        assertEquals(Guard.Status.PASS, ratio(false).check(rows(3.5e9, 4.5e9)).status());
        Guard.Verdict fail = ratio(false).check(rows(1.35e9, 4.5e9));
        assertEquals(Guard.Status.FAIL, fail.status());
        assertEquals("sinusoidal 4096 ÷ sinusoidal 768 = 0.30 (0.30–0.30; needs ≥ 0.70)", fail.detail());
        assertEquals(Guard.Status.OPEN, ratio(true).check(rows(1.35e9, 4.5e9)).status());
        assertEquals(Guard.Status.NOT_MEASURED, new Guard.Ratio("x", "y", new Guard.Row("rope", "4096"),
                new Guard.Row("sinusoidal", "768"), 0.7, false).check(rows(1, 1)).status());
    }

    @Test
    void rangesThatStraddleTheThresholdDecideNothing() {
        List<RowGroup> groups = RowGroup.of(SINUSOIDAL, List.of(
                FakeMeasurement.of("table", "vector", Map.of("dim", "4096"), "elements", new Rate(3.0e9, 2.0e9, 3.5e9), 1 << 21),
                FakeMeasurement.of("table", "vector", Map.of("dim", "768"), "elements", new Rate(4.0e9, 3.8e9, 4.2e9), 393216)));
        ProbeResults none = new ProbeResults(Rate.of(1e11), Map.of());
        List<KernelRow> noisy = groups.stream().map(g -> KernelRow.of(g, none)).toList();
        assertEquals(Guard.Status.INCONCLUSIVE, ratio(false).check(noisy).status());   // 0.48 … 0.92 around 0.7
    }

    @Test
    void anAllocationGuardReadsBytesPerCallOverEnoughCalls() {
        Guard.Verdict verdict = new Guard.NoAllocation("no allocation", "why", new Guard.Row("sinusoidal", "768"), false)
                .check(rows(1, 1));
        assertEquals(Guard.Status.FAIL, verdict.status());
        assertEquals("sinusoidal 768: 7300 B/call over 5000 calls/iteration", verdict.detail());
        assertEquals(Guard.Status.PASS, new Guard.NoAllocation("no allocation", "why", new Guard.Row("sinusoidal", "4096"), false)
                .check(rows(1, 1)).status());
        List<RowGroup> few = RowGroup.of(SINUSOIDAL, List.of(FakeMeasurement.of("table", "vector", Map.of("dim", "768"), "elements",
                Rate.of(1e9), 393216).allocating(33_000_000, 71)));
        List<KernelRow> interpreted = List.of(KernelRow.of(few.get(0), new ProbeResults(Rate.of(1e11), Map.of())));
        assertEquals(Guard.Status.INCONCLUSIVE, new Guard.NoAllocation("no allocation", "why", new Guard.Row("sinusoidal", "768"), false)
                .check(interpreted).status());
    }
}
