package dev.posenc.bench.report;

import dev.posenc.bench.AccessPattern;

/**
 * One ceiling measurement a row needs: the memory probe at a pattern and working set (bytes), or a
 * special function's probe over a number of elements.
 *
 * @param kind what is probed
 * @param name the access pattern or the function
 * @param size bytes of working set (memory) or elements (special)
 */
record Probe(Kind kind, String name, long size) {
    enum Kind { MEMORY, SPECIAL }

    static Probe memory(AccessPattern pattern, long bytes) {
        return new Probe(Kind.MEMORY, pattern.name(), bytes);
    }

    static Probe special(String function, long elements) {
        return new Probe(Kind.SPECIAL, function, elements);
    }

    /** E.g. {@code memory out of place, 4 MiB} or {@code vector EXP, 524288 elements}. */
    String describe() {
        return kind == Kind.MEMORY
                ? "memory " + name.toLowerCase().replace('_', ' ') + ", " + Units.bytes(size)
                : "vector " + name + " over " + size + " floats";
    }
}
