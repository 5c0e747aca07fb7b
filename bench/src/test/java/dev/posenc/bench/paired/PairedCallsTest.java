package dev.posenc.bench.paired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.CountingBenchmark;
import java.io.File;
import java.util.List;
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
            assertNotSame(a.benchmark().getClass(), b.benchmark().getClass(), "two class loaders, two copies of the benchmark");
        }
        assertThrows(NoSuchFieldException.class, () -> new PairedCalls.Side(classPath, "SoftmaxBenchmark.softmax:nope=1"));
        // A probe (no impl field) against a kernel over as many elements: its share of that ceiling.
        try (PairedCalls.Side probe = new PairedCalls.Side(classPath, "SpecialFunctionBenchmark.apply:function=EXP,elements=80");
             PairedCalls.Side kernel = new PairedCalls.Side(classPath, "SoftmaxBenchmark.softmax:rows=2,cols=40")) {
            assertEquals(3, PairedCalls.run(probe, kernel, 1, 3, 0).pairs());
            // Short calls: at least the given time, so many more pairs than asked.
            PairedTimes longer = PairedCalls.run(probe, kernel, 1, 3, 50_000_000);
            assertTrue(longer.pairs() > 3, longer.summary());
        }
        assertThrows(IllegalArgumentException.class, () -> PairedCalls.time(classPath, spec, classPath, spec, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PairedTimes(new long[2], new long[3]));
    }

    @Test
    void sidesCallingTwoMethodsOfOneBenchmarkSetUpAlikeInOneBuildCallOneObject() throws Exception {
        String classPath = System.getProperty("java.class.path");
        String fields = "keys=48,kv=f32,scheme=alibi,storage=offheap";
        try (PairedCalls.Side read = new PairedCalls.Side(classPath, "DecodeBenchmark.readCache:" + fields);
             PairedCalls.Side step = PairedCalls.Side.of(classPath, "DecodeBenchmark.decode:impl=vector,storage=offheap,keys=48,"
                     + "kv=f32,scheme=alibi", List.of(read));
             PairedCalls.Side two = PairedCalls.Side.of(classPath, "DecodeBenchmark.decodeTwoThreads:" + fields, List.of(step));
             PairedCalls.Side itself = PairedCalls.Side.of(classPath, "DecodeBenchmark.readCache:" + fields, List.of(read));
             PairedCalls.Side otherFields = PairedCalls.Side.of(classPath, "DecodeBenchmark.decode:" + fields.replace("48", "64"),
                     List.of(read));
             PairedCalls.Side otherBuild = PairedCalls.Side.of(classPath + File.pathSeparator, "DecodeBenchmark.decode:" + fields,
                     List.of(read))) {
            // The same fields in another order, impl given or left to its default: one object, one cache.
            assertSame(read.benchmark(), step.benchmark());
            assertSame(read.benchmark(), two.benchmark(), "the step on two threads reads the one-thread step's cache");
            assertEquals(2, two.threads);
            // A call paired with itself, other fields, another class path (another build): an object of its own.
            assertNotSame(read.benchmark(), itself.benchmark());
            assertNotSame(read.benchmark().getClass(), itself.benchmark().getClass(), "in a loader of its own");
            assertNotSame(read.benchmark(), otherFields.benchmark());
            assertNotSame(read.benchmark().getClass(), otherBuild.benchmark().getClass());
            // Each side counts its own calls' work.
            PairedTimes t = PairedCalls.run(read, step, 0, 2, 0);
            assertEquals(2, t.pairs());
            assertEquals(2.0 * 48 * 8 * 128 * Float.BYTES, read.perCall("bytes"), "K and V: 8 kv heads × 128 floats per position");
            assertThrows(IllegalArgumentException.class, () -> step.perCall("bytes"), "the step counts no bytes");
            // A side sharing the object leaves it to the side that set it up: closing it tears nothing down.
            step.close();
            two.close();
            PairedCalls.run(read, otherFields, 0, 1, 0);
        }
        assertThrows(IllegalArgumentException.class, () -> PairedCalls.Side.of(classPath, "DecodeBenchmark.nope:" + fields, List.of()));
    }

    @Test
    void firstCallsRunInTheSidesOwnLoaderOnAnObjectOfTheirOwn() throws Exception {
        String classPath = System.getProperty("java.class.path");
        try (PairedCalls.Side side = new PairedCalls.Side(classPath, "SoftmaxBenchmark.softmax:impl=reference,rows=2,cols=40");
             PairedCalls.Side other = new PairedCalls.Side(classPath, "CountingBenchmark.call")) {
            side.callFirst("CountingBenchmark.call", 1_000_000);
            ClassLoader loader = side.benchmark().getClass().getClassLoader();
            Class<?> counting = loader.loadClass(CountingBenchmark.class.getName());
            assertNotSame(CountingBenchmark.class, counting, "the side's build, not the test's");
            assertEquals(1, counting.getField("setUps").getInt(null));
            assertEquals(1, counting.getField("tearDowns").getInt(null), "its object torn down when done");
            assertTrue(counting.getField("calls").getInt(null) >= PairedCalls.FREE_PAIRS, "until settled");
            assertEquals(0, CountingBenchmark.calls);
            // The side's loader stays open for the side: it still loads classes.
            assertEquals("SpinBenchmark", loader.loadClass("dev.posenc.bench.SpinBenchmark").getSimpleName());
            assertEquals(1, PairedCalls.run(side, other, 0, 1, 0).pairs());
        }
    }

    @Test
    void theShorterCallRepeatsToLastAsLongAsTheOtherUpToTheCap() throws Exception {
        String classPath = System.getProperty("java.class.path");
        try (PairedCalls.Side a = new PairedCalls.Side(classPath, "SpecialFunctionBenchmark.apply:function=EXP,elements=80");
             PairedCalls.Side b = new PairedCalls.Side(classPath, "SoftmaxBenchmark.softmax:rows=2,cols=40")) {
            PairedCalls.balance(a, 3_000, b, 6_000_000);
            assertEquals(2000, a.repeat);
            assertEquals(1, b.repeat);
            PairedCalls.balance(a, 3_000, b, 100_000_000);   // a prefill beside the FMA probe: 20 ms of probe calls
            assertEquals(PairedCalls.BALANCE_NANOS / 3_000, a.repeat, 1);
            PairedCalls.balance(a, 150_000_000, b, 100_000_000);   // two long calls: one each
            assertEquals(1, a.repeat);
            assertEquals(1, b.repeat);
            // Repeated calls: the time is per call, the work counted per call stays the benchmark's.
            PairedCalls.balance(a, 1_000, b, 5_000);
            assertEquals(5, a.repeat);
            PairedTimes t = PairedCalls.run(a, b, 0, 2, 0, "elements");
            assertEquals(80, t.workA());
            assertEquals(80, t.workB(), "softmax counts the elements of its 2 × 40 rows");
            assertThrows(IllegalArgumentException.class, () -> a.perCall("flops"));
        }
    }

    @Test
    void sidesDoingDifferentWorkCompareAsRatesOfTheirCounter() throws Exception {
        String classPath = System.getProperty("java.class.path");
        PairedTimes t = PairedCalls.time(classPath, "PeakBenchmark.fma", classPath, "PeakBenchmark.fma", 0, 2, 0,
                java.util.Optional.of("flops"));
        assertEquals(2.0 * 12 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() * 1024, t.workA());
        // A long parameter (bytes) is set, and a side without the counter says so.
        assertThrows(IllegalArgumentException.class, () -> PairedCalls.time(classPath, "PeakBenchmark.fma", classPath,
                "BandwidthBenchmark.sweep:pattern=READ,bytes=65536", 0, 2, 0, java.util.Optional.of("bytes")));
        PairedTimes bytes = PairedCalls.time(classPath, "BandwidthBenchmark.sweep:pattern=READ,bytes=65536", classPath,
                "BandwidthBenchmark.sweep:pattern=READ,bytes=131072", 0, 2, 0, java.util.Optional.of("bytes"));
        assertEquals(65536, bytes.workA());
        assertEquals(131072, bytes.workB());
        // B twice A's work in twice A's time: the same rate.
        PairedTimes rates = new PairedTimes(new long[] {1000, 1000}, new long[] {2000, 2000}).per("bytes", 1, 2);
        assertEquals(1.0, rates.medianSpeed());
        assertTrue(rates.summary().contains("B's bytes/s (A 1.00, B 2.00 bytes per call) ÷ A's, paired: median 1.000"), rates.summary());
        assertThrows(IllegalArgumentException.class, () -> rates.per("bytes", 0, 1));
    }

    @Test
    void theWarmUpWaitsForBothSidesToStopAllocatingUpToItsLimit() throws Exception {
        long second = 1_000_000_000L;
        int free = PairedCalls.FREE_PAIRS;
        assertTrue(PairedCalls.warming(4, 5, 2 * second, second, free), "at least the pairs asked");
        assertTrue(PairedCalls.warming(5, 5, second / 2, second, free), "at least the time asked");
        assertEquals(false, PairedCalls.warming(5, 5, second, second, free), "both sides allocation-free: done");
        assertTrue(PairedCalls.warming(5, 5, 2 * second, second, free - 1), "a side still allocated a pair ago");
        assertTrue(PairedCalls.warming(5, 5, (1 + PairedCalls.ALLOCATION_WAIT) * second - 1, second, 0));
        assertEquals(false, PairedCalls.warming(5, 5, (1 + PairedCalls.ALLOCATION_WAIT) * second, second, 0), "the limit");
        // Each timing measures what its calls allocated: the first call of a kernel, interpreted, boxes its vectors.
        String classPath = System.getProperty("java.class.path");
        try (PairedCalls.Side a = new PairedCalls.Side(classPath, "SoftmaxBenchmark.softmax:rows=2,cols=40")) {
            a.time();
            assertTrue(a.allocated >= PairedCalls.ALLOCATION_FREE, a.allocated + " B/call");
        }
    }

    @Test
    void eachPairingSaysWhatItsSidesRanBeside() throws Exception {
        String classPath = System.getProperty("java.class.path");
        String spec = "SoftmaxBenchmark.softmax:impl=reference,rows=2,cols=40";
        try (PairedCalls.Side a = new PairedCalls.Side(classPath, spec); PairedCalls.Side b = new PairedCalls.Side(classPath, spec)) {
            PairedTimes.Conditions c = PairedCalls.run(a, b, 0, 3, 0).conditions();
            assertTrue(c.onCpuA() > 0 && c.onCpuB() > 0, c.toString());
            assertTrue(c.bytesA() >= 0 && c.bytesB() >= 0 && c.compileMillis() >= 0, c.toString());
        }
        // What the conditions suggest: a side off its CPU shared it; a side that allocates a kilobyte per call is not compiled.
        assertTrue(new PairedTimes.Conditions(0.5, 1, 1, 1, 0, 0, 0).describe().contains("a side shared its CPU"));
        assertTrue(new PairedTimes.Conditions(1, 1, 1, 1, 0, PairedCalls.ALLOCATION_FREE, 0).describe().contains("a side allocated"));
        assertEquals("on a CPU in 3 timings of 4: A 100%, B 95% of the time; allocated A 0, B 16 B/call; JIT 3 ms",
                new PairedTimes.Conditions(1, 0.95, 1, 1, 0, 16, 3).describe());
        assertEquals("", PairedTimes.Conditions.UNKNOWN.describe(), "made-up times say nothing of their conditions");
        String made = new PairedTimes(new long[] {1}, new long[] {1}).describe();
        assertTrue(made.endsWith("quartiles 1.000–1.000"), made);
    }

    @Test
    void aTwoThreadSideIsOnACpuOnlyIfEachOfItsThreadsIs() throws Exception {
        String classPath = System.getProperty("java.class.path");
        try (PairedCalls.Side sleeps = new PairedCalls.Side(classPath, "SpinBenchmark.secondSleeps");
             PairedCalls.Side spins = new PairedCalls.Side(classPath, "SpinBenchmark.bothSpin")) {
            assertEquals(2, sleeps.threads, "@CallThreads(2)");
            PairedTimes.Conditions c = PairedCalls.run(sleeps, spins, 0, 9, 0).conditions();
            // The calling thread spins all the call; the second sleeps: at most half of 2 × the wall time, whatever the load
            // (the calling thread alone was on a CPU up to 100% of the time, which the rule used to take for the side's).
            assertTrue(c.onCpuA() < 0.55, c.describe());
            String why = c.undecided().orElseThrow();
            assertTrue(why.startsWith("side A was on a CPU for "), why);
            assertTrue(why.contains("% or less of 2 threads × its wall time in a quarter of its timings, below 90% (a thread of it did not get"
                    + " a CPU, or waited)"), why);
            assertTrue(c.describe().contains("(2 threads)"), c.describe());
            // Where the second thread spins, its CPU time counts: about as much as the calling thread's. Not "≥ 0.9": on a
            // loaded machine (or in a CPU-limited group) the two threads share what the process gets, and then the side
            // rightly does not pass; so the second thread's share is read beside the calling thread's, call by call.
            assertTrue(secondThreadOverCaller(spins) > 0.5, "the spinning second thread counts");
            assertTrue(secondThreadOverCaller(sleeps) < 0.2, "the sleeping one does not");
            // What a call allocates excludes reading the threads' CPU time: 80 B per call here, 552 B with it (in the
            // bench's JVM, with more threads, a compiled prefill on two threads read as 1112 B, "not compiled", not 328 B).
            assertTrue(spins.allocated < 256, spins.allocated + " B per call of a pool submit");
        }
        // The sides of the report's scaling targets declare their threads.
        try (PairedCalls.Side two = new PairedCalls.Side(classPath, "AttentionBenchmark.prefillTwoThreads:impl=reference,scheme=none");
             PairedCalls.Side one = new PairedCalls.Side(classPath, "AttentionBenchmark.prefill:impl=reference,scheme=none")) {
            assertEquals(2, two.threads);
            assertEquals(1, one.threads);
        }
        assertThrows(IllegalArgumentException.class, () -> new PairedTimes.Conditions(1, 1, 0, 1, 0, 0, 0));
    }

    /**
     * The median over calls of {@code side}'s CPU time but its calling thread's ÷ the calling thread's: the side's
     * share × 2 × the call's wall time, less the calling thread's CPU time around the call (a little more than inside it).
     */
    private static double secondThreadOverCaller(PairedCalls.Side side) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ratios = new double[9];
        for (int i = 0; i < ratios.length; i++) {
            long before = threads.getCurrentThreadCpuTime();
            long nanos = side.time();
            long caller = threads.getCurrentThreadCpuTime() - before;
            ratios[i] = (side.onCpu * side.threads * nanos - caller) / caller;
        }
        java.util.Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }

    @Test
    void aWarmUpPairSettlesOnlyAllocationFreeWithTheJitIdle() {
        assertEquals(3, PairedCalls.settled(2, true, true));
        assertEquals(0, PairedCalls.settled(2, true, false), "the JIT compiled during the pair: code may still change");
        assertEquals(0, PairedCalls.settled(2, false, true), "a side still boxes its vectors");
    }
}
