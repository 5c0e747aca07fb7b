package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** Generating the sinusoidal table of positions 0..511 at widths 768 and 4096, in both layouts. */
public class SinusoidalBenchmark extends KernelBenchmark {
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

    @Setup
    public void setUp() {
        kernel = impl.provider().absolutePositions();
        encoding = SinusoidalEncoding.of(dim, layout);
        positions = Positions.range(0, rows);
        table = new float[rows * dim];
    }

    /** Writes the {@code [rows × dim]} table for positions 0..rows−1. */
    @Benchmark
    public float[] sinusoidalTable(Elements counter) {
        kernel.sinusoidal(encoding, positions, table, 0);
        counter.elements += (long) rows * dim;
        return table;
    }
}
