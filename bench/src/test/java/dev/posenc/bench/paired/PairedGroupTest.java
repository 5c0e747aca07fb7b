package dev.posenc.bench.paired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PairedGroupTest {
    private static PairedGroup.Pair pair(String a, String b) {
        return new PairedGroup.Pair(a, b, Optional.empty());
    }

    @Test
    void pairingsThatShareASideFormOneGroupInTheirOrder() {
        PairedGroup.Pair ab = pair("A", "B");
        PairedGroup.Pair cd = pair("C", "D");
        PairedGroup.Pair eb = pair("E", "B");
        PairedGroup.Pair fg = pair("F", "G");
        PairedGroup.Pair dg = pair("D", "G"); // joins {C, D} and {F, G}
        assertEquals(List.of(List.of(ab, eb), List.of(cd, fg, dg)), PairedGroup.groups(List.of(ab, cd, eb, fg, dg)));
        assertEquals(List.of(List.of(ab), List.of(cd)), PairedGroup.groups(List.of(ab, cd)));
        assertEquals(List.of(), PairedGroup.groups(List.of()));
    }

    @Test
    void aPairingsTimesCrossFromTheGroupsJvmUnchanged() {
        PairedTimes t = new PairedTimes(new long[] {3, 5}, new long[] {7, 11}).per("flops", 2.5, 1e9)
                .in(new PairedTimes.Conditions(0.97, 0.5, 1, 2, 0, 2048.5, 12));
        String line = PairedGroup.encode(4, t);
        assertTrue(line.startsWith(PairedGroup.RESULT + "4 "), line);
        String[] fields = line.substring(PairedGroup.RESULT.length()).split(" ");
        PairedTimes back = PairedGroup.decode(fields);
        assertEquals(List.of(3L, 5L), List.of(back.a()[0], back.a()[1]));
        assertEquals(List.of(7L, 11L), List.of(back.b()[0], back.b()[1]));
        assertEquals(t.summary(), back.summary());
        assertEquals(t.conditions(), back.conditions());
    }

    @Test
    void aGroupRunsInAFreshJvmEachSideSetUpOnce() throws Exception {
        String classPath = System.getProperty("java.class.path");
        String softmax = "SoftmaxBenchmark.softmax:impl=reference,rows=2,cols=40";
        PairedGroup.Pair probe = new PairedGroup.Pair("SpecialFunctionBenchmark.apply:function=EXP,elements=80", softmax,
                Optional.of("elements"));
        PairedGroup.Pair itself = pair(softmax, softmax);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<PairedGroup.Pair, PairedTimes> times = PairedGroup.time(classPath, List.of(probe, itself), 1, 3, 0,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(List.of(probe, itself), List.copyOf(times.keySet()));
        assertEquals(80, times.get(probe).workB(), "softmax counts the elements of its 2 × 40 rows");
        assertTrue(times.get(itself).pairs() >= 3);
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("paired calls " + softmax + " ÷ " + softmax), printed);
        assertTrue(printed.contains("on a CPU in 3 timings of 4: A "), "each pairing says what it ran beside: " + printed);
        assertTrue(printed.contains("3 sides calling 3 benchmark objects set up for 2 pairings"),
                "softmax set up once for both pairings, and once more beside itself: " + printed);
        // A decode step, a read of its cache and the step on two threads: three sides, one object, one cache.
        String fields = ":impl=reference,keys=48,kv=f32,scheme=alibi,storage=offheap";
        PairedGroup.Pair read = pair("DecodeBenchmark.readCache" + fields, "DecodeBenchmark.decode" + fields);
        PairedGroup.Pair two = pair("DecodeBenchmark.decode" + fields, "DecodeBenchmark.decodeTwoThreads" + fields);
        log.reset();
        assertEquals(List.of(read, two), List.copyOf(PairedGroup.time(classPath, List.of(read, two), 0, 1, 0,
                new PrintStream(log, true, StandardCharsets.UTF_8)).keySet()));
        printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("3 sides calling 1 benchmark object set up for 2 pairings"), printed);
        // A side that cannot load fails the group, naming it.
        PairedGroup.Pair bad = pair(softmax, "SoftmaxBenchmark.softmax:nope=1");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PairedGroup.time(classPath, List.of(bad), 0, 1, 0,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("nope=1"), e.getMessage());
    }
}
