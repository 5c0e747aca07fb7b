package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void ratesGetAnSiPrefixAndThreeSignificantDigits() {
        assertEquals("3.12 G elem/s", Units.ELEMENTS.format(3.123e9));
        assertEquals("54.7 M elem/s", Units.ELEMENTS.format(54.7e6));
        assertEquals("999 elem/s", Units.ELEMENTS.format(999));
        assertEquals("45.6 GFLOP/s", Units.FLOPS.format(45.6e9));
        assertEquals("225 GB/s", Units.BYTES.format(225e9));
        assertEquals("1.20 TB/s", Units.BYTES.format(1.2e12));
    }

    @Test
    void sizesUseBinaryUnits() {
        assertEquals("4 MiB", Units.bytes(4 << 20));
        assertEquals("1.50 KiB", Units.bytes(1536));
        assertEquals("512 B", Units.bytes(512));
    }

    @Test
    void ratiosAndPercentages() {
        assertEquals("12.4×", Units.times(12.41));
        assertEquals("17%", Units.percent(0.1653));
        assertEquals("1.2%", Units.percent(0.0123));
    }
}
