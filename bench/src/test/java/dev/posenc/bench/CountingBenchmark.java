package dev.posenc.bench;

import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Calls for {@code PairedCallsTest}: counts, in static fields of the class as its loader loaded it, the objects set up
 * and torn down and the calls, so that a test can tell in which loader a side's first calls ran.
 */
public class CountingBenchmark {
    public static int setUps;
    public static int calls;
    public static int tearDowns;

    @Setup
    public void setUp() {
        setUps++;
    }

    public int call() {
        return ++calls;
    }

    @TearDown
    public void tearDown() {
        tearDowns++;
    }
}
