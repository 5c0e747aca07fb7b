package dev.posenc.bench.report;

import dev.posenc.bench.AccessPattern;

/**
 * One ceiling measurement a row needs: the FMA peak, the memory probe at a pattern and working set
 * (bytes), or a special function's probe over a number of elements, on {@code threads} threads. On
 * several threads each thread works on its share ({@code size / threads}) of the row's working set and the
 * probe's rate is their sum: what the machine allows a kernel that splits its work between them.
 *
 * @param kind    what is probed
 * @param name    the access pattern or the function ({@code FMA} for the peak)
 * @param size    bytes of working set (memory), elements (special), 0 (FMA)
 * @param threads threads running the probe at once
 */
record Probe(Kind kind, String name, long size, int threads) {
    enum Kind { FMA, MEMORY, SPECIAL }

    Probe {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
    }

    /** The FMA peak on {@code threads} threads. */
    static Probe fma(int threads) {
        return new Probe(Kind.FMA, "FMA", 0, threads);
    }

    static Probe memory(AccessPattern pattern, long bytes) {
        return new Probe(Kind.MEMORY, pattern.name(), bytes, 1);
    }

    static Probe special(String function, long elements) {
        return new Probe(Kind.SPECIAL, function, elements, 1);
    }

    /** The same probe on {@code n} threads sharing its size. */
    Probe onThreads(int n) {
        return new Probe(kind, name, size, n);
    }

    /** The size each thread works on. */
    long sizePerThread() {
        return size / threads;
    }

    /** E.g. {@code memory out of place, 4 MiB}, {@code vector EXP over 524288 floats}, {@code FMA peak on 2 threads}. */
    String describe() {
        String what = switch (kind) {
            case FMA -> "FMA peak";
            case MEMORY -> "memory " + name.toLowerCase().replace('_', ' ') + ", " + Units.bytes(size);
            case SPECIAL -> "vector " + name + " over " + size + " floats";
        };
        return threads == 1 ? what : what + " on " + threads + " threads";
    }
}
