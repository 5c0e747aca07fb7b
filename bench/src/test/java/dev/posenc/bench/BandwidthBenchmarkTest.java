package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The memory probe's sweeps hold and move the bytes their pattern says per element. */
class BandwidthBenchmarkTest {
    @Test
    void eachPatternMovesItsBytesPerElementOverItsWorkingSet() {
        for (AccessPattern pattern : AccessPattern.values()) {
            BandwidthBenchmark b = new BandwidthBenchmark();
            b.pattern = pattern;
            b.bytes = 3L * 4096 * 16;
            b.setUp();
            Bytes counter = new Bytes();
            b.sweep(counter);
            assertEquals(b.bytes / pattern.bytesResident() * pattern.bytesMoved(), counter.bytes, pattern.name());
        }
    }

    @Test
    void theNarrowSweepWritesEachFloatsTopSixteenBits() {
        BandwidthBenchmark b = new BandwidthBenchmark();
        b.pattern = AccessPattern.NARROW;
        b.bytes = 12288;
        b.setUp();
        short[] halves = (short[]) b.sweep(new Bytes());
        assertEquals(2048, halves.length, "12 KiB of working set: 2048 floats and as many 16-bit values");
        // One float array, filled last with y's value (y is x when a pattern keeps a single float array).
        for (short h : halves) {
            assertEquals((short) (Float.floatToRawIntBits(0.5f) >>> 16), h);
        }
    }
}
