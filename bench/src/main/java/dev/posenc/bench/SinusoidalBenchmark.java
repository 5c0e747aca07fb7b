package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalLayout;
import dev.posenc.bench.plain.PlainSinusoidal;
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
    private float[] frequency;
    private float[] table;

    @Setup
    public void setUp() {
        encoding = SinusoidalEncoding.of(dim, layout);
        positions = Positions.range(0, rows);
        table = new float[rows * dim];
        frequency = new float[dim / 2];
        for (int i = 0; i < frequency.length; i++) {
            frequency[i] = (float) encoding.frequency(i);
        }
        switch (impl) {
            case reference, vector -> kernel = impl.provider().absolutePositions();
            case plain -> { }
            case jlama -> throw Implementation.noPeer("sinusoidal");
        }
    }

    /** Writes the {@code [rows × dim]} table for positions 0..rows−1. */
    @Benchmark
    public float[] sinusoidalTable(Elements counter) {
        if (impl == Implementation.plain) {
            PlainSinusoidal.table(frequency, layout == SinusoidalLayout.INTERLEAVED, rows, dim, table);
        } else {
            kernel.sinusoidal(encoding, positions, table, 0);
        }
        counter.elements += (long) rows * dim;
        return table;
    }
}
