package dev.posenc.bench;

import dev.posenc.bench.paired.CallThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Calls for {@code PairedCallsTest}: the calling thread spins for {@link #NANOS}, and a pool thread either spins
 * as long ({@link #bothSpin}, a two-thread side that got both CPUs) or sleeps meanwhile ({@link #secondSleeps}, one
 * whose second thread got none), which the calling thread's own CPU time cannot tell apart.
 */
public class SpinBenchmark {
    static final long NANOS = 4_000_000;

    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "spin-benchmark");
        t.setDaemon(true);
        return t;
    });

    @CallThreads(2)
    public long bothSpin() throws Exception {
        Future<Long> other = pool.submit(SpinBenchmark::spin);
        return spin() + other.get();
    }

    @CallThreads(2)
    public long secondSleeps() throws Exception {
        Future<Long> other = pool.submit(() -> {
            Thread.sleep(NANOS / 1_000_000);
            return 0L;
        });
        return spin() + other.get();
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
    }

    private static long spin() {
        long end = System.nanoTime() + NANOS;
        long n = 0;
        while (System.nanoTime() < end) {
            n++;
        }
        return n;
    }
}
