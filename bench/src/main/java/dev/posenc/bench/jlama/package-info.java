/**
 * The peer in the performance report: Jlama ({@code com.github.tjake:jlama-core}, Apache-2.0), measured
 * through its public API at the shapes posenc's benchmarks use, on one thread. Only {@code jlama-core}
 * is on the class path, so Jlama runs its pure-Java {@code PanamaTensorOperations} (its optional
 * native library, {@code jlama-native}, is a separate artifact and is not measured).
 *
 * <p>Nothing outside the {@code impl = jlama} branch of a benchmark touches these classes, so a JVM
 * in which Jlama cannot load runs every other benchmark; the report checks {@link JlamaProbe#problem()}
 * first and skips the peer with one line.
 */
package dev.posenc.bench.jlama;
