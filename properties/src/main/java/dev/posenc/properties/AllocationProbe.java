package dev.posenc.properties;

import dev.posenc.properties.DeterminismWorkload.Case;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link AllocationContract}'s forked JVM runs: {@code AllocationProbe <provider class> <rounds> <last> <file>}
 * runs every {@link DeterminismWorkload} case {@code rounds} times in turn, each call measured by the thread's
 * allocation counter ({@code com.sun.management.ThreadMXBean}), and writes to the file one line per case,
 * {@value #ALLOCATED} least most name: the fewest and the most bytes one call of the case allocated in the last
 * {@code last} rounds, then the case's name.
 */
final class AllocationProbe {
    /** Prefix of an output line holding a case's allocation. */
    static final String ALLOCATED = "posenc-allocated";

    private AllocationProbe() {}

    public static void main(String[] args) throws ReflectiveOperationException, IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM cannot count the bytes a thread allocates");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        Map<String, Case> byName = DeterminismWorkload.cases(DeterminismWorkload.provider(args[0]));
        int rounds = Integer.parseInt(args[1]);
        int last = Integer.parseInt(args[2]);
        Case[] cases = byName.values().toArray(Case[]::new);
        long[] least = new long[cases.length];
        long[] most = new long[cases.length];
        java.util.Arrays.fill(least, Long.MAX_VALUE);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < cases.length; i++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                cases[i].run();
                long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                if (r >= rounds - last) {
                    least[i] = Math.min(least[i], bytes);
                    most[i] = Math.max(most[i], bytes);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String name : byName.keySet()) {
            lines.add(ALLOCATED + " " + least[i] + " " + most[i] + " " + name);
            i++;
        }
        Files.write(Path.of(args[3]), lines);
    }
}
