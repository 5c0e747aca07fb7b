package dev.posenc.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 * The throughput of the special functions that kernels cannot avoid, as a ceiling for them: the Vector
 * API's {@code EXP} (softmax, attention), {@code SIN} and {@code COS} (uncached sinusoidal and RoPE
 * tables), mapping one float array into another of the same size as the kernel's data
 * ({@code y_i = f(x_i)}, the preferred species, a scalar tail). Arguments are those the kernels pass:
 * {@code exp} of {@code z − max} in [−20, 0], {@code sin}/{@code cos} of reduced angles in [−π, π].
 * Measure it in the same run as the kernel and quote the kernel as a fraction of it ({@code -p elements=…}
 * sets other sizes, e.g. 393216 for sinusoidal 512×768).
 *
 * <p>The library's kernels do not call these functions: they use their own polynomials
 * ({@code ExpPolynomial}, {@code SinCosPolynomial} in posenc-vector), whose results do not depend on the
 * JIT tier. On this project's Intel build machine (2026-11-29) the exp polynomial alone ran about 1.15×
 * as fast as {@code EXP}, so a kernel can come near 100% of this ceiling; on AMD Zen 4 {@code EXP} ran at
 * two thirds of the polynomial's speed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpecialFunctionCeilingBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Elements per call: softmax's 512×1024 and 512×4096. */
    @Param({"524288", "2097152"})
    public int elements;

    private float[] exponents;
    private float[] angles;
    private float[] out;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        exponents = new float[elements];
        angles = new float[elements];
        for (int i = 0; i < elements; i++) {
            exponents[i] = (float) (-20 * random.nextDouble());
            angles[i] = (float) (Math.PI * (2 * random.nextDouble() - 1));
        }
        out = new float[elements];
    }

    @Benchmark
    public float[] exp(Elements counter) {
        int i = 0;
        for (int bound = F.loopBound(elements); i < bound; i += F.length()) {
            FloatVector.fromArray(F, exponents, i).lanewise(VectorOperators.EXP).intoArray(out, i);
        }
        for (; i < elements; i++) {
            out[i] = (float) Math.exp(exponents[i]);
        }
        counter.elements += elements;
        return out;
    }

    @Benchmark
    public float[] sin(Elements counter) {
        int i = 0;
        for (int bound = F.loopBound(elements); i < bound; i += F.length()) {
            FloatVector.fromArray(F, angles, i).lanewise(VectorOperators.SIN).intoArray(out, i);
        }
        for (; i < elements; i++) {
            out[i] = (float) Math.sin(angles[i]);
        }
        counter.elements += elements;
        return out;
    }

    // Each function's loop is written out: with the operator as a parameter C2 does not see a constant,
    // and lanewise() falls back to Java code that boxes every vector (40× slower, 6 MB per call).
    @Benchmark
    public float[] cos(Elements counter) {
        int i = 0;
        for (int bound = F.loopBound(elements); i < bound; i += F.length()) {
            FloatVector.fromArray(F, angles, i).lanewise(VectorOperators.COS).intoArray(out, i);
        }
        for (; i < elements; i++) {
            out[i] = (float) Math.cos(angles[i]);
        }
        counter.elements += elements;
        return out;
    }
}
