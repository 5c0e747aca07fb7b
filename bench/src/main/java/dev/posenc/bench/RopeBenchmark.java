package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * RoPE on a prefill block: {@code positions × heads × headDim} floats (512 × 32 × 64 or 128), both pair
 * layouts, full and half rotary, with a cos/sin cache ({@code cache}) or angles computed per call
 * ({@code angles}), into a separate output or in place. Elements counted: every float of the block, pass-through
 * dims included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RopeBenchmark {
    @Param({"reference", "vector"})
    public Implementation impl;

    @Param({"HALF_SPLIT", "INTERLEAVED"})
    public RopeLayout layout;

    @Param({"64", "128"})
    public int headDim;

    /** {@code full}: rotaryDim = headDim; {@code half}: rotaryDim = headDim/2 (GPT-NeoX/Phi-2 style partial rotary). */
    @Param({"full", "half"})
    public String rotary;

    /** {@code cache}: a {@link RopeCache} of the block's positions; {@code angles}: cos/sin formed per call. */
    @Param({"cache", "angles"})
    public String path;

    /** {@code separate}: into another array; {@code inPlace}: x is overwritten (its values stay bounded: |af| = 1). */
    @Param({"separate", "inPlace"})
    public String output;

    @Param({"32"})
    public int heads;

    @Param({"512"})
    public int positions;

    private RopeKernel kernel;
    private RotaryEmbedding embedding;
    private RopeCache cache;
    private Positions block;
    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        kernel = impl.provider().rope();
        int rotaryDim = rotary.equals("full") ? headDim : headDim / 2;
        embedding = RotaryEmbedding.of(headDim, rotaryDim, 500_000, layout);
        cache = RopeCache.of(embedding, positions);
        block = Positions.range(0, positions);
        SplittableRandom random = new SplittableRandom(42);
        x = new float[positions * heads * headDim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        out = output.equals("inPlace") ? x : new float[x.length];
    }

    @Benchmark
    public float[] rotate(Elements counter) {
        if (path.equals("cache")) {
            kernel.rotate(cache, block, heads, x, 0, out, 0);
        } else {
            kernel.rotate(embedding, block, heads, x, 0, out, 0);
        }
        counter.elements += (long) positions * heads * headDim;
        return out;
    }
}
