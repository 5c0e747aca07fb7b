package dev.posenc.vector;

import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.AxialRope;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.Xpos;
import java.util.Arrays;

/**
 * What {@link VectorRope} forms its cos/sin rows from (and in), one per thread and grown to the largest call seen, so
 * that calls allocate nothing once a thread has made its first (the kernel stays safe to share: no thread
 * sees another's scratch). Set once per call: the frequencies of each axis ({@code m_a,i = inv_freq_i} where
 * pair i belongs to axis a, else 0; text RoPE has one axis), their largest value per axis, and each pair's
 * cos and sin scale; then per row: the positions and, for xPos, the scales.
 */
final class RopeScratch {
    private static final ThreadLocal<RopeScratch> SCRATCH = ThreadLocal.withInitial(RopeScratch::new);

    /** Pairs per head, r/2. */
    int pairs;
    /** Axes in use. */
    int axes;
    /** {@code m_a,i} at {@code a·pairs + i}. */
    double[] frequencies = new double[0];
    /** The row's position on each axis. */
    final int[] position = new int[AxialPositions.MAX_AXES];
    /** Each pair's cosine scale, rounded to float. */
    float[] cosScale = new float[0];
    /** Each pair's sine scale, rounded to float. */
    float[] sinScale = new float[0];
    /** The cos/sin row in {@link RowRotation}'s format (2r floats: room for either layout). */
    float[] row = new float[0];
    /** Each pair's angle {@code θ_i = Σ_a p_a·m_a,i}, and its float cosine and sine ({@link SinCosPolynomial#sinCos}). */
    double[] theta = new double[0];
    float[] cos = new float[0];
    float[] sin = new float[0];
    /** Zeros: no quarter turns added to the angles. */
    double[] noTurns = new double[0];
    /** xPos's {@code ln ζ_i} per pair. */
    double[] logZeta = new double[0];
    private final double[] largest = new double[AxialPositions.MAX_AXES];

    private RopeScratch() {}

    /** This thread's scratch. */
    static RopeScratch get() {
        return SCRATCH.get();
    }

    /** One axis with {@code f}'s frequencies; every cosine scaled by {@code cosScale}, every sine by {@code sinScale}. */
    RopeScratch text(RopeFrequencies f, float cosScale, float sinScale) {
        size(f.pairs(), 1);
        double top = 0;
        for (int i = 0; i < pairs; i++) {
            frequencies[i] = f.invFreq(i);
            top = Math.max(top, frequencies[i]);
            this.cosScale[i] = cosScale;
            this.sinScale[i] = sinScale;
        }
        largest[0] = top;
        return this;
    }

    /** {@code rope}'s axes with {@code f}'s frequencies shared out among them, scaled by af. */
    RopeScratch axial(AxialRope rope, RopeFrequencies f) {
        size(f.pairs(), rope.axes());
        Arrays.fill(frequencies, 0, axes * pairs, 0.0);
        Arrays.fill(largest, 0.0);
        float af = (float) f.attentionFactor();
        for (int i = 0; i < pairs; i++) {
            int a = rope.axisOf(i);
            frequencies[a * pairs + i] = f.invFreq(i);
            largest[a] = Math.max(largest[a], f.invFreq(i));
            cosScale[i] = af;
            sinScale[i] = af;
        }
        return this;
    }

    /** Sets {@link #logZeta} for {@code xpos}'s pairs (after {@link #text}). */
    RopeScratch logZeta(Xpos xpos) {
        if (logZeta.length < pairs) {
            logZeta = new double[pairs];
        }
        for (int i = 0; i < pairs; i++) {
            logZeta[i] = Math.log(xpos.zeta(i));
        }
        return this;
    }

    /** The largest |θ| of the row: {@code max_a |p_a|·max_i m_a,i}. */
    double largestAngle() {
        double top = 0;
        for (int a = 0; a < axes; a++) {
            top = Math.max(top, Math.abs((double) position[a]) * largest[a]);
        }
        return top;
    }

    private void size(int pairs, int axes) {
        this.pairs = pairs;
        this.axes = axes;
        if (frequencies.length < axes * pairs) {
            frequencies = new double[axes * pairs];
        }
        if (cosScale.length < pairs) {
            cosScale = new float[pairs];
            sinScale = new float[pairs];
            row = new float[4 * pairs];
            theta = new double[pairs];
            cos = new float[pairs];
            sin = new float[pairs];
            noTurns = new double[pairs];
        }
    }
}
