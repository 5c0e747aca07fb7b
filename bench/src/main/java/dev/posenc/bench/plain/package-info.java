/**
 * The plain-Java baselines of the performance report: each kernel as a JVM engineer would write it
 * by hand, a straightforward {@code float} loop without the Vector API (C2 may still auto-vectorize
 * what it can). The report's headline speed-up is the vector kernel against these; the scalar
 * reference, which accumulates in double by design, has its own column.
 *
 * <p>They compute what the benchmarked kernel computes, at float precision, and allocate nothing
 * (scratch comes from the caller). {@code PlainBaselinesTest} checks each against the reference.
 */
package dev.posenc.bench.plain;
