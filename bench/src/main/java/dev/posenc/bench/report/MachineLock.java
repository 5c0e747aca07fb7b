package dev.posenc.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds JMH's machine-wide lock ({@code <tmpdir>/jmh.lock}) for a whole report, so that no other JMH
 * run on this machine interleaves with its measurements; waits while another run holds it. JMH
 * itself then must not try to take the lock this JVM holds: {@code jmh.ignoreLock} is set, which makes
 * JMH print that the lock "is ignored" at each run.
 */
final class MachineLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private MachineLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static MachineLock acquire(PrintStream out) throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        file.toFile().setWritable(true, false);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            out.println("report: another JMH run holds " + file + "; waiting for it to finish...");
            lock = channel.lock();
        }
        System.setProperty("jmh.ignoreLock", "true");
        return new MachineLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
