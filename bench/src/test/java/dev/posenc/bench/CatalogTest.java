package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.bench.paired.CallThreads;
import dev.posenc.bench.paired.PairedCalls;
import dev.posenc.bench.paired.PairedTimes;
import dev.posenc.attention.KvCache;
import dev.posenc.bench.report.Cost;
import dev.posenc.bench.report.Guard;
import dev.posenc.bench.report.KernelEntry;
import dev.posenc.bench.report.Pairing;
import dev.posenc.bench.report.Target;
import dev.posenc.bench.report.Units;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/** What the catalogue's quick profile keeps, and that its paired guards and targets can run. */
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

    @Test
    void theQuickAppendRowsAreADecodeStepsRowAndAPromptsInF16WithRopeOffHeapOnEverySide() throws NoSuchFieldException {
        KernelEntry append = entry("kv-append");
        assertEquals(List.of("1", "512"), List.of(KvCacheBenchmark.class.getField("rows").getAnnotation(Param.class).value()));
        for (Implementation impl : List.of(Implementation.reference, Implementation.plain, Implementation.vector)) {
            List<KernelEntry.Run> runs = append.runsOf(impl, true);
            assertEquals(1, runs.size(), impl.name());
            Map<String, List<String>> p = runs.get(0).params();
            assertEquals(false, p.containsKey("rows"), impl + ": every rows value");
            assertEquals(List.of("f16"), p.get("kv"), impl.name());
            assertEquals(List.of("rope"), p.get("rotation"), impl.name());
            assertEquals(List.of("offheap"), p.get("storage"), impl.name());
        }
        // The reference side differs from the vector side by its RoPE only.
        assertEquals(List.of("rope"), append.runsOf(Implementation.reference, false).get(0).params().get("rotation"));
        assertEquals(false, append.runsOf(Implementation.vector, false).get(0).params().containsKey("rotation"));
        assertEquals("8kv×128, 1 row, f16 offheap, rope", append.shape().apply(Map.of("rows", "1", "kv", "f16", "rotation", "rope",
                "storage", "offheap")));
    }

    @Test
    void anAppendMovesEachFloatOnceReadAndOnceWrittenInTheCachesPrecision() {
        KernelEntry append = entry("kv-append");
        for (String kv : List.of("f32", "f16", "bf16")) {
            Cost cost = append.costOf("append", Map.of("rows", "512", "kv", kv, "rotation", "none", "storage", "heap"));
            KvCacheBenchmark b = new KvCacheBenchmark();
            b.impl = Implementation.vector;
            b.rows = 2;
            b.kv = kv;
            b.rotation = "none";
            b.storage = "heap";
            b.setUp();
            KvCache cache = b.cache;
            // Per token: its K and V floats read, and the cache's bytes of its row written.
            double moved = 2.0 * KvCacheBenchmark.WIDTH * Float.BYTES + (cache.keys().byteSize() + cache.values().byteSize()) / 2.0;
            assertEquals(moved, cost.traffic().orElseThrow().moved(), kv);
            assertEquals(moved, cost.traffic().orElseThrow().resident(), kv + ": every byte moved is a byte of the working set");
            assertEquals(Units.TOKENS, cost.unit(), kv);
            assertEquals(false, cost.flops(), kv);
        }
    }

    @Test
    void eachPairedGuardNamesACatalogueEntryAndCallsThatLoadAndRun() throws Exception {
        String classPath = System.getProperty("java.class.path");
        List<Guard.Paired> paired = Catalog.GUARDS.stream().filter(g -> g instanceof Guard.Paired).map(g -> (Guard.Paired) g).toList();
        assertEquals(false, paired.isEmpty());
        for (Guard.Paired g : paired) {
            assertEquals(true, Catalog.KERNELS.stream().anyMatch(e -> e.name().equals(g.kernel())), g.kernel());
            // One pair on the reference side, which computes a few query rows only: the specs load, set their fields and run.
            PairedTimes t = PairedCalls.time(classPath, reference(g.denominator()), classPath, reference(g.numerator()), 0, 1, 0);
            assertEquals(1, t.pairs());
        }
    }

    @Test
    void eachPairedTargetNamesACatalogueEntryAndCallsThatLoadAndRun() throws Exception {
        String classPath = System.getProperty("java.class.path");
        assertEquals(Catalog.TARGETS.size(), Catalog.TARGETS.stream().filter(t -> t instanceof Target.Paired).count());
        for (Target t : Catalog.TARGETS) {
            Pairing p = ((Target.Paired) t).calls();
            assertEquals(true, Catalog.KERNELS.stream().anyMatch(e -> e.name().equals(p.kernel())), p.kernel());
            if (p.numerator().contains("keys=32768")) {
                continue; // a reference call over 256 MiB takes seconds; the 4096 ones load the same benchmark
            }
            PairedTimes times = PairedCalls.time(classPath, reference(p.denominator()), classPath, reference(p.numerator()), 0, 1, 0,
                    p.counter());
            assertEquals(1, times.pairs(), t.name());
        }
    }

    @Test
    void theReadBesideF32DecodeReadsTheStepsOwnCacheBytesPerCall() throws Exception {
        String classPath = System.getProperty("java.class.path");
        for (String keys : List.of("4096", "32768")) {
            Pairing p = ((Target.Paired) Catalog.TARGETS.stream().filter(t -> t.name().startsWith("f32 decode reads K/V at the read"
                    + " bandwidth: " + keys)).findFirst().orElseThrow()).calls();
            // The same benchmark and fields, another method: PairedCalls gives both sides one object, so one cache.
            assertEquals(p.numerator().replace("DecodeBenchmark.decode:", "DecodeBenchmark.readCache:"), p.denominator());
        }
        Pairing p = ((Target.Paired) Catalog.TARGETS.get(0)).calls();
        PairedTimes read = PairedCalls.time(classPath, p.denominator(), classPath, p.denominator(), 0, 1, 0, Optional.of("bytes"));
        // K and V, 8 kv heads × 128 floats per position (at 32768 too: DecodeBenchmarkTest).
        assertEquals(2.0 * 4096 * 8 * 128 * Float.BYTES, read.workA(), p.denominator());
    }

    @Test
    void theTwoThreadSideOfEachScalingTargetDeclaresItsThreads() throws ClassNotFoundException {
        int scaling = 0;
        for (Target t : Catalog.TARGETS) {
            Target.Paired paired = (Target.Paired) t;
            if (paired.rows() instanceof Target.Scaling s) {
                scaling++;
                // PairedCalls sets a side's CPU time against its declared threads × its wall time.
                assertEquals(s.threads(), callThreads(paired.calls().numerator()), paired.calls().numerator());
                assertEquals(1, callThreads(paired.calls().denominator()), paired.calls().denominator());
            }
        }
        assertEquals(4, scaling, "decode and prefill on two threads, each with the single-thread pool and the polling executor");
    }

    private static KernelEntry entry(String name) {
        return Catalog.KERNELS.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    /** The {@link CallThreads} of a side's benchmark method, else 1. */
    private static int callThreads(String spec) throws ClassNotFoundException {
        String call = spec.split(":", 2)[0];
        int dot = call.lastIndexOf('.');
        return Arrays.stream(Class.forName("dev.posenc.bench." + call.substring(0, dot)).getMethods())
                .filter(m -> m.getName().equals(call.substring(dot + 1))).findFirst().orElseThrow()
                .getAnnotation(CallThreads.class) instanceof CallThreads c ? c.value() : 1;
    }

    /** The reference side of a kernel's benchmark; a probe (no {@code impl} field) as it is. */
    private static String reference(String spec) throws ClassNotFoundException {
        String type = spec.substring(0, spec.lastIndexOf('.', spec.indexOf(':') < 0 ? spec.length() : spec.indexOf(':')));
        boolean kernel = Arrays.stream(Class.forName("dev.posenc.bench." + type).getFields()).anyMatch(f -> f.getName().equals("impl"));
        return !kernel ? spec : spec + (spec.contains(":") ? "," : ":") + "impl=reference";
    }
}
