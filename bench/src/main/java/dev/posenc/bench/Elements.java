package dev.posenc.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the elements a benchmark processed; JMH reports the count per second as the secondary
 * result {@code elements} (elements/s), the unit every kernel's throughput is quoted in.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Elements {
    /** Elements processed in this iteration. */
    public long elements;

    @Setup(Level.Iteration)
    public void reset() {
        elements = 0;
    }
}
