package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bench's polling executor: it runs every task given, in order, on its worker, whether that worker polls or parks. */
class PollingExecutorTest {
    /** How long a test waits for the worker before it fails: a hang is a bug, never a figure. */
    private static final long PATIENCE_SECONDS = 60;

    @Test
    void runsTasksInOrderOnItsWorkerWhilePolling() throws InterruptedException {
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(100);
        try (PollingExecutor executor = new PollingExecutor("polling-test", TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS))) {
            for (int i = 0; i < 100; i++) {
                int task = i;
                executor.execute(() -> {
                    order.add(task);
                    threads.add(Thread.currentThread());
                    done.countDown();
                });
            }
            assertTrue(done.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
        }
        assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), order);
        assertEquals(1, threads.stream().distinct().count(), "one worker");
        assertNotSame(Thread.currentThread(), threads.get(0));
        assertEquals("polling-test", threads.get(0).getName());
    }

    @Test
    void aTaskGivenOnceTheWorkerHasParkedStillRuns() throws InterruptedException {
        // Polling for 0 ns: the worker parks after every task, so each task below takes the unpark path.
        try (PollingExecutor executor = new PollingExecutor("parking-test", 0)) {
            for (int i = 0; i < 50; i++) {
                while (!executor.parked()) {
                    Thread.onSpinWait();
                }
                CountDownLatch ran = new CountDownLatch(1);
                executor.execute(ran::countDown);
                assertTrue(ran.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "task " + i);
            }
        }
    }

    @Test
    void aTaskThatThrowsIsReportedAndTheWorkerGoesOn() throws InterruptedException {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        CountDownLatch after = new CountDownLatch(1);
        try (PollingExecutor executor = new PollingExecutor("throwing-test", 0)) {
            executor.execute(() -> Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e)));
            executor.execute(() -> {
                throw new IllegalStateException("thrown by a task");
            });
            executor.execute(after::countDown);
            assertTrue(after.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
        }
        assertEquals(1, reported.size());
        assertEquals("thrown by a task", reported.get(0).getMessage());
    }

    @Test
    void closeRunsTheTasksGivenAndRejectsLaterOnes() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        PollingExecutor executor = new PollingExecutor("closing-test", 0);
        executor.execute(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        executor.execute(queued::countDown);
        assertTrue(started.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
        executor.close();
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
        release.countDown();
        assertTrue(queued.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "a task given before close runs");
    }

    @Test
    void pollingForANegativeTimeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PollingExecutor("negative", -1));
        assertEquals("pollNanos must be at least 0, was -1", e.getMessage());
    }
}
