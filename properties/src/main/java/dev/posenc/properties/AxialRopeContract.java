package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.properties.RopeCases.Batch;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.AxialRope;
import dev.posenc.rope.MropeSections;
import dev.posenc.rope.MultimodalRope;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.VisionRope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The suite of RoPE over several position axes ({@link AxialRope}: M-RoPE with sections or interleaved, a
 * ViT's 2-D RoPE): agreement with the reference, text RoPE bit for bit when every axis holds the same
 * position, the relative-shift invariance of scores per axis and over all axes, HF's values
 * ({@code mrope.json}, and {@code vision_rope.json} for the 2-D conventions) and bad input. Subclass it and
 * return your implementation from {@link #kernel()}.
 *
 * <p>Error bound: that of {@link RopeContract} per pair (each pair is a text RoPE pair whose angle is
 * {@code fl(p_axis(i)·inv_freq_i)}): {@code I = 7.5u} per unit of {@code af·(|a| + |b|)} against the exact
 * rotation by the double angle, {@code I + u} against the reference; the double angle itself is within
 * {@code 2⁻⁵³·θ} of {@code p·inv_freq}.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class AxialRopeContract {
    private static final double IMPLEMENTATION = RopeContract.IMPLEMENTATION;
    private static final double AGREEMENT = RopeContract.AGREEMENT;

    /** The implementation under test. */
    protected abstract RopeKernel kernel();

    /** What {@link #kernel()} must agree with; the library's scalar reference by default. */
    protected RopeKernel reference() {
        return Kernels.reference().rope();
    }

    @Test
    public void rotateAgreesWithTheReference() {
        qt(200).forAll(AxialCases.ropes(r -> true), RopeCases.batches(RopeCases.MAX_POSITION), longs().all())
                .checkAssert((rope, b, seed) -> {
                    AxialPositions p = AxialCases.positions(b, rope.axes(), seed, RopeCases.MAX_POSITION);
                    int d = rope.headDim();
                    float[] x = b.input(d);
                    float[] expected = b.output(d);
                    reference().rotate(rope, p, b.heads(), x, b.xOffset(), expected, b.outOffset());
                    float[] actual;
                    if (b.inPlace()) {
                        actual = x.clone();
                        kernel().rotate(rope, p, b.heads(), actual, b.xOffset());
                    } else {
                        actual = b.output(d);
                        kernel().rotate(rope, p, b.heads(), x, b.xOffset(), actual, b.outOffset());
                    }
                    Arrays2.assertUntouchedOutside(actual, b.resultOffset(), b.size(d), "out");
                    double af = rope.frequencies(p).attentionFactor();
                    Rotations.assertRotation(d, rope.rotaryDim(), rope.layout(), b.rows() * b.heads(), x, b.xOffset(),
                            actual, b.resultOffset(), expected, b.outOffset(), null,
                            (a, c) -> AGREEMENT * af * (Math.abs(a) + Math.abs(c)),
                            () -> rope + " at " + AxialCases.describe(p) + " " + b);
                });
    }

    @Test
    public void equalPositionsOnEveryAxisAreTextRopeBitForBit() {
        // θ_i = fl(p·inv_freq_i) whichever axis pair i belongs to, and the same frequencies (those of max p + 1).
        qt(150).forAll(AxialCases.ropes(r -> r instanceof MultimodalRope), RopeCases.batches(RopeCases.MAX_POSITION))
                .checkAssert((rope, b) -> {
                    RotaryEmbedding text = ((MultimodalRope) rope).embedding();
                    for (RopeKernel k : new RopeKernel[] {kernel(), reference()}) {
                        float[] x = b.input(rope.headDim());
                        float[] axial = b.output(rope.headDim());
                        float[] plain = b.output(rope.headDim());
                        k.rotate(rope, AxialPositions.same(b.positionsObject(), 3), b.heads(), x, b.xOffset(), axial,
                                b.outOffset());
                        k.rotate(text, b.positionsObject(), b.heads(), x, b.xOffset(), plain, b.outOffset());
                        for (int j = 0; j < axial.length; j++) {
                            int jj = j;
                            assertEquals(Float.floatToRawIntBits(plain[j]), Float.floatToRawIntBits(axial[j]),
                                    () -> "element " + jj + ": text RoPE " + plain[jj] + ", M-RoPE with t = h = w "
                                            + axial[jj] + " for " + rope + " " + b);
                        }
                    }
                });
    }

    @Test
    public void shiftingOneAxisOrAllChangesNoScore() {
        // Each pair turns with one axis: adding t to that axis of both q's and k's positions adds t·inv_freq_i to
        // both angles, and ⟨R(α + φ)q_i, R(β + φ)k_i⟩ = ⟨R(α)q_i, R(β)k_i⟩ exactly. Each side is within the
        // RopeContract dot bound of it, with δ_j = af·(|a| + |b|)·(I + 2⁻⁵³·θ_i) for the pair's own angle θ_i.
        qt(150).forAll(AxialCases.ropes(r -> !AxialCases.lengthDependent(r)), longs().all(),
                integers().between(-1, 3), integers().between(0, (1 << 30) - RopeCases.MAX_POSITION))
                .checkAssert((rope, seed, axis, t) -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    int[] m = new int[rope.axes()];
                    int[] n = new int[rope.axes()];
                    int[] ms = new int[rope.axes()];
                    int[] ns = new int[rope.axes()];
                    int shifted = axis < 0 ? -1 : axis % rope.axes();
                    for (int a = 0; a < rope.axes(); a++) {
                        m[a] = random.nextInt(RopeCases.MAX_POSITION);
                        n[a] = random.nextInt(RopeCases.MAX_POSITION);
                        ms[a] = shifted < 0 || shifted == a ? m[a] + t : m[a];
                        ns[a] = shifted < 0 || shifted == a ? n[a] + t : n[a];
                    }
                    float[] q = new FloatFill(FloatKind.NORMAL, random.nextLong()).array(0, rope.headDim(), 0);
                    float[] k = new FloatFill(FloatKind.NORMAL, random.nextLong()).array(0, rope.headDim(), 0);
                    double near = Rotations.dot(rotated(rope, q, m), rotated(rope, k, n));
                    double far = Rotations.dot(rotated(rope, q, ms), rotated(rope, k, ns));
                    double allowed = dotBound(rope, q, m, k, n) + dotBound(rope, q, ms, k, ns);
                    assertTrue(Math.abs(near - far) <= allowed, () -> "shifting axis " + (shifted < 0 ? "all" : shifted)
                            + " by " + t + " changed the score from " + near + " to " + far + " (difference "
                            + Math.abs(near - far) + " > bound " + allowed + ") for " + rope);
                });
    }

    private float[] rotated(AxialRope rope, float[] x, int[] positions) {
        Positions[] axes = new Positions[positions.length];
        for (int a = 0; a < axes.length; a++) {
            axes[a] = Positions.range(positions[a], 1);
        }
        float[] out = new float[x.length];
        kernel().rotate(rope, AxialPositions.of(axes), 1, x, 0, out, 0);
        return out;
    }

    private double dotBound(AxialRope rope, float[] q, int[] m, float[] k, int[] n) {
        return Rotations.dotBound(rotated(rope, q, m), elementBounds(rope, q, m), rotated(rope, k, n),
                elementBounds(rope, k, n));
    }

    private static double[] elementBounds(AxialRope rope, float[] x, int[] positions) {
        int max = 0;
        for (int p : positions) {
            max = Math.max(max, p);
        }
        RopeFrequencies f = rope.frequencies(max + 1);
        double[] scale = new double[f.pairs()];
        for (int i = 0; i < scale.length; i++) {
            double theta = positions[rope.axisOf(i)] * f.invFreq(i);
            scale[i] = f.attentionFactor() * (IMPLEMENTATION + 0x1p-53 * Math.abs(theta));
        }
        return Rotations.elementBounds(rope.headDim(), rope.rotaryDim(), rope.layout(), x, scale);
    }

    @Test
    public void matchesTheConformanceData() {
        // README: |got − expected| ≤ 1e−6·af·max(1, max|x|) against float64 results (af = 1 for these cases).
        for (ConformanceCase c : Conformance.cases("mrope")) {
            if (c.kind().equals("apply")) {
                AxialRope rope = conformanceMrope(c);
                int[] ids = c.ints("inputs.position_ids");
                conformanceRotation(c, rope, AxialPositions.of(axis(ids, 0, 3), axis(ids, 1, 3), axis(ids, 2, 3)));
            }
        }
        for (ConformanceCase c : Conformance.cases("vision_rope")) {
            int[] ids = c.ints("inputs.position_ids");
            conformanceRotation(c, conformanceVision(c), AxialPositions.of(axis(ids, 0, 2), axis(ids, 1, 2)));
        }
    }

    private void conformanceRotation(ConformanceCase c, AxialRope rope, AxialPositions positions) {
        for (String tensor : new String[] {"q", "k"}) {
            float[] x = c.floats("inputs." + tensor);
            int heads = c.shape("inputs." + tensor)[1];
            float[] out = new float[x.length];
            kernel().rotate(rope, positions, heads, x, 0, out, 0);
            Approx.assertClose(c + " " + tensor + "_out", out, 0, c.doubles("expected." + tensor + "_out"),
                    Approx.Bound.of(1e-6 * Math.max(1, maxAbs(x)), 0));
        }
    }

    /** Axis {@code a} of a {@code [axes, S]} position tensor. */
    static Positions axis(int[] ids, int a, int axes) {
        int s = ids.length / axes;
        return Positions.of(java.util.Arrays.copyOfRange(ids, a * s, (a + 1) * s));
    }

    /** The case's M-RoPE: default schedule, half-split pairs. */
    static MultimodalRope conformanceMrope(ConformanceCase c) {
        int t = c.node("params.mrope_section").get(0).asInt();
        int h = c.node("params.mrope_section").get(1).asInt();
        int w = c.node("params.mrope_section").get(2).asInt();
        boolean interleaved = c.node("params.mrope_interleaved").asBoolean();
        return new MultimodalRope(RotaryEmbedding.of(c.intParam("head_dim"), c.param("rope_theta"), RopeLayout.HALF_SPLIT),
                new MropeSections(t, h, w, interleaved));
    }

    /** The case's vision RoPE. */
    static VisionRope conformanceVision(ConformanceCase c) {
        return VisionRope.of(dev.posenc.rope.VisionFrequencies.valueOf(c.node("params.convention").asText()),
                c.intParam("head_dim"), c.param("rope_theta"), RopeLayout.valueOf(c.node("params.layout").asText()));
    }

    @Test
    public void rejectsBadInputWithoutTouchingTheOutput() {
        RopeKernel k = kernel();
        MultimodalRope mrope = new MultimodalRope(RotaryEmbedding.of(8, 10_000, RopeLayout.HALF_SPLIT), MropeSections.of(2, 1, 1));
        AxialPositions two = AxialPositions.same(Positions.range(0, 2), 3);
        float[] x = new float[2 * 3 * 8];
        float[] out = new float[48];
        BadInput.rejects(() -> k.rotate((AxialRope) null, two, 3, x, 0, out, 0), out, "rope", "null");
        BadInput.rejects(() -> k.rotate(mrope, (AxialPositions) null, 3, x, 0, out, 0), out, "positions", "null");
        BadInput.rejects(() -> k.rotate(mrope, AxialPositions.same(Positions.range(0, 2), 2), 3, x, 0, out, 0), out,
                "2 axes", "needs 3");
        BadInput.rejects(() -> k.rotate(mrope, AxialPositions.of(Positions.of(1, 2), Positions.of(3, -4), Positions.of(0, 0)),
                3, x, 0, out, 0), out, "positions", "-4", ">= 0");
        BadInput.rejects(() -> k.rotate(mrope, two, 0, x, 0, out, 0), out, "heads", "0");
        BadInput.rejects(() -> k.rotate(mrope, two, 4, x, 0, out, 0), out, "x", "64", "48");
        BadInput.rejects(() -> k.rotate(mrope, two, 3, x, 0, out, 1), out, "out", "49", "48");
        float[] shared = new float[60];
        BadInput.rejects(() -> k.rotate(mrope, two, 3, shared, 0, shared, 5), shared, "overlaps");
        BadInput.rejects(() -> k.rotate(VisionRope.qwen2vl(8), AxialPositions.same(Positions.of(), 2), 3, x, 0, out, 0), out,
                "positions.count()", "0");
    }

    private static double maxAbs(float[] x) {
        double m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
