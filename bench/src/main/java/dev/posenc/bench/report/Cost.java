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
     * {@link dev.posenc.bench.Flops} counter; the report divides FLOP/s by the machine's single-thread
     * FMA peak times the number of threads the kernel uses.
     */
    record Compute(int threads) implements Cost {
        @Override
        public String toString() {
            return "compute-bound: FLOPs counted by the benchmark, against " + (threads == 1 ? "the" : threads + "×")
                    + " FMA peak";
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

    /** Compute-bound on one thread, measured by a {@link dev.posenc.bench.Flops} counter. */
    static Cost compute() {
        return new Compute(1);
    }

    /** Compute-bound on {@code threads} threads (the limit is that many single-thread FMA peaks). */
    static Cost compute(int threads) {
        return new Compute(threads);
    }
}
