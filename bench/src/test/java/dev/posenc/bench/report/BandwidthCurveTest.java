package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading memory levels from a bandwidth curve, with sysfs that tells the truth and with sysfs that does not. */
class BandwidthCurveTest {
    static final long K = 1 << 10;
    static final long M = 1 << 20;

    /** A curve at 16 KiB × 2^k: 120 GB/s up to {@code l1}, 60 up to {@code l2}, 25 up to {@code l3}, then 10. */
    static BandwidthCurve curve(long l1, long l2, long l3, List<SysfsCache> sysfs) {
        List<BandwidthCurve.Point> points = new ArrayList<>();
        for (long bytes : BandwidthCurve.WORKING_SETS) {
            double gbs = bytes <= l1 ? 120 : bytes <= l2 ? 60 : bytes <= l3 ? 25 : 10;
            points.add(new BandwidthCurve.Point(bytes, new Rate(gbs * 1e9, gbs * 0.97e9, gbs * 1.02e9)));
        }
        return new BandwidthCurve(points, sysfs);
    }

    static SysfsCache cache(int level, long bytes) {
        return new SysfsCache(level, level == 1 ? "Data" : "Unified", bytes, "0");
    }

    @Test
    void theCurveFromSixteenKibToOneGibHasSeventeenPoints() {
        assertEquals(17, BandwidthCurve.WORKING_SETS.size());
        assertEquals(16 * K, BandwidthCurve.WORKING_SETS.get(0));
        assertEquals(1L << 30, BandwidthCurve.WORKING_SETS.get(16));
    }

    @Test
    void levelsAreNamedAfterTheSysfsCacheWhoseSizeLiesInTheirStep() {
        BandwidthCurve curve = curve(32 * K, M, 16 * M, List.of(cache(1, 48 * K), cache(2, 2 * M), cache(3, 32 * M)));
        List<BandwidthCurve.Level> levels = curve.levels();
        assertEquals(List.of("L1", "L2", "L3", "DRAM"), levels.stream().map(BandwidthCurve.Level::name).toList());
        assertEquals(64 * K, levels.get(1).from());
        assertEquals(M, levels.get(1).to());
        assertEquals(61.2e9, levels.get(1).bandwidth(), 1e3);   // the best iteration (+2%)
        assertEquals("L2", curve.levelOf(512 * K));
        assertEquals("L2→L3", curve.levelOf(1.5 * M));
        assertEquals("DRAM", curve.levelOf(2L << 30));
    }

    /**
     * Where a cache's size is a measured working set that runs between two levels (the 2 MiB point of this project's
     * Xeon on 2026-11-30 22:02: 79 GB/s up to 1 MiB, 55 at 2 MiB, 29 from 4 MiB), the steps on both sides hold that size:
     * the cache names the first level only, and the point between is a level of its own with a note saying so.
     */
    @Test
    void aSysfsCacheNamesOneLevelOnly() {
        List<BandwidthCurve.Point> points = new ArrayList<>();
        for (long bytes : BandwidthCurve.WORKING_SETS) {
            double gbs = bytes <= 32 * K ? 342 : bytes <= M ? 79 : bytes <= 2 * M ? 55 : bytes <= 64 * M ? 29 : bytes <= 128 * M ? 17 : 13.5;
            points.add(new BandwidthCurve.Point(bytes, new Rate(gbs * 1e9, gbs * 0.97e9, gbs * 1.02e9)));
        }
        List<SysfsCache> sysfs = List.of(cache(1, 48 * K), cache(2, 2 * M), new SysfsCache(2, "Unified", 2 * M, "1"),
                cache(3, 260 * M));
        List<BandwidthCurve.Level> levels = new BandwidthCurve(points, sysfs).levels();
        assertEquals(List.of("L1", "L2", "level 3", "level 4", "level 5", "beyond the last step"),
                levels.stream().map(BandwidthCurve.Level::name).toList());
        assertEquals(2 * M, levels.get(2).from());
        assertTrue(levels.get(2).note().contains("L2 2 MiB (CPUs 0), L2 2 MiB (CPUs 1) names the level before"), levels.get(2).note());
        assertTrue(levels.get(3).note().contains("where sysfs lists no cache size"), levels.get(3).note());
    }

    @Test
    void aVmWhoseSysfsUnderstatesTheCachesGetsNeutralNamesAndNotes() {
        // The chip's L2 is 1 MiB and L3 32 MiB; this VM's sysfs says 256 KiB and 8 MiB.
        BandwidthCurve curve = curve(32 * K, M, 32 * M, List.of(cache(1, 48 * K), cache(2, 256 * K), cache(3, 8 * M)));
        List<BandwidthCurve.Level> levels = curve.levels();
        assertEquals(List.of("L1", "level 2", "level 3", "DRAM"), levels.stream().map(BandwidthCurve.Level::name).toList());
        assertTrue(levels.get(1).note().contains("sysfs lists no cache size"), levels.get(1).note());
        assertTrue(levels.get(1).note().contains("L2 256 KiB (CPUs 0) lies inside this plateau"), levels.get(1).note());
        assertTrue(levels.get(2).note().contains("L3 8 MiB (CPUs 0) lies inside this plateau"), levels.get(2).note());
    }

    @Test
    void aSysfsCacheLargerThanEveryStepKeepsTheLastLevelFromBeingCalledDram() {
        // This machine's sysfs: L2 2 MiB, L3 300 MiB; suppose the curve drops only at 2 MiB and 64 MiB.
        BandwidthCurve curve = curve(32 * K, 2 * M, 64 * M, List.of(cache(1, 48 * K), cache(2, 2 * M), cache(3, 300 * M)));
        List<BandwidthCurve.Level> levels = curve.levels();
        assertEquals(List.of("L1", "L2", "level 3", "beyond the last step"),
                levels.stream().map(BandwidthCurve.Level::name).toList());
        assertTrue(levels.get(3).note().contains("L3 300 MiB"), levels.get(3).note());
    }

    @Test
    void sysfsSizesParse() {
        assertEquals(M, SysfsCache.parseSize("1024K"));
        assertEquals(32 * M, SysfsCache.parseSize("32M"));
        assertEquals(512, SysfsCache.parseSize("512"));
        assertEquals(-1, SysfsCache.parseSize(""));
    }
}
