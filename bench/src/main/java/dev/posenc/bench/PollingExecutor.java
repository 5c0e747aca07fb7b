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
 * <p>Measured 2026-11-30 (decode 32 q / 8 kv heads × 128, f32, ALiBi, off-heap, 4096 keys; this 2-vCPU VM):
 * <ul>
 *   <li>Hand-off (threads12's throw-away timeline harness, 1 000 calls alternating with one-thread calls, others 0–1% of
 *       the CPUs): {@code execute()} held the caller 1.2 µs (the pool: 24.5) and the task started 1.2 µs after it
 *       (the pool: 28.8). The two-thread call took 837 µs (median) against 858 with the pool; one thread 1 583–1 588.
 *   <li>Two threads ÷ one ({@code PairedCalls}, 1 000 pairs each, three windows, load 1.4–2.2, every side 94–101% on
 *       its CPUs): with this executor 1.884, 1.864, 1.910 and 1.891 with the two-thread call second, 1.883, 1.931,
 *       1.901 and 1.898 with it first (quartiles 1.79–2.00; mean 1.895); with the pool in the same windows 1.802, 1.833
 *       and 1.760 second, 1.786, 1.786 and 1.832 first (mean 1.800). In two report runs: 1.975 (1.913–2.033) and
 *       1.849 (1.776–1.895), the pool's 1.833 and 1.785. So the kernel's own scaling here is about 1.9, not clearly
 *       above it.
 *   <li>What is left below 2 is the kernel's: the chunks, cut at tiles, hold 1 008, 1 008, 1 080 and 1 000 keys, so
 *       the caller's two hold 80 more than the worker's once both start at once; chunks on two threads ran about 2–3%
 *       slower than on one (both threads' chunks, calls back to back); the merge after the last chunk (14 µs) is
 *       serial; and the worker's first chunk after polling through a one-thread call ran 411–426 µs against 373–378
 *       on one thread (PAUSE or a plain loop alike), but 393 against 385 when the call came right after another
 *       two-thread call.
 *   <li>A worker polling beside a one-thread step does not slow it: one-thread calls in blocks of 8 with the worker
 *       polling ran 1.003 (quartiles 0.997–1.014) and 1.001 (0.986–1.014) of their speed with it parked (100 blocks
 *       each, no call below 90% on a CPU). A first version, which timed each parked call right after the caller had
 *       waited up to 10 ms for the worker to park and each polling call right after the previous call, had the polling
 *       calls take 0.874 of the parked ones' time: after that wait a call ran slower, whatever the worker did, so
 *       compare calls with equal gaps.
 *   <li>Prefill (8 heads × 128, 512 queries over 4 096 keys, ALiBi; 40 pairs): 1.982 and 1.973 (second), 1.988
 *       (first) with this executor; 1.994 and 1.946 with the pool: its ~58 µs hand-off is 0.15% of a 38 ms call.
 * </ul>
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
