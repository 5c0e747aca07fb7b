package dev.posenc.bench;

import dev.posenc.bench.jlama.JlamaSoftmax;
import dev.posenc.bench.plain.PlainSoftmax;
import dev.posenc.softmax.SoftmaxKernel;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Softmax over attention-score rows: 512 rows of 1024 (and 4096) logits, into a second array
 * (Jlama: in place, its only form).
 */
public class SoftmaxBenchmark extends KernelBenchmark {
    @Param({"1024", "4096"})
    public int cols;

    @Param({"512"})
    public int rows;

    private SoftmaxKernel kernel;
    private JlamaSoftmax jlama;
    private float[] logits;
    private float[] probabilities;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        logits = new float[rows * cols];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextDouble() * 20 - 10);
        }
        probabilities = new float[logits.length];
        switch (impl) {
            case reference, vector -> kernel = impl.provider().softmax();
            case plain -> { }
            case jlama -> jlama = new JlamaSoftmax(logits, rows, cols);
        }
    }

    @Benchmark
    public Object softmax(Elements counter) {
        counter.elements += (long) rows * cols;
        return switch (impl) {
            case plain -> {
                PlainSoftmax.softmax(logits, probabilities, rows, cols);
                yield probabilities;
            }
            case jlama -> jlama.run();
            default -> {
                kernel.softmax(logits, 0, probabilities, 0, rows, cols);
                yield probabilities;
            }
        };
    }
}
