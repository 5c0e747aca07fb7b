package dev.posenc.bench;

import dev.posenc.softmax.SoftmaxKernel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Softmax over attention-score rows: 512 rows of 1024 (and 4096) logits, in place. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SoftmaxBenchmark {
    @Param({"reference", "vector"})
    public Implementation impl;

    @Param({"1024", "4096"})
    public int cols;

    @Param({"512"})
    public int rows;

    private SoftmaxKernel kernel;
    private float[] logits;
    private float[] probabilities;

    @Setup
    public void setUp() {
        kernel = impl.provider().softmax();
        SplittableRandom random = new SplittableRandom(42);
        logits = new float[rows * cols];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextDouble() * 20 - 10);
        }
        probabilities = new float[logits.length];
    }

    @Benchmark
    public float[] softmax(Elements counter) {
        kernel.softmax(logits, 0, probabilities, 0, rows, cols);
        counter.elements += (long) rows * cols;
        return probabilities;
    }
}
