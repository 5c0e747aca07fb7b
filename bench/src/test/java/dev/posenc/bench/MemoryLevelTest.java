package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryLevelTest {
    @Test
    void sysfsSizesParse() {
        assertEquals(1L << 20, MemoryLevel.parseSize("1024K"));
        assertEquals(32L << 20, MemoryLevel.parseSize("32M"));
        assertEquals(512, MemoryLevel.parseSize("512"));
        assertEquals(-1, MemoryLevel.parseSize(""));
    }

    @Test
    void aWorkingSetLivesInTheFastestLevelThatHoldsIt() {
        assertTrue(MemoryLevel.L2.capacity() < MemoryLevel.L3.capacity());
        assertEquals(MemoryLevel.L2, MemoryLevel.holding(MemoryLevel.L2.capacity()));
        assertEquals(MemoryLevel.L3, MemoryLevel.holding(MemoryLevel.L2.capacity() + 1));
        assertEquals(MemoryLevel.DRAM, MemoryLevel.holding(MemoryLevel.L3.capacity() + 1));
    }

    @Test
    void eachProbeFitsItsLevelButNotTheOneBelow() {
        assertTrue(MemoryLevel.L2.probeBytes() <= MemoryLevel.L2.capacity());
        assertTrue(MemoryLevel.L3.probeBytes() > MemoryLevel.L2.capacity());
        assertTrue(MemoryLevel.L3.probeBytes() <= MemoryLevel.L3.capacity());
        assertTrue(MemoryLevel.DRAM.probeBytes() >= 8 * MemoryLevel.L3.capacity());
    }
}
