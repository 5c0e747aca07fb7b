package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalLayout;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Absolute positions for 512 rows of width 768 and 4096: generating a sinusoidal table (both
 * layouts) and adding a learned table to token embeddings.
 */
public class AbsolutePositionBenchmark extends KernelBenchmark {
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
