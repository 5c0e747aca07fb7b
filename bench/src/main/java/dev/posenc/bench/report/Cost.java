package dev.posenc.bench.report;

/**
 * What bounds a kernel, and how its measured throughput converts into the units of that bound.
 */
public sealed interface Cost {

    /**
     * Memory-bound: each element moves {@code bytesMoved} bytes between the core and memory, and the
     * working set holds {@code bytesResident} bytes per element. The report divides
     * {@code elements/s × bytesMoved} by the streaming bandwidth of the fastest level that holds
     * {@code elements per call × bytesResident} bytes (L2, L3 or DRAM).
     */
    record Memory(double bytesMoved, double bytesResident) implements Cost {
        @Override
        public String toString() {
            return "memory-bound: " + bytesMoved + " B/element moved, " + bytesResident + " B/element resident";
        }
    }

    /**
     * Compute-bound: the benchmark counts its floating-point operations with a
     * {@link dev.posenc.bench.Flops} counter; the report divides FLOP/s by the machine's FMA peak.
     */
    record Compute() implements Cost {
        @Override
        public String toString() {
            return "compute-bound: FLOPs counted by the benchmark, against the FMA peak";
        }
    }

    /** Memory-bound, reading and writing separate arrays: moved = resident = {@code bytesPerElement}. */
    static Cost memory(double bytesPerElement) {
        return new Memory(bytesPerElement, bytesPerElement);
    }

    /** Memory-bound with a working set smaller than the traffic, e.g. in place: read 4 + write 4 moved, 4 resident. */
    static Cost memory(double bytesMovedPerElement, double bytesResidentPerElement) {
        return new Memory(bytesMovedPerElement, bytesResidentPerElement);
    }

    /** Compute-bound, measured by a {@link dev.posenc.bench.Flops} counter. */
    static Cost compute() {
        return new Compute();
    }
}
