package dev.posenc.bench.report;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.posenc.Kernels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What the report ran on: CPU model and identification, cores, caches as sysfs reports them, vector
 * width, JDK, OS, the library's choice of implementation, the source commit, the load before and after,
 * and the date. Read from Linux {@code /proc} and {@code /sys} where present, else from the JVM; each
 * item says where it comes from when that matters (a VM's sysfs cache sizes can be wrong).
 */
record Machine(String cpu, String cores, String isa, String caches, String memory, String preferredVector,
               String jdk, String os, String implementation, String commit, String loadBefore, String loadAfter,
               ZonedDateTime date) {

    private static final List<String> ISA_FLAGS = List.of("sse4_2", "avx2", "fma", "avx512f", "avx512_bf16", "asimd", "sve");

    static Machine describe() {
        List<Map<String, String>> processors = cpuinfo();
        Map<String, String> first = processors.isEmpty() ? Map.of() : processors.get(0);
        String cpu = first.getOrDefault("model name", first.getOrDefault("Model", System.getProperty("os.arch")))
                + identification(first, flags(first));
        long physical = processors.stream().filter(p -> p.containsKey("core id"))
                .map(p -> p.getOrDefault("physical id", "0") + "/" + p.get("core id")).distinct().count();
        String cores = Runtime.getRuntime().availableProcessors() + " logical CPUs"
                + (physical > 0 ? " on " + physical + " physical cores" : "");
        String isa = ISA_FLAGS.stream().filter(flags(first)::contains).collect(Collectors.joining(", "));
        List<SysfsCache> sysfs = SysfsCache.read();
        String caches = sysfs.isEmpty() ? "not reported by sysfs"
                : String.join(", ", sysfs.stream().map(SysfsCache::describe).toList())
                + " — as sysfs reports them (a VM's can differ from the chip; the measured levels are below)";
        return new Machine(cpu, cores, isa.isEmpty() ? "unknown" : isa, caches, totalMemory(), vectorSupport(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                        + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Kernels.get().name() + ": " + Kernels.get().description(),
                sourceCommit(), loadAverage(), "not yet measured", ZonedDateTime.now().withNano(0));
    }

    /** The same machine with the load average read now, at the end of the run. */
    Machine withLoadAfter() {
        return new Machine(cpu, cores, isa, caches, memory, preferredVector, jdk, os, implementation, commit, loadBefore,
                loadAverage(), date);
    }

    private static List<String> flags(Map<String, String> cpu) {
        return Arrays.asList(cpu.getOrDefault("flags", cpu.getOrDefault("Features", "")).split("\\s+"));
    }

    /**
     * E.g. {@code  (GenuineIntel family 6 model 207 stepping 2: Emerald Rapids; virtual machine)}: the
     * numbers from cpuinfo, the microarchitecture where this table knows the family and model, and
     * whether the CPU says it runs under a hypervisor.
     */
    private static String identification(Map<String, String> cpu, List<String> flags) {
        if (!cpu.containsKey("cpu family")) {
            return "";
        }
        String vendor = cpu.getOrDefault("vendor_id", "");
        String family = cpu.get("cpu family");
        String model = cpu.getOrDefault("model", "?");
        String name = switch (vendor + "/" + family + "/" + model) {
            case "GenuineIntel/6/143" -> ": Sapphire Rapids";
            case "GenuineIntel/6/207" -> ": Emerald Rapids";
            case "GenuineIntel/6/173", "GenuineIntel/6/174" -> ": Granite Rapids";
            default -> switch (vendor + "/" + family) {
                case "AuthenticAMD/25" -> ": Zen 3 or Zen 4";
                case "AuthenticAMD/26" -> ": Zen 5";
                default -> "";
            };
        };
        return " (" + vendor + " family " + family + " model " + model + " stepping " + cpu.getOrDefault("stepping", "?")
                + name + (flags.contains("hypervisor") ? "; virtual machine" : "") + ")";
    }

    /** The description as a Markdown list. */
    String toMarkdown() {
        Map<String, String> items = new LinkedHashMap<>();
        items.put("CPU", cpu);
        items.put("Cores", cores);
        items.put("Vector ISA", isa);
        items.put("Caches (sysfs)", caches);
        items.put("Memory", memory);
        items.put("Preferred vector", preferredVector);
        items.put("JDK", jdk);
        items.put("OS", os);
        items.put("posenc implementation", implementation);
        items.put("Commit", commit);
        items.put("Load before", loadBefore);
        items.put("Load after", loadAfter);
        items.put("Date", date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        return items.entrySet().stream().map(e -> "- **" + e.getKey() + "**: " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** One short line for a chart's title: CPU, vector width, JDK, date. */
    String oneLine() {
        return cpu + ", " + preferredVector.replaceFirst(" \\(.*", "") + ", JDK " + Runtime.version().feature() + "."
                + Runtime.version().interim() + "." + Runtime.version().update() + ", " + date.toLocalDate();
    }

    private static String vectorSupport() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "unknown (run with --add-modules jdk.incubator.vector)";
        }
        return PreferredSpecies.describe() + (hotSpotFlag("UseFMA").orElse("false").equals("true") ? ", hardware FMA" : ", no FMA");
    }

    private static Optional<String> hotSpotFlag(String name) {
        try {
            return Optional.of(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * The load averages (1, 5, 15 minutes) from {@code /proc/loadavg}, flagged when the 1-minute one says
     * other work competes for the CPUs the benchmarks use (the report's own run adds about 1).
     */
    static String loadAverage() {
        String[] fields = read(Path.of("/proc/loadavg")).strip().split("\\s+");
        if (fields.length < 3 || fields[0].isEmpty()) {
            return "unknown";
        }
        double load = Double.parseDouble(fields[0]);
        int cpus = Runtime.getRuntime().availableProcessors();
        return fields[0] + ", " + fields[1] + ", " + fields[2] + " (1, 5, 15 min) on " + cpus + " CPUs"
                + (load > cpus - 0.5 ? " — busy: other work competed with the benchmarks, expect low and noisy numbers" : "");
    }

    private static String totalMemory() {
        return read(Path.of("/proc/meminfo")).lines().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Units.bytes(Long.parseLong(l.replaceAll("\\D", "")) * 1024.0)).findFirst()
                .orElse("unknown");
    }

    /** {@code git describe}-like: the short commit, marked dirty if tracked files changed; "unknown" outside git. */
    private static String sourceCommit() {
        Optional<String> head = git("rev-parse", "--short", "HEAD");
        return head.map(h -> h + (git("status", "--porcelain", "--untracked-files=no").map(String::isEmpty).orElse(true)
                ? "" : " (with uncommitted changes)")).orElse("unknown");
    }

    private static Optional<String> git(String... args) {
        try {
            String[] command = new String[args.length + 1];
            command[0] = "git";
            System.arraycopy(args, 0, command, 1, args.length);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** {@code /proc/cpuinfo}: one key → value map per logical CPU (blocks separated by blank lines). */
    private static List<Map<String, String>> cpuinfo() {
        return Arrays.stream(read(Path.of("/proc/cpuinfo")).split("\n\\s*\n"))
                .map(block -> block.lines().filter(l -> l.contains(":"))
                        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')).strip(),
                                l -> l.substring(l.indexOf(':') + 1).strip(), (x, y) -> x, LinkedHashMap::new)))
                .filter(p -> !p.isEmpty())
                .map(p -> (Map<String, String>) p)
                .toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
