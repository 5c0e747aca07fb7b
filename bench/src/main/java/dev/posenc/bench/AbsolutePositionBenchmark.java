package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalLayout;
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

/**
 * Absolute positions for 512 rows of width 768 and 4096: generating a sinusoidal table (both
 * layouts) and adding a learned table to token embeddings.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AbsolutePositionBenchmark {
    @Param({"reference", "vector"})
    public Implementation impl;

    @Param({"768", "4096"})
    public int dim;

    @Param({"512"})
    public int rows;

    @Param({"INTERLEAVED", "HALF_SPLIT"})
    public SinusoidalLayout layout;

    private AbsolutePositionKernel kernel;
    private SinusoidalEncoding encoding;
    private Positions positions;
    private float[] table;
    private float[] x;

    @Setup
    public void setUp() {
        kernel = impl.provider().absolutePositions();
        encoding = SinusoidalEncoding.of(dim, layout);
        positions = Positions.range(0, rows);
        SplittableRandom random = new SplittableRandom(42);
        table = new float[rows * dim];
        x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) {
            table[i] = (float) random.nextGaussian();
            x[i] = (float) random.nextGaussian();
        }
    }

    /** Writes the {@code [rows × dim]} table for positions 0..rows−1. */
    @Benchmark
    public float[] sinusoidalTable(Elements counter) {
        kernel.sinusoidal(encoding, positions, table, 0);
        counter.elements += (long) rows * dim;
        return table;
    }

    /** {@code x += table[position]} for every row (layout does not apply; measured once per layout anyway). */
    @Benchmark
    public float[] addLearned(Elements counter) {
        kernel.addLearned(table, 0, rows, dim, positions, x, 0);
        counter.elements += (long) rows * dim;
        return x;
    }
}
