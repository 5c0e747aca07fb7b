package dev.posenc.rope;

import dev.posenc.internal.Checks;
import java.util.Objects;

/**
 * The 2-D RoPE of a vision transformer's patches: every dim of a head is rotated, the first {@code d/4}
 * pairs by the patch's row and the last {@code d/4} by its column, with the frequencies of
 * {@link VisionFrequencies}; pairs per {@link RopeLayout} ({@link RopeLayout#HALF_SPLIT} in HF:
 * {@code (i, i + d/2)}, which is also ggml {@code GGML_ROPE_TYPE_VISION}'s {@code (i, i + n_dims)}). No
 * schedule, attention factor 1. Positions are {@code AxialPositions.of(rows, columns)}, e.g.
 * {@link AxialPositions#patches}. Immutable and thread-safe; the frequencies are computed once, in double.
 */
public final class VisionRope implements AxialRope {
    private final VisionFrequencies convention;
    private final int headDim;
    private final double base;
    private final RopeLayout layout;
    private final RopeFrequencies frequencies;

    private VisionRope(VisionFrequencies convention, int headDim, double base, RopeLayout layout) {
        this.convention = Checks.notNull(convention, "convention");
        this.headDim = Checks.inRange(headDim, 1, RotaryEmbedding.MAX_HEAD_DIM, "headDim");
        if (headDim % 4 != 0) {
            throw new IllegalArgumentException("headDim must be a multiple of 4 (d/4 pairs per axis), was " + headDim);
        }
        this.base = Checks.finitePositive(base, "base");
        if (base <= 1) {
            throw new IllegalArgumentException("base must be > 1, was " + base);
        }
        this.layout = Checks.notNull(layout, "layout");
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = convention.invFreq(i, headDim, base);
        }
        this.frequencies = new RopeFrequencies(inv, 1.0, new ScheduleDetails.None());
    }

    /**
     * The 2-D RoPE of {@code convention} for heads of {@code headDim} dims (a positive multiple of 4), base
     * {@code base} (finite, > 1) and pair layout {@code layout}.
     *
     * @throws IllegalArgumentException naming the parameter
     */
    public static VisionRope of(VisionFrequencies convention, int headDim, double base, RopeLayout layout) {
        return new VisionRope(convention, headDim, base, layout);
    }

    /** Qwen2-VL's and Qwen2.5-VL's vision tower: base 10000, HF's half-split pairs. */
    public static VisionRope qwen2vl(int headDim) {
        return new VisionRope(VisionFrequencies.QWEN2_VL, headDim, 10_000, RopeLayout.HALF_SPLIT);
    }

    /** Pixtral's vision encoder as in HF ({@code rope_theta} {@code base}, half-split pairs). */
    public static VisionRope pixtral(int headDim, double base) {
        return new VisionRope(VisionFrequencies.PIXTRAL, headDim, base, RopeLayout.HALF_SPLIT);
    }

    /** The same with the other pair layout (mistral-inference's Pixtral: {@link RopeLayout#INTERLEAVED}). */
    public VisionRope withLayout(RopeLayout layout) {
        return new VisionRope(convention, headDim, base, layout);
    }

    /** Which convention shares the frequencies out. */
    public VisionFrequencies convention() {
        return convention;
    }

    @Override
    public int headDim() {
        return headDim;
    }

    /** The base θ. */
    public double base() {
        return base;
    }

    @Override
    public RopeLayout layout() {
        return layout;
    }

    @Override
    public int rotaryDim() {
        return headDim;
    }

    @Override
    public int axes() {
        return 2;
    }

    @Override
    public int axisOf(int pair) {
        return Checks.inRange(pair, 0, headDim / 2 - 1, "pair") < headDim / 4 ? 0 : 1;
    }

    /** The same at every sequence length: HF's vision towers have no schedule. */
    @Override
    public RopeFrequencies frequencies(int seqLen) {
        return frequencies;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VisionRope v && v.convention == convention && v.headDim == headDim
                && Double.compare(v.base, base) == 0 && v.layout == layout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(convention, headDim, base, layout);
    }

    @Override
    public String toString() {
        return "VisionRope[" + convention + ", headDim=" + headDim + ", base=" + base + ", " + layout + "]";
    }
}
