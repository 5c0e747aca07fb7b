package dev.posenc.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What every kernel benchmark shares (JMH inherits these annotations): throughput per second, one
 * fork with the incubator module, and the sides {@link Implementation#reference},
 * {@link Implementation#plain} and {@link Implementation#vector}, measured in the same run (the report
 * adds {@link Implementation#jlama} where a benchmark has it). Subclasses count what they process in
 * {@link Elements}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class KernelBenchmark {
    @Param({"reference", "plain", "vector"})
    public Implementation impl;

    private final AllocationFreeWarmup warmup = new AllocationFreeWarmup();

    /**
     * Warms the vector side before its first JMH iteration, once per fork, until its calls stop allocating
     * ({@link AllocationFreeWarmup}). posenc's vector kernels allocate nothing in steady state (the kit's
     * AllocationContract); one that does keeps allocating, is measured after the limit anyway, and the report's
     * allocation column and guards show it. The other sides rely on JMH's warm-up alone.
     */
    @Setup(Level.Iteration)
    public void warmUntilAllocationFree(BenchmarkParams params) throws ReflectiveOperationException {
        if (impl == Implementation.vector) {
            warmup.once(this, params);
        }
    }
}
