package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.bench.plain.PlainRope;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * RoPE on a prefill block: {@code positions × heads × headDim} floats (512 × 32 × 64 or 128), both pair
 * layouts, full and half rotary, with a cos/sin cache ({@code cache}; plain Java: a float table) or
 * angles computed per call ({@code angles}), in place ({@link #rotateInPlace}: x stays bounded since
 * af = 1) or into a second array ({@link #rotateInto}). Elements counted: every float of the block,
 * pass-through dims included.
 */
public class RopeBenchmark extends KernelBenchmark {
    @Param({"HALF_SPLIT", "INTERLEAVED"})
    public RopeLayout layout;

    @Param({"64", "128"})
    public int headDim;

    /** {@code full}: rotaryDim = headDim; {@code half}: rotaryDim = headDim/2 (GPT-NeoX/Phi-2 style partial rotary). */
    @Param({"full", "half"})
    public String rotary;

    /** {@code cache}: the kernel's own {@link RopeCache} of the block's positions; {@code angles}: cos/sin formed per call. */
    @Param({"cache", "angles"})
    public String path;

    @Param({"32"})
    public int heads;

    @Param({"512"})
    public int positions;

    private RopeKernel kernel;
    private RotaryEmbedding embedding;
    private RopeCache cache;
    private Positions block;
    private int rotaryDim;
    private float[] invFreq;
    private float[] cos;
    private float[] sin;
    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        switch (impl) {
            case reference, vector -> kernel = impl.provider().rope();
            case plain -> { }
            case jlama -> throw Implementation.noPeer("rope");
        }
        rotaryDim = rotary.equals("full") ? headDim : headDim / 2;
        embedding = RotaryEmbedding.of(headDim, rotaryDim, 500_000, layout);
        block = Positions.range(0, positions);
        SplittableRandom random = new SplittableRandom(42);
        x = new float[positions * heads * headDim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        out = new float[x.length];
        int half = rotaryDim / 2;
        invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = (float) embedding.frequencies().invFreq(i);
        }
        if (kernel == null) {
            cos = new float[positions * half];
            sin = new float[positions * half];
            PlainRope.angles(invFreq, positions, cos, sin);
        } else {
            cache = kernel.cache(embedding, positions);
        }
    }

    @Benchmark
    public float[] rotateInPlace(Elements counter) {
        return rotate(x, counter);
    }

    @Benchmark
    public float[] rotateInto(Elements counter) {
        return rotate(out, counter);
    }

    private float[] rotate(float[] target, Elements counter) {
        boolean cached = path.equals("cache");
        if (impl == Implementation.plain) {
            if (!cached) {
                PlainRope.angles(invFreq, positions, cos, sin);
            }
            PlainRope.rotate(cos, sin, layout == RopeLayout.HALF_SPLIT, positions, heads, headDim, rotaryDim, x, target);
        } else if (cached) {
            kernel.rotate(cache, block, heads, x, 0, target, 0);
        } else {
            kernel.rotate(embedding, block, heads, x, 0, target, 0);
        }
        counter.elements += (long) positions * heads * headDim;
        return target;
    }
}
