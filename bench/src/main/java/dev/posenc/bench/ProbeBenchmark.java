package dev.posenc.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the ceiling probes ({@link PeakBenchmark}, {@link BandwidthBenchmark},
 * {@link SpecialFunctionBenchmark}) share (JMH inherits these annotations): throughput per second in
 * a fork with the incubator module. The report sets their forks and iterations itself.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class ProbeBenchmark {}
