package dev.posenc.bench;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The special-function probe: the Vector API's {@code EXP} or {@code SIN} (preferred species) over an
 * array of {@code elements} floats, out of place ({@code y = f(x)}), in elements per second. The report
 * runs it at a kernel's own element count, so the probe has the kernel's working set and pattern too:
 * {@code EXP} at softmax's shape is softmax's exp ceiling. Inputs: {@code EXP} on [−20, 0] (the
 * {@code z − max} softmax feeds it), {@code SIN} on [0, 512) (a 512-row table's angles); a cosine costs
 * what a sine does.
 */
@State(Scope.Thread)
public class SpecialFunctionBenchmark extends ProbeBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** The function: {@code EXP} or {@code SIN}. */
    @Param({"EXP", "SIN"})
    public String function;

    @Param({"524288"})
    public int elements;

    private float[] x;
    private float[] y;

    @Setup
    public void setUp() {
        int n = elements - elements % F.length();
        x = new float[n];
        y = new float[n];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            x[i] = switch (function) {
                case "EXP" -> (float) (-20 * random.nextDouble());
                case "SIN" -> (float) (512 * random.nextDouble());
                default -> throw new IllegalArgumentException("function must be EXP or SIN, was " + function);
            };
        }
    }

    @Benchmark
    public float[] apply(Elements counter) {
        counter.elements += x.length;
        return function.equals("EXP") ? exp(x, y) : sin(x, y);
    }

    private static float[] exp(float[] x, float[] y) {
        for (int i = 0; i < x.length; i += F.length()) {
            FloatVector.fromArray(F, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        return y;
    }

    private static float[] sin(float[] x, float[] y) {
        for (int i = 0; i < x.length; i += F.length()) {
            FloatVector.fromArray(F, x, i).lanewise(VectorOperators.SIN).intoArray(y, i);
        }
        return y;
    }
}
