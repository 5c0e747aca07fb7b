package dev.posenc.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Warms a benchmark before its first JMH iteration, once per fork: calls its benchmark method in batches of 0.05 s
 * until {@value #FREE_BATCHES} batches in a row allocate under {@value #ALLOCATION_FREE} B per call, or 8 s have
 * passed, and prints one line saying which. Until C2 has compiled a Vector API loop (and for a while after a
 * recompilation) its vectors are boxed: kilobytes per call, and a throughput that is not the loop's. How long that
 * lasts depends on the load, so a fixed warm-up is too long on a quiet machine and too short on a busy one. A
 * benchmark that keeps allocating is measured after the limit anyway, and the report's allocation column shows it.
 */
final class AllocationFreeWarmup {
    /**
     * Below this many bytes per call, a batch of calls counts as allocation-free: the report's threshold for
     * "allocates" (a kernel that hands work to a thread pool allocates a few hundred bytes per call by design).
     */
    static final double ALLOCATION_FREE = 1024;
    /** Batches in a row that must be allocation-free. */
    static final int FREE_BATCHES = 3;
    static final long BATCH_NANOS = 50_000_000L;
    static final long LIMIT_NANOS = 8_000_000_000L;

    private boolean warmed;

    /** Warms {@code benchmark}'s method of {@code params}, the first time only. */
    void once(Object benchmark, BenchmarkParams params) throws ReflectiveOperationException {
        if (warmed) {
            return;
        }
        warmed = true;
        String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Method method = Stream.of(benchmark.getClass().getMethods())
                .filter(m -> m.getName().equals(name) && m.isAnnotationPresent(Benchmark.class)).findFirst().orElseThrow();
        Object[] counters = new Object[method.getParameterCount()];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = method.getParameterTypes()[i].getConstructor().newInstance();
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long calls = 0;
        int free = 0;
        double perCall = Double.NaN;
        while (free < FREE_BATCHES && System.nanoTime() - start < LIMIT_NANOS) {
            long before = threads.getCurrentThreadAllocatedBytes();
            long end = System.nanoTime() + BATCH_NANOS;
            long n = 0;
            do {
                call(benchmark, method, counters);
                n++;
            } while (System.nanoTime() < end);
            perCall = (double) (threads.getCurrentThreadAllocatedBytes() - before) / n;
            calls += n;
            free = perCall < ALLOCATION_FREE ? free + 1 : 0;
        }
        System.out.println(String.format(Locale.ROOT, free == FREE_BATCHES
                        ? "# posenc: warmed until allocation-free: %.1f s, %d calls (last batch %.0f B/call)"
                        : "# posenc: STILL ALLOCATES after %.1f s, %d calls of warm-up: %.0f B/call in the last batch",
                (System.nanoTime() - start) / 1e9, calls, perCall));
    }

    private static void call(Object benchmark, Method method, Object[] counters) {
        try {
            method.invoke(benchmark, counters);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(method.getName() + " failed during warm-up", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
