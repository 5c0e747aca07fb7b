package dev.posenc.bench.report;

import dev.posenc.bench.AccessPattern;
import java.util.Optional;

/**
 * What a kernel's work is, and so which ceilings bound it (see {@link Ceiling}): the memory traffic of
 * each element, the special function each element needs, whether FLOPs are counted against the FMA
 * peak, and on how many threads (every probe then runs on as many).
 *
 * @param unit    what the throughput columns count: elements, tokens (decode) or FLOPs
 * @param traffic the memory pattern, if the kernel streams its data (then a memory probe applies)
 * @param special the special function it cannot avoid, if any (then that function's probe applies)
 * @param flops   whether its FLOPs are counted (then the FMA peak applies)
 * @param threads the threads it runs on
 */
public record Cost(Units unit, Optional<Traffic> traffic, Optional<Special> special, boolean flops, int threads) {

    public Cost {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
    }

    /**
     * Memory traffic: each element touches {@code valuesPerElement} values of {@code bytesPerValue}
     * bytes in the way {@code pattern} does (whose byte counts are per 4-byte float).
     */
    public record Traffic(AccessPattern pattern, double valuesPerElement, int bytesPerValue) {
        /** Bytes moved per element. */
        public double moved() {
            return pattern.bytesMoved() * valuesPerElement * bytesPerValue / Float.BYTES;
        }

        /** Bytes of working set per element. */
        public double resident() {
            return pattern.bytesResident() * valuesPerElement * bytesPerValue / Float.BYTES;
        }
    }

    /** {@code perElement} evaluations of {@code function} ({@code EXP} or {@code SIN}) per element. */
    public record Special(String function, double perElement) {}

    /** A memory-bound kernel over float elements, one value per element. */
    public static Cost memory(AccessPattern pattern) {
        return new Cost(Units.ELEMENTS, Optional.of(new Traffic(pattern, 1, Float.BYTES)), Optional.empty(), false, 1);
    }

    /** A compute-bound kernel whose benchmark counts FLOPs, on {@code threads} threads (bound by their FMA peak). */
    public static Cost flops(int threads) {
        return new Cost(Units.FLOPS, Optional.empty(), Optional.empty(), true, threads);
    }

    /**
     * One decode step per element (a token): reads a KV cache of {@code values} values of
     * {@code bytesPerValue} bytes once; its FLOPs (counted) bound it on one thread too.
     */
    public static Cost decode(double values, int bytesPerValue) {
        return new Cost(Units.TOKENS, Optional.of(new Traffic(AccessPattern.READ, values, bytesPerValue)), Optional.empty(), true, 1);
    }

    /**
     * Appending token rows (an element is a token) to a KV cache of {@code bytesPerValue}-byte elements: each of its
     * {@code values} floats read once and written once in the cache's precision, out of place for 4-byte elements,
     * {@link AccessPattern#NARROW} for 2-byte ones.
     */
    public static Cost append(double values, int bytesPerValue) {
        AccessPattern pattern = switch (bytesPerValue) {
            case Float.BYTES -> AccessPattern.OUT_OF_PLACE;
            case Short.BYTES -> AccessPattern.NARROW;
            default -> throw new IllegalArgumentException("a KV cache's elements have 4 or 2 bytes, not " + bytesPerValue);
        };
        return new Cost(Units.TOKENS, Optional.of(new Traffic(pattern, values, Float.BYTES)), Optional.empty(), false, 1);
    }

    /** This cost on {@code threads} threads: bound by the probes run on as many. */
    public Cost onThreads(int threads) {
        return new Cost(unit, traffic, special, flops, threads);
    }

    /** This cost plus {@code perElement} calls of {@code function} per element. */
    public Cost with(String function, double perElement) {
        return new Cost(unit, traffic, Optional.of(new Special(function, perElement)), flops, threads);
    }

    /** The counter the throughput is read from. */
    String counter() {
        return unit == Units.FLOPS ? "flops" : "elements";
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(unit.name().toLowerCase());
        traffic.ifPresent(t -> s.append("; memory ").append(t.pattern().name().toLowerCase().replace('_', ' '))
                .append(", ").append(t.moved()).append(" B/element moved"));
        special.ifPresent(f -> s.append("; ").append(f.perElement()).append(' ').append(f.function()).append("/element"));
        if (flops) {
            s.append("; FMA peak");
        }
        if (threads > 1) {
            s.append("; ").append(threads).append(" threads");
        }
        return s.toString();
    }
}
