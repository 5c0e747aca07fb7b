package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.bench.plain.PlainLearned;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** Adding learned position embeddings (a 2048-row table, rows 100…) to 512 token rows of width 768 and 4096, in place. */
public class LearnedPositionBenchmark extends KernelBenchmark {
    private static final int FIRST = 100;

    @Param({"768", "4096"})
    public int dim;

    @Param({"512"})
    public int rows;

    private AbsolutePositionKernel kernel;
    private Positions positions;
    private float[] table;
    private float[] x;

    @Setup
    public void setUp() {
        switch (impl) {
            case reference, vector -> kernel = impl.provider().absolutePositions();
            case plain -> { }
            case jlama -> throw Implementation.noPeer("learned");
        }
        positions = Positions.range(FIRST, rows);
        SplittableRandom random = new SplittableRandom(42);
        table = new float[2048 * dim];
        x = new float[rows * dim];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
    }

    @Benchmark
    public float[] addLearned(Elements counter) {
        if (impl == Implementation.plain) {
            PlainLearned.add(table, FIRST, rows, dim, x);
        } else {
            kernel.addLearned(table, 0, 2048, dim, positions, x, 0);
        }
        counter.elements += (long) rows * dim;
        return x;
    }
}
