package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The memory probe's sweeps hold and move the bytes their pattern says per element. */
class BandwidthBenchmarkTest {
    @Test
    void eachPatternMovesItsBytesPerElementOverItsWorkingSet() {
        for (AccessPattern pattern : AccessPattern.values()) {
            BandwidthBenchmark b = probe(pattern, 3L * 4096 * 16);
            Bytes counter = new Bytes();
            b.sweep(counter);
            assertEquals(b.bytes / pattern.bytesResident() * pattern.bytesMoved(), counter.bytes, pattern.name());
        }
    }

    /** An in-place probe swept as often as a long run sweeps a small working set keeps its values normal. */
    @Test
    void inPlaceSweepsKeepTheFillsMagnitude() {
        BandwidthBenchmark b = probe(AccessPattern.IN_PLACE, 4096);
        MemorySegment x = null;
        for (int sweep = 0; sweep < 100_000; sweep++) {
            x = (MemorySegment) b.sweep(new Bytes());
        }
        for (float v : x.toArray(ValueLayout.JAVA_FLOAT)) {
            assertEquals(0.5f, Math.abs(v), "after 100 000 in-place sweeps");
        }
    }

    @Test
    void theNarrowSweepWritesEachFloatsTopSixteenBits() {
        BandwidthBenchmark b = probe(AccessPattern.NARROW, 12288);
        short[] halves = ((MemorySegment) b.sweep(new Bytes())).toArray(ValueLayout.JAVA_SHORT);
        assertEquals(2048, halves.length, "12 KiB of working set: 2048 floats and as many 16-bit values");
        // One float array, filled last with y's value (y is x when a pattern keeps a single float array).
        for (short h : halves) {
            assertEquals((short) (Float.floatToRawIntBits(0.5f) >>> 16), h);
        }
    }

    /** Every array a sweep moves starts on a page, whatever the working set: the probe's level is not the allocator's choice. */
    @Test
    void eachArrayStartsOnAPage() {
        for (AccessPattern pattern : AccessPattern.values()) {
            for (long bytes : new long[] {12288, 16384, 3L * 4096 * 16 + 192}) {
                for (MemorySegment array : probe(pattern, bytes).arrays()) {
                    assertEquals(0, array.address() % BandwidthBenchmark.ALIGNMENT, pattern + " over " + bytes + " B");
                }
            }
        }
    }

    /** A probe of {@code pattern} over {@code bytes}, set up. */
    private static BandwidthBenchmark probe(AccessPattern pattern, long bytes) {
        BandwidthBenchmark b = new BandwidthBenchmark();
        b.pattern = pattern;
        b.bytes = bytes;
        b.setUp();
        return b;
    }
}
