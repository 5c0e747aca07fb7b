package dev.posenc.reference;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs numbered work items on the calling thread and up to {@code scratches.size() − 1} tasks of an
 * executor, each worker with its own scratch. Workers claim items from a shared counter, so the
 * split adapts to uneven items; each item is computed the same way whoever runs it, so results do
 * not depend on the number of workers. The caller returns when every item is done; the first
 * exception of any item is rethrown. Tasks the executor rejects or starts late find no work left.
 */
final class ParallelWork {
    /** The work of one item, on the given worker's scratch. */
    @FunctionalInterface
    interface Item<S> {
        void run(int item, S scratch);
    }

    /**
     * How long the caller, its items done, spins for the other workers' last items before it parks: a parked caller
     * is woken by the last worker's unpark, which on this project's 2-vCPU VM took about 30 µs (2026-11-30). So a call
     * may keep the caller's CPU busy up to this long after its own items (the figures: docs/experiments/prefill.md,
     * "Where a parallel decode call's time goes").
     */
    static final long SPIN_NANOS = 100_000;

    private ParallelWork() {}

    /** Runs items {@code 0 … items − 1}. */
    static <S> void run(int items, Executor executor, List<S> scratches, Item<S> work) {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(items);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 1; t < scratches.size() && t < items; t++) {
            S scratch = scratches.get(t);
            try {
                executor.execute(() -> drain(next, items, done, failure, scratch, work));
            } catch (RejectedExecutionException e) {
                break;
            }
        }
        drain(next, items, done, failure, scratches.get(0), work);
        for (long start = System.nanoTime(); done.getCount() > 0 && System.nanoTime() - start < SPIN_NANOS; ) {
            Thread.onSpinWait();
        }
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    private static <S> void drain(AtomicInteger next, int items, CountDownLatch done, AtomicReference<Throwable> failure,
                                  S scratch, Item<S> work) {
        for (int item; (item = next.getAndIncrement()) < items; ) {
            try {
                work.run(item, scratch);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                done.countDown();
            }
        }
    }
}
