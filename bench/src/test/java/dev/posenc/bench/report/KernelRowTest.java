package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.MemoryLevel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelRowTest {
    static final Limits LIMITS = new Limits(250e9, Map.of(MemoryLevel.L2, 200e9, MemoryLevel.L3, 100e9, MemoryLevel.DRAM, 40e9));

    @Test
    void aMemoryBoundRowComparesBytesMovedWithTheBandwidthOfTheLevelHoldingItsWorkingSet() {
        Map<String, String> shape = Map.of("rows", "512", "cols", "1024");
        double elementsPerCall = 512 * 1024;
        KernelEntry entry = KernelEntry.of("softmax", Object.class, Cost.memory(8))
                .shape(p -> p.get("rows") + "×" + p.get("cols"));
        List<KernelRow> rows = KernelRow.of(entry, List.of(
                FakeMeasurement.of("softmax", "reference", shape, "elements", 50e6, elementsPerCall),
                FakeMeasurement.of("softmax", "vector", shape, "elements", 1e9, elementsPerCall)), LIMITS);

        assertEquals(1, rows.size());
        KernelRow row = rows.get(0);
        assertEquals("softmax", row.kernel());
        assertEquals("512×1024", row.shape());
        assertEquals(20.0, row.speedup().orElseThrow(), 1e-12);
        double workingSet = elementsPerCall * 8;
        MemoryLevel level = MemoryLevel.holding(workingSet);
        assertEquals(level, row.limit().level());
        assertEquals(workingSet, row.limit().workingSetBytes());
        assertEquals(LIMITS.bandwidth().get(level), row.limit().perSecond());
        assertEquals(8e9 / LIMITS.bandwidth().get(level), row.vector().orElseThrow().fractionOf(row.limit()), 1e-12);
        assertEquals(0.4e9 / LIMITS.bandwidth().get(level), row.reference().orElseThrow().fractionOf(row.limit()), 1e-12);
    }

    @Test
    void anInPlaceKernelKeepsFewerBytesResidentThanItMoves() {
        double elementsPerCall = MemoryLevel.L2.capacity() / 4.0;   // 4 B resident each: exactly fills L2
        KernelEntry entry = KernelEntry.of("rope", Object.class, Cost.memory(8, 4));
        KernelRow row = KernelRow.of(entry, List.of(
                FakeMeasurement.of("rope", "vector", Map.of(), "elements", 1e9, elementsPerCall)), LIMITS).get(0);
        assertEquals(MemoryLevel.L2, row.limit().level());
        assertEquals(8e9 / 200e9, row.vector().orElseThrow().fractionOf(row.limit()), 1e-12);
        assertTrue(row.reference().isEmpty());
        assertTrue(row.speedup().isEmpty());
    }

    @Test
    void aComputeBoundMethodIsSetAgainstTheFmaPeakAndSeveralMethodsAreNamed() {
        KernelEntry entry = KernelEntry.of("attention", Object.class, Cost.memory(8))
                .method("prefill", Cost.compute());
        List<KernelRow> rows = KernelRow.of(entry, List.of(
                new FakeMeasurement("prefill", Optional.of("vector"), Map.of("bias", "alibi"),
                        Map.of("flops", 50e9, "elements", 1e6), Map.of("flops", 60e9, "elements", 1.2e6),
                        Map.of("flops", 1e9, "elements", 2e4)),
                FakeMeasurement.of("decode", "vector", Map.of("bias", "alibi"), "elements", 2e9, 1e6)), LIMITS);

        KernelRow prefill = rows.get(0);
        assertEquals("attention/prefill", prefill.kernel());
        assertEquals("bias=alibi", prefill.shape());
        assertEquals(Units.FLOPS, prefill.unit());
        assertEquals("FMA peak", prefill.limit().name());
        assertEquals(0.2, prefill.vector().orElseThrow().fractionOf(prefill.limit()), 1e-12);

        KernelRow decode = rows.get(1);
        assertEquals("attention/decode", decode.kernel());
        assertEquals(Units.ELEMENTS, decode.unit());
        assertEquals(MemoryLevel.holding(8e6), decode.limit().level());
    }

    @Test
    void limitsAreTheBestIterationsOfThePeakProbe() {
        Limits limits = Limits.from(List.of(
                new FakeMeasurement("fma", Optional.empty(), Map.of(), Map.of("flops", 200e9), Map.of("flops", 250e9), Map.of()),
                FakeMeasurement.of("sweep", null, Map.of("level", "L2"), "elements", 25e9, 1),
                FakeMeasurement.of("sweep", null, Map.of("level", "L3"), "elements", 12.5e9, 1),
                FakeMeasurement.of("sweep", null, Map.of("level", "DRAM"), "elements", 5e9, 1)));
        assertEquals(LIMITS, limits);   // 8 bytes per swept element
    }
}
