package dev.posenc.bench;

import dev.posenc.softmax.SoftmaxKernel;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** Softmax over attention-score rows: 512 rows of 1024 (and 4096) logits, into a second array. */
public class SoftmaxBenchmark extends KernelBenchmark {
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
