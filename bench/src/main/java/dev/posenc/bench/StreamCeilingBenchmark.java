package dev.posenc.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * The memory ceiling of an elementwise kernel over {@code positions × heads × headDim} floats: the
 * simplest vector stream, {@code out = −x} (one load, one store per vector), in place or into another
 * array. Run beside {@link RopeBenchmark} to see how close RoPE gets to what memory allows on this machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StreamCeilingBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Param({"64", "128"})
    public int headDim;

    @Param({"separate", "inPlace"})
    public String output;

    @Param({"32"})
    public int heads;

    @Param({"512"})
    public int positions;

    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        x = new float[positions * heads * headDim];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7 - 3;
        }
        out = output.equals("inPlace") ? x : new float[x.length];
    }

    @Benchmark
    public float[] negate(Elements counter) {
        int i = 0;
        for (int bound = F.loopBound(x.length); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).neg().intoArray(out, i);
        }
        for (; i < x.length; i++) {
            out[i] = -x[i];
        }
        counter.elements += x.length;
        return out;
    }
}
