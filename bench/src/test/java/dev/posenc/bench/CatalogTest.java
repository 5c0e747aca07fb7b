package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.bench.report.KernelEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the catalogue's quick profile keeps. */
class CatalogTest {
    @Test
    void theCataloguesQuickDecodeKeepsEveryPrecisionAtOneSizeAndF32AtBoth() {
        KernelEntry decode = Catalog.KERNELS.stream().filter(e -> e.name().equals("decode")).findFirst().orElseThrow();
        List<Map<String, List<String>>> vector = decode.runsOf(Implementation.vector, true).stream().map(KernelEntry.Run::params).toList();
        for (String kv : List.of("f32", "f16", "bf16")) {
            assertEquals(true, vector.stream().anyMatch(p -> p.get("kv").contains(kv) && p.get("keys").contains("4096")), kv);
        }
        assertEquals(true, vector.stream().anyMatch(p -> p.get("kv").equals(List.of("f32")) && p.get("keys").equals(List.of("32768"))));
        // The reference never runs the long cache in the quick profile (a call there takes about a second).
        assertEquals(false, decode.runsOf(Implementation.reference, true).stream()
                .anyMatch(r -> r.params().get("keys").contains("32768")));
    }
}
