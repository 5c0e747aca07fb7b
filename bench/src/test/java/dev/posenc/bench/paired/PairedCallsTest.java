package dev.posenc.bench.paired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedCallsTest {
    @Test
    void parametersAreFieldValuePairsInOrder() {
        assertEquals(Map.of("scheme", "alibi", "keys", "4096"), PairedCalls.params("scheme=alibi,keys=4096"));
        assertEquals(Map.of(), PairedCalls.params(""));
        assertThrows(IllegalArgumentException.class, () -> PairedCalls.params("scheme"));
    }

    @Test
    void theSpeedIsTheMedianOfPairedRatios() {
        // B twice as fast in three pairs of four, as fast in one: median 2, quartiles 2–2 (sorted 1, 2, 2, 2).
        String s = new PairedTimes(new long[] {2_000_000, 4_000_000, 2_000_000, 2_000_000},
                new long[] {1_000_000, 2_000_000, 1_000_000, 2_000_000}).summary();
        assertTrue(s.contains("paired: median 2.000, quartiles 2.000–2.000, 4 pairs"), s);
        assertTrue(s.contains("A median 2.000 ms (fastest 2.000), B median 2.000 ms (fastest 1.000)"), s);
    }

    @Test
    void eachSideIsItsOwnBuildOfTheBenchmark() throws Exception {
        String classPath = System.getProperty("java.class.path");
        String spec = "SoftmaxBenchmark.softmax:impl=reference,rows=2,cols=40";
        try (PairedCalls.Side a = new PairedCalls.Side(classPath, spec); PairedCalls.Side b = new PairedCalls.Side(classPath, spec)) {
            PairedTimes t = PairedCalls.run(a, b, 1, 3, 0);
            assertEquals(3, t.pairs());
            assertTrue(t.a()[2] > 0 && t.b()[2] > 0);
            assertNotSame(a.benchmarkClass(), b.benchmarkClass(), "two class loaders, two copies of the benchmark");
        }
        assertThrows(NoSuchFieldException.class, () -> new PairedCalls.Side(classPath, "SoftmaxBenchmark.softmax:nope=1"));
        // A probe (no impl field) against a kernel over as many elements: its share of that ceiling.
        try (PairedCalls.Side probe = new PairedCalls.Side(classPath, "SpecialFunctionBenchmark.apply:function=EXP,elements=80");
             PairedCalls.Side kernel = new PairedCalls.Side(classPath, "SoftmaxBenchmark.softmax:rows=2,cols=40")) {
            assertEquals(3, PairedCalls.run(probe, kernel, 1, 3, 0).pairs());
            // Short calls: at least the given time, so many more pairs than asked.
            assertTrue(PairedCalls.run(probe, kernel, 1, 3, 50_000_000).pairs() > 3);
        }
        assertThrows(IllegalArgumentException.class, () -> PairedCalls.time(classPath, spec, classPath, spec, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PairedTimes(new long[2], new long[3]));
    }
}
