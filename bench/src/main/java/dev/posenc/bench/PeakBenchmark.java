package dev.posenc.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * This machine's single-thread fp32 FMA peak, the compute ceiling of the report: the preferred species,
 * {@value #ACCUMULATORS} independent accumulators (enough to cover FMA latency × FMA ports on current
 * x86 and ARM cores), counted as 2 FLOPs per lane per FMA. Memory and special-function ceilings are
 * {@link BandwidthBenchmark} and {@link SpecialFunctionBenchmark}.
 */
public class PeakBenchmark extends ProbeBenchmark {
    static final int ACCUMULATORS = 12;
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int FMA_ROUNDS = 1024;

    /** Multiplier and addend of the FMA chains: each converges to b / (1 − a), never over- or underflows. */
    @State(Scope.Thread)
    public static class Coefficients {
        public float a = 0.9999f;
        public float b = 1e-4f;
    }
    @Benchmark
    public float fma(Coefficients c, Flops counter) {
        FloatVector a = FloatVector.broadcast(SPECIES, c.a);
        FloatVector b = FloatVector.broadcast(SPECIES, c.b);
        // Twelve chains written out: vectors kept in an array or a loop over accumulators would escape
        // to the heap. Distinct starting values, so that the compiler cannot merge the chains into one. The
        // chains are arguments of a's fma, never its receivers (a·s + b, the same bits): see BandwidthBenchmark#sum.
        FloatVector s0 = FloatVector.broadcast(SPECIES, 0f);
        FloatVector s1 = FloatVector.broadcast(SPECIES, 1f);
        FloatVector s2 = FloatVector.broadcast(SPECIES, 2f);
        FloatVector s3 = FloatVector.broadcast(SPECIES, 3f);
        FloatVector s4 = FloatVector.broadcast(SPECIES, 4f);
        FloatVector s5 = FloatVector.broadcast(SPECIES, 5f);
        FloatVector s6 = FloatVector.broadcast(SPECIES, 6f);
        FloatVector s7 = FloatVector.broadcast(SPECIES, 7f);
        FloatVector s8 = FloatVector.broadcast(SPECIES, 8f);
        FloatVector s9 = FloatVector.broadcast(SPECIES, 9f);
        FloatVector s10 = FloatVector.broadcast(SPECIES, 10f);
        FloatVector s11 = FloatVector.broadcast(SPECIES, 11f);
        for (int i = 0; i < FMA_ROUNDS; i++) {
            s0 = a.fma(s0, b);
            s1 = a.fma(s1, b);
            s2 = a.fma(s2, b);
            s3 = a.fma(s3, b);
            s4 = a.fma(s4, b);
            s5 = a.fma(s5, b);
            s6 = a.fma(s6, b);
            s7 = a.fma(s7, b);
            s8 = a.fma(s8, b);
            s9 = a.fma(s9, b);
            s10 = a.fma(s10, b);
            s11 = a.fma(s11, b);
        }
        counter.flops += 2L * ACCUMULATORS * SPECIES.length() * FMA_ROUNDS;
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).add(s8).add(s9).add(s10).add(s11)
                .reduceLanes(VectorOperators.ADD);
    }
}
