package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.MropeIndex;
import dev.posenc.rope.MropeSections;
import dev.posenc.rope.MultimodalRope;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.VisionRope;
import dev.posenc.rope.Xpos;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The RoPE variants on a 512-token block of 32 heads × 128, into a second array, angles formed per call (no cache):
 * {@code text} (the baseline: text RoPE, half-split), {@code mrope} (Qwen2-VL sections [16, 24, 24] at the
 * positions of a text + image (32 × 32 patches: 16 × 16 tokens) + text prompt), {@code imrope} (Qwen3-VL interleaved [24, 20, 20],
 * same prompt), {@code vision} (Qwen2-VL's 2-D RoPE over a 16 × 32 patch grid) and {@code xpos} (torchscale's,
 * interleaved, keys side, centred on the block). Elements counted: every float of the block.
 */
public class RopeVariantBenchmark extends KernelBenchmark {
    @Param({"text", "mrope", "imrope", "vision", "xpos"})
    public String variant;

    @Param({"32"})
    public int heads;

    @Param({"128"})
    public int headDim;

    /** Tokens (patches for {@code vision}) in the block. */
    private static final int TOKENS = 512;

    private RopeKernel kernel;
    private RotaryEmbedding text;
    private MultimodalRope multimodal;
    private VisionRope vision;
    private Xpos xpos;
    private Positions positions;
    private AxialPositions axial;
    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        kernel = impl.provider().rope();
        text = RotaryEmbedding.of(headDim, 1_000_000, RopeLayout.HALF_SPLIT);
        positions = Positions.range(0, TOKENS);
        MropeIndex prompt = MropeIndex.qwen2vl(2).text(100).image(1, 32, 32).text(TOKENS - 100 - 16 * 16);
        switch (variant) {
            case "mrope" -> multimodal = new MultimodalRope(text, MropeSections.of(16, 24, 24));
            case "imrope" -> multimodal = new MultimodalRope(text, MropeSections.interleaved(24, 20, 20));
            case "vision" -> vision = VisionRope.qwen2vl(headDim);
            case "xpos" -> xpos = Xpos.of(headDim).withCenter(Xpos.centeredOn(TOKENS)).keys();
            default -> { }
        }
        axial = variant.equals("vision") ? AxialPositions.patches(1, 16, 32, 2) : prompt.positions();
        SplittableRandom random = new SplittableRandom(42);
        x = new float[TOKENS * heads * headDim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        out = new float[x.length];
    }

    /** Out of place, so that xPos's scales are not compounded call after call. */
    @Benchmark
    public float[] rotateInto(Elements counter) {
        switch (variant) {
            case "text" -> kernel.rotate(text, positions, heads, x, 0, out, 0);
            case "mrope", "imrope" -> kernel.rotate(multimodal, axial, heads, x, 0, out, 0);
            case "vision" -> kernel.rotate(vision, axial, heads, x, 0, out, 0);
            default -> kernel.rotate(xpos, positions, heads, x, 0, out, 0);
        }
        counter.elements += (long) TOKENS * heads * headDim;
        return out;
    }
}
