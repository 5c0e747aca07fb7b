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

    @Test
    void theQuickProfileRunsItsProductThenEachCombinationOnTheSidesNamed() {
        assertEquals(List.of(Map.of("kv", List.of("f32"), "keys", List.of("4096"), "impl", List.of("reference"))),
                DECODE.runsOf(Implementation.reference, true));
        assertEquals(List.of(Map.of("kv", List.of("f32"), "keys", List.of("4096"), "impl", List.of("vector")),
                        Map.of("kv", List.of("f16"), "keys", List.of("4096"), "impl", List.of("vector")),
                        Map.of("kv", List.of("f32"), "keys", List.of("32768"), "impl", List.of("vector"))),
                DECODE.runsOf(Implementation.vector, true));
        assertEquals(List.of(Map.of("kv", List.of("f32"), "keys", List.of("4096"), "impl", List.of("plain")),
                        Map.of("kv", List.of("f32"), "keys", List.of("32768"), "impl", List.of("plain"))),
                DECODE.runsOf(Implementation.plain, true));
        assertEquals("decode", DECODE.methodsIn(true));
    }

    @Test
    void theFullProfileRunsEveryValueAndMethod() {
        assertEquals(List.of(Map.of("impl", List.of("vector"))), DECODE.runsOf(Implementation.vector, false));
        assertEquals(List.of(Map.of("impl", List.of("plain"), "kv", List.of("f32"))), DECODE.runsOf(Implementation.plain, false));
        assertEquals(".*", DECODE.methodsIn(false));
    }
}
