package dev.posenc.bench;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A caller's executor whose one worker thread stays hot between calls: after each task it polls its queue
 * ({@link Thread#onSpinWait}) for up to {@code pollNanos} before it parks, as ggml's thread pool polls for the next
 * graph by default, or as an engine's pool is hot between one matmul and the next. A benchmark hands it to posenc's
 * parallel form the way it hands {@link java.util.concurrent.Executors#newSingleThreadExecutor()}'s pool: the
 * library's API and code are the same; only the caller's executor differs. The two-thread rows and paired targets
 * that use it say so in their names ({@code …TwoThreadsPolling}); the standard rows use the single-thread pool.
 *
 * <p>Why (issue 13, two threads ÷ one): with the pool, {@code execute()} held the caller about 24 µs and the pool's
 * task started about 28 µs after it, on this project's 2-vCPU VM (its guest halts an idle vCPU at once), about 58 µs
 * of a 1.65 ms one-thread decode step before the second thread works. Handing a task to a polling worker takes a
 * queue offer and a volatile read, and the worker sees it within a spin. So the pairing of a two-thread call on this
 * executor against the one-thread call shows the kernel's own scaling, without the wake-up of a parked thread.
 *
 * <p>A pairing alternates the one-thread and the two-thread call ({@code PairedCalls}), so the worker spins through
 * the one-thread call between two two-thread calls: {@code pollNanos} must cover that call, and the one-thread side
 * then runs beside a spinning CPU, as an engine's would.
 *
 * <p>Tasks run in order, on the worker; one that throws is reported to the worker's uncaught-exception handler and the
 * worker goes on. {@link #close} lets the tasks already given run, then ends the worker; later tasks are rejected.
 */
final class PollingExecutor implements Executor, AutoCloseable {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final long pollNanos;
    private final Thread worker;
    /** Set by the worker before it parks and checks the queue once more; read by {@link #execute} after its offer. */
    private volatile boolean parked;
    private volatile boolean closed;

    /** A worker named {@code name} (a daemon) that polls up to {@code pollNanos} after each task. */
    PollingExecutor(String name, long pollNanos) {
        if (pollNanos < 0) {
            throw new IllegalArgumentException("pollNanos must be at least 0, was " + pollNanos);
        }
        this.pollNanos = pollNanos;
        worker = Thread.ofPlatform().name(name).daemon().unstarted(this::work);
        worker.start();
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (closed) {
            throw new RejectedExecutionException(worker.getName() + " is closed");
        }
        tasks.offer(task);
        if (parked) {
            LockSupport.unpark(worker);
        }
    }

    /**
     * The worker: runs each task, polls up to {@link #pollNanos} after the last one, then parks until a task comes
     * (it starts parked). A task given while it parks is seen either by its check of the queue after setting
     * {@link #parked}, or by {@link #execute}, which then unparks it (both fields' accesses are volatile).
     */
    private void work() {
        long idleSince = System.nanoTime() - pollNanos;
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    worker.getUncaughtExceptionHandler().uncaughtException(worker, t);
                }
                idleSince = System.nanoTime();
            } else if (closed) {
                return;
            } else if (System.nanoTime() - idleSince < pollNanos) {
                Thread.onSpinWait();
            } else {
                parked = true;
                if (tasks.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }

    /** Whether the worker is parked (or about to park) for want of tasks: for tests. */
    boolean parked() {
        return parked;
    }

    /** Rejects later tasks; the worker runs the ones already given, then ends. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(worker);
    }
}
