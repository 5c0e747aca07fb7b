package dev.posenc.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One data or unified cache as Linux sysfs describes it for CPU 0
 * ({@code /sys/devices/system/cpu/cpu0/cache/index*}). A virtual machine's sysfs says what the
 * hypervisor chose to expose, which can differ from the chip: the report prints these as sysfs's word
 * and reads memory levels from its measured bandwidth curve instead.
 *
 * @param level      1, 2, 3…
 * @param type       {@code Data} or {@code Unified}
 * @param bytes      its size
 * @param sharedWith the CPUs sharing it ({@code shared_cpu_list})
 */
record SysfsCache(int level, String type, long bytes, String sharedWith) {
    private static final Path CPU0 = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /** The data and unified caches of CPU 0, by level; empty where sysfs has none. */
    static List<SysfsCache> read() {
        try (Stream<Path> entries = Files.list(CPU0)) {
            return entries.filter(dir -> dir.getFileName().toString().startsWith("index"))
                    .map(SysfsCache::read)
                    .filter(c -> c.bytes > 0 && !c.type.equals("Instruction"))
                    .sorted(Comparator.comparingInt(SysfsCache::level))
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** E.g. {@code L2 2 MiB (CPUs 0)}. */
    String describe() {
        return "L" + level + (type.equals("Data") ? "d" : "") + " " + Units.bytes(bytes) + " (CPUs " + sharedWith + ")";
    }

    private static SysfsCache read(Path dir) {
        String level = text(dir.resolve("level"));
        return new SysfsCache(level.isEmpty() ? 0 : Integer.parseInt(level), text(dir.resolve("type")),
                parseSize(text(dir.resolve("size"))), text(dir.resolve("shared_cpu_list")));
    }

    private static String text(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Parses sysfs sizes such as {@code 1024K} or {@code 32M}; -1 if empty. */
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
