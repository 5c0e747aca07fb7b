package dev.posenc.vector;

import dev.posenc.Positions;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.AxialRope;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.Xpos;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rotary embeddings row by row (one token). The row's cos/sin come from a {@link VectorRopeCache}
 * ({@code cos θ·af} rounded once from double) or are computed once per row into a per-thread scratch row
 * ({@link RopeScratch}): {@code θ = p·inv_freq} in double — for an {@link AxialRope},
 * {@code θ = Σ_a p_a·m_a} over the axes with {@code m_a} the frequencies of axis a's pairs and 0 elsewhere,
 * which is {@code fl(p_axis(i)·inv_freq_i)} exactly, so that equal positions on every axis give text RoPE's
 * bits — reduced modulo π/2 in double ({@link QuarterTurns}), the remainder rounded to float
 * ({@code ≤ 2⁻²⁵} absolute, as |r| ≤ π/4) for the float polynomials of {@link SinCosPolynomial}
 * ({@code ≤ 1.25·2⁻²⁴}), times the pair's scale rounded to float (af, 1/af, 1, or xPos's
 * {@code af·ζ_i^(±(p − c)/γ)} formed in double); pairs beyond the last full vector, and rows whose angles
 * exceed 2³¹ radians (past exact reduction: frequencies above 1 near position 2³¹), in double with
 * {@link Math#cos}/{@link Math#sin}. No Vector API {@code SIN}/{@code COS}, whose interpreted and compiled
 * forms differ: the row is the same bits in every JIT tier. {@link RowRotation} then applies the row to the
 * token's heads.
 */
final class VectorRope implements RopeKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final int LANES = F.length();
    /** Half the float lanes = the double lanes. */
    private static final int HALF = D.length();
    private static final VectorMask<Float> EVEN_LANES = VectorMask.fromLong(F, 0x5555_5555_5555_5555L);
    /** Lane {@code j} takes lane {@code j/2}: duplicates the lower half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_LOW = VectorShuffle.fromOp(F, j -> j / 2);
    /** Lane {@code j} takes lane {@code HALF + j/2}: duplicates the upper half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_HIGH = VectorShuffle.fromOp(F, j -> HALF + j / 2);

    @Override
    public void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        RopeScratch s = RopeScratch.get().text(f, (float) f.attentionFactor(), (float) f.attentionFactor());
        textRows(rope, s, positions, 0, heads, x, xOffset, out, outOffset);
    }

    @Override
    public RopeCache cache(RotaryEmbedding rope, int first, int count) {
        return new VectorRopeCache(rope, first, count);
    }

    @Override
    public void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(cache, positions, heads, x, xOffset, out, outOffset);
        if (!(cache instanceof VectorRopeCache own)) {
            throw RopeCache.builtElsewhere(cache, "the Vector API kernel");
        }
        RotaryEmbedding rope = cache.embedding();
        int d = rope.headDim();
        int width = RowRotation.width(rope.layout(), rope.rotaryDim());
        for (int row = 0; row < positions.count(); row++) {
            int in = row * heads * d;
            RowRotation.apply(rope.layout(), own.table(), (positions.at(row) - cache.first()) * width, rope.rotaryDim(), d,
                    heads, x, xOffset + in, out, outOffset + in);
        }
    }

    @Override
    public void unrotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                         int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        float inverse = (float) (1 / f.attentionFactor());
        textRows(rope, RopeScratch.get().text(f, inverse, -inverse), positions, 0, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void shift(RotaryEmbedding rope, int delta, int rows, int heads, float[] x, int xOffset, float[] out,
                      int outOffset) {
        RopeKernel.checkShift(rope, rows, heads, x, xOffset, out, outOffset);
        // Every row moves by the same angle: one row at position delta with rows × heads heads.
        RopeScratch s = RopeScratch.get().text(rope.frequencies(), 1f, 1f);
        textRows(rope, s, null, delta, rows * heads, x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(AxialRope rope, AxialPositions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeScratch s = RopeScratch.get().axial(rope, rope.frequencies(positions));
        int d = rope.headDim();
        for (int row = 0; row < positions.count(); row++) {
            for (int a = 0; a < s.axes; a++) {
                s.position[a] = positions.at(a, row);
            }
            cosSinRow(rope.layout(), s);
            int in = row * heads * d;
            RowRotation.apply(rope.layout(), s.row, 0, rope.rotaryDim(), d, heads, x, xOffset + in, out, outOffset + in);
        }
    }

    @Override
    public void rotate(Xpos xpos, Positions positions, int heads, float[] x, int xOffset, float[] out, int outOffset) {
        RopeKernel.checkArguments(xpos, positions, heads, x, xOffset, out, outOffset);
        RotaryEmbedding rope = xpos.embedding();
        RopeFrequencies f = rope.frequencies(positions);
        RopeScratch s = RopeScratch.get().text(f, 1f, 1f).logZeta(xpos);
        double af = f.attentionFactor();
        double sign = xpos.isKeys() ? -1 : 1;
        int d = rope.headDim();
        for (int row = 0; row < positions.count(); row++) {
            int p = positions.at(row);
            s.position[0] = p;
            // ζ_i^(±(p − c)/γ) as exp(e·ln ζ_i): within 2⁻⁵⁰·(1 + |e·ln ζ_i|) of Math.pow's, and 1 exactly at the centre.
            double e = sign * (((double) p - xpos.center()) / xpos.scaleBase());
            for (int i = 0; i < s.pairs; i++) {
                s.cosScale[i] = (float) (af * Math.exp(e * s.logZeta[i]));
                s.sinScale[i] = s.cosScale[i];
            }
            cosSinRow(rope.layout(), s);
            int in = row * heads * d;
            RowRotation.apply(rope.layout(), s.row, 0, rope.rotaryDim(), d, heads, x, xOffset + in, out, outOffset + in);
        }
    }

    /** Text RoPE rows at {@code positions}, or {@code heads} heads of one row at {@code position} when it is {@code null}. */
    private static void textRows(RotaryEmbedding rope, RopeScratch s, Positions positions, int position, int heads,
                                 float[] x, int xOffset, float[] out, int outOffset) {
        int d = rope.headDim();
        int rows = positions == null ? 1 : positions.count();
        for (int row = 0; row < rows; row++) {
            s.position[0] = positions == null ? position : positions.at(row);
            cosSinRow(rope.layout(), s);
            int in = row * heads * d;
            RowRotation.apply(rope.layout(), s.row, 0, rope.rotaryDim(), d, heads, x, xOffset + in, out, outOffset + in);
        }
    }

    /**
     * Writes into {@code s.row} the {@link RowRotation} row of {@code cos θ_i·cosScale_i} and
     * {@code sin θ_i·sinScale_i}, {@code θ_i = Σ_a p_a·m_a,i}: vectors of L pairs, the rest (and every pair
     * of a row whose angles exceed exact reduction) in double.
     */
    private static void cosSinRow(RopeLayout layout, RopeScratch s) {
        int pairs = s.pairs;
        int r = 2 * pairs;
        double[] m = s.frequencies;
        float[] row = s.row;
        int i = 0;
        if (s.largestAngle() <= QuarterTurns.MAX_ANGLE) {
            for (; i + LANES <= pairs; i += LANES) {
                DoubleVector a0 = angles(s, i);
                DoubleVector a1 = angles(s, i + HALF);
                DoubleVector t0 = QuarterTurns.turns(a0);
                DoubleVector t1 = QuarterTurns.turns(a1);
                FloatVector reduced = Lanes.narrow(QuarterTurns.remainder(a0, t0), QuarterTurns.remainder(a1, t1));
                IntVector quadrant = QuarterTurns.quadrants(t0, t1);
                FloatVector sinR = SinCosPolynomial.sin(reduced);
                FloatVector cosR = SinCosPolynomial.cos(reduced);
                FloatVector c = SinCosPolynomial.cosOf(sinR, cosR, quadrant).mul(FloatVector.fromArray(F, s.cosScale, i));
                FloatVector sin = SinCosPolynomial.sinOf(sinR, cosR, quadrant).mul(FloatVector.fromArray(F, s.sinScale, i));
                if (layout == RopeLayout.HALF_SPLIT) {
                    c.intoArray(row, i);
                    sin.intoArray(row, pairs + i);
                } else {
                    c.rearrange(DUPLICATE_LOW).intoArray(row, 2 * i);
                    c.rearrange(DUPLICATE_HIGH).intoArray(row, 2 * i + LANES);
                    sin.rearrange(DUPLICATE_LOW).lanewise(VectorOperators.NEG, EVEN_LANES).intoArray(row, r + 2 * i);
                    sin.rearrange(DUPLICATE_HIGH).lanewise(VectorOperators.NEG, EVEN_LANES).intoArray(row, r + 2 * i + LANES);
                }
            }
        }
        for (; i < pairs; i++) {
            double theta = s.position[0] * m[i];
            for (int a = 1; a < s.axes; a++) {
                theta += s.position[a] * m[a * pairs + i];
            }
            RowRotation.put(layout, row, 0, r, i, (float) (Math.cos(theta) * s.cosScale[i]),
                    (float) (Math.sin(theta) * s.sinScale[i]));
        }
    }

    /**
     * {@code θ_i … θ_{i+L/2−1} = Σ_a p_a·m_a} in double. Straight-line over up to four axes (no loop-carried
     * vectors); the branches are the same for the whole call.
     */
    private static DoubleVector angles(RopeScratch s, int i) {
        double[] m = s.frequencies;
        int pairs = s.pairs;
        DoubleVector theta = DoubleVector.broadcast(D, s.position[0]).mul(DoubleVector.fromArray(D, m, i));
        if (s.axes > 1) {
            theta = Lanes.fma(DoubleVector.broadcast(D, s.position[1]), DoubleVector.fromArray(D, m, pairs + i), theta);
        }
        if (s.axes > 2) {
            theta = Lanes.fma(DoubleVector.broadcast(D, s.position[2]), DoubleVector.fromArray(D, m, 2 * pairs + i), theta);
        }
        if (s.axes > 3) {
            theta = Lanes.fma(DoubleVector.broadcast(D, s.position[3]), DoubleVector.fromArray(D, m, 3 * pairs + i), theta);
        }
        return theta;
    }
}
