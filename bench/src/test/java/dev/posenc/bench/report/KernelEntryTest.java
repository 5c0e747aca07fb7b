package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.bench.Implementation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which parameter sets and methods each side runs in each profile. */
class KernelEntryTest {
    static final KernelEntry DECODE = KernelEntry.of("decode", Object.class, Cost.flops(1))
            .quick("kv", "f32").quick("keys", "4096")
            .quickAlso(Set.of(Implementation.vector), "kv", "f16")
            .quickAlso(Set.of(Implementation.vector, Implementation.plain), "keys", "32768")
            .side(Implementation.plain, "kv", "f32")
            .quickMethods("decode");

    static List<Map<String, List<String>>> params(List<KernelEntry.Run> runs) {
        return runs.stream().map(KernelEntry.Run::params).toList();
    }

    static List<String> methods(List<KernelEntry.Run> runs) {
        return runs.stream().map(KernelEntry.Run::methods).toList();
    }

    @Test
    void aMethodTheQuickProfileLeavesOutRunsOnceOnTheSidesNamed() {
        KernelEntry twoThreads = DECODE.quickMethod(Set.of(Implementation.vector), "decodeTwoThreads", "kv", "bf16");
        List<KernelEntry.Run> vector = twoThreads.runsOf(Implementation.vector, true);
        assertEquals(new KernelEntry.Run("decodeTwoThreads", Map.of("kv", List.of("bf16"), "keys", List.of("4096"),
                "impl", List.of("vector"))), vector.get(vector.size() - 1));
        assertEquals(List.of("decode", "decode", "decode", "decodeTwoThreads"), methods(vector));
        assertEquals(List.of("decode"), methods(twoThreads.runsOf(Implementation.reference, true)));
    }

    @Test
    void theQuickProfileRunsItsProductThenEachCombinationOnTheSidesNamed() {
        assertEquals(List.of(Map.of("kv", List.of("f32"), "keys", List.of("4096"), "impl", List.of("reference"))),
                params(DECODE.runsOf(Implementation.reference, true)));
        assertEquals(List.of(Map.of("kv", List.of("f32"), "keys", List.of("4096"), "impl", List.of("vector")),
                        Map.of("kv", List.of("f16"), "keys", List.of("4096"), "impl", List.of("vector")),
                        Map.of("kv", List.of("f32"), "keys", List.of("32768"), "impl", List.of("vector"))),
                params(DECODE.runsOf(Implementation.vector, true)));
        assertEquals(List.of(Map.of("kv", List.of("f32"), "keys", List.of("4096"), "impl", List.of("plain")),
                        Map.of("kv", List.of("f32"), "keys", List.of("32768"), "impl", List.of("plain"))),
                params(DECODE.runsOf(Implementation.plain, true)));
        assertEquals(List.of("decode", "decode", "decode"), methods(DECODE.runsOf(Implementation.vector, true)));
    }

    @Test
    void theFullProfileRunsEveryValueAndMethod() {
        assertEquals(List.of(Map.of("impl", List.of("vector"))), params(DECODE.runsOf(Implementation.vector, false)));
        assertEquals(List.of(Map.of("impl", List.of("plain"), "kv", List.of("f32"))), params(DECODE.runsOf(Implementation.plain, false)));
        assertEquals(List.of(".*"), methods(DECODE.runsOf(Implementation.vector, false)));
    }
}
