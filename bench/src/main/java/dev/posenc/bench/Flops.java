package dev.posenc.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the floating-point operations a benchmark performed (an FMA is 2); JMH reports the count
 * per second as the secondary result {@code flops}. Compute-bound kernels (attention) add it next to
 * {@link Elements} so that the report can set them against the machine's FMA peak.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Flops {
    /** Floating-point operations in this iteration. */
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
        flops = 0;
    }
}
