package dev.posenc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a working set lives: the CPU's L2 or L3 cache, or main memory. Cache sizes are read from
 * Linux sysfs ({@code /sys/devices/system/cpu/cpu0/cache}); elsewhere small, common defaults are
 * assumed (256 KiB L2, 8 MiB L3), which only makes the report compare against slower levels.
 */
public enum MemoryLevel {
    L2(2, 256 << 10),
    L3(3, 8 << 20),
    DRAM(0, Long.MAX_VALUE);

    private final long capacity;

    MemoryLevel(int cacheLevel, long fallback) {
        this.capacity = cacheLevel == 0 ? fallback : cacheSize(cacheLevel).orElse(fallback);
    }

    /** Bytes this level holds ({@link Long#MAX_VALUE} for DRAM). */
    public long capacity() {
        return capacity;
    }

    /**
     * The bytes the peak probe sweeps to measure this level: half the cache (sure to stay in it, too
     * big for the level below), and for DRAM 256 MiB or 8 × L3, whichever is larger.
     */
    public long probeBytes() {
        return this == DRAM ? Math.max(256L << 20, 8 * L3.capacity) : capacity / 2;
    }

    /** The fastest level that holds {@code workingSetBytes}. */
    public static MemoryLevel holding(double workingSetBytes) {
        return Arrays.stream(values()).filter(level -> workingSetBytes <= level.capacity).findFirst().orElse(DRAM);
    }

    private static java.util.OptionalLong cacheSize(int level) {
        Path caches = Path.of("/sys/devices/system/cpu/cpu0/cache");
        try (var entries = Files.list(caches)) {
            return entries.filter(dir -> dir.getFileName().toString().startsWith("index"))
                    .filter(dir -> read(dir.resolve("level")).equals(Integer.toString(level))
                            && !read(dir.resolve("type")).equals("Instruction"))
                    .mapToLong(dir -> parseSize(read(dir.resolve("size"))))
                    .filter(size -> size > 0)
                    .max();
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Parses sysfs sizes such as {@code 1024K} or {@code 32M}. */
    static long parseSize(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        char unit = Character.toUpperCase(text.charAt(text.length() - 1));
        long multiplier = switch (unit) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
        return Long.parseLong(digits) * multiplier;
    }
}
