package dev.posenc.vector;

import dev.posenc.Positions;
import dev.posenc.internal.SharedState;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rotary embeddings, one row (position) at a time: the cos/sin of a chunk of pairs are formed once, in
 * float vectors, and applied to that chunk of every head of the row, so their cost is shared by all heads.
 *
 * <p>cos/sin come from a {@link RopeCache} (loaded: {@code cos θ·af} rounded once from double) or are
 * computed: {@code θ = p·inv_freq} in double, reduced modulo 2π in double ({@link TwoPi}), rounded to
 * float ({@code ≤ 2⁻²³} absolute, as |θ| ≤ π) for the float {@code COS}/{@code SIN} (≤ 1.5 ulp), times the
 * scale. HALF_SPLIT pairs are two contiguous half-heads: {@code y_a = a·c − b·s}, {@code y_b = b·c + a·s}
 * over {@code L} pairs at once. INTERLEAVED pairs are neighbouring lanes: with {@code C = [c0,c0,c1,c1,…]}
 * and {@code S = [−s0,s0,−s1,s1,…]} (a shuffle of {@code L/2} cosines and sines), {@code y = x·C +
 * swap(x)·S}, {@code swap} exchanging the lanes of each pair. Pairs left over by the chunks are scalar
 * (double arithmetic, rounded once), and so are whole rows whose angles exceed 2³¹ radians (frequencies
 * above 1 near position 2³¹), past what {@link TwoPi} reduces exactly.
 */
final class VectorRope implements RopeKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final int LANES = F.length();
    /** Half the float lanes, = the double lanes: the pairs in one float vector of an INTERLEAVED head. */
    private static final int HALF = D.length();
    private static final VectorMask<Float> LOW_HALF = F.indexInRange(0, HALF);
    private static final VectorMask<Float> EVEN_LANES = VectorMask.fromLong(F, 0x5555_5555_5555_5555L);
    /** Lane {@code j} takes lane {@code j/2}: duplicates the lower half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_LOW = VectorShuffle.fromOp(F, j -> j / 2);
    /** Lane {@code j} takes lane {@code HALF + j/2}: duplicates the upper half's values pairwise. */
    private static final VectorShuffle<Float> DUPLICATE_HIGH = VectorShuffle.fromOp(F, j -> HALF + j / 2);
    /** Exchanges the two lanes of each pair. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(F, j -> j ^ 1);
    /** Largest |θ| that {@link TwoPi#reduce} handles exactly, with margin (its limit is 2²⁹·2π). */
    private static final double MAX_ANGLE = 0x1p31;

    @Override
    public void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope, f, null, 0, positions, (float) f.attentionFactor(), false, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset, float[] out,
                       int outOffset) {
        RopeKernel.checkArguments(cache, positions, heads, x, xOffset, out, outOffset);
        rows(cache.embedding(), cache.frequencies(), SharedState.of(cache, float[].class), cache.first(), positions, 1f,
                false, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void unrotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out,
                         int outOffset) {
        RopeKernel.checkArguments(rope, positions, heads, x, xOffset, out, outOffset);
        RopeFrequencies f = rope.frequencies(positions);
        rows(rope, f, null, 0, positions, (float) (1 / f.attentionFactor()), true, heads, x, xOffset, out, outOffset);
    }

    @Override
    public void shift(RotaryEmbedding rope, int delta, int rows, int heads, float[] x, int xOffset, float[] out,
                      int outOffset) {
        RopeKernel.checkShift(rope, rows, heads, x, xOffset, out, outOffset);
        // Every row moves by the same angle: one row at position delta with rows × heads heads.
        rows(rope, rope.frequencies(), null, 0, Positions.range(delta, 1), 1f, false, rows * heads, x, xOffset, out,
                outOffset);
    }

    /**
     * {@code out = scale·R(±p)·x} row by row (the angle negated when {@code inverse}), with cos/sin from
     * {@code table} (a cache's rows from position {@code first}, the scale folded in) or, when it is
     * {@code null}, computed from the frequencies.
     */
    private static void rows(RotaryEmbedding rope, RopeFrequencies f, float[] table, int first, Positions positions,
                             float scale, boolean inverse, int heads, float[] x, int xOffset, float[] out,
                             int outOffset) {
        double[] inv = SharedState.of(f, double[].class);
        int d = rope.headDim();
        int pairs = rope.rotaryDim() / 2;
        boolean halfSplit = rope.layout() == RopeLayout.HALF_SPLIT;
        float sinScale = inverse ? -scale : scale;
        double largest = 0;
        for (double w : inv) {
            largest = Math.max(largest, w);
        }
        for (int r = 0; r < positions.count(); r++) {
            int p = positions.at(r);
            int in = xOffset + r * heads * d;
            int o = outOffset + r * heads * d;
            int cos = table == null ? 0 : (p - first) * 2 * pairs;   // the cache row: pairs cosines, then pairs sines
            int sin = cos + pairs;
            DoubleVector position = DoubleVector.broadcast(D, p);
            int i = 0;
            // Rows whose angles exceed exact reduction (only possible without a cache) go pair by pair below.
            boolean vectors = table != null || Math.abs((double) p) * largest <= MAX_ANGLE;
            for (; vectors && i + LANES <= pairs; i += LANES) {
                FloatVector theta = table == null ? reducedAngles(position, inv, i) : null;
                FloatVector c = table == null ? theta.lanewise(VectorOperators.COS).mul(scale)
                        : FloatVector.fromArray(F, table, cos + i);
                FloatVector s = table == null ? theta.lanewise(VectorOperators.SIN).mul(sinScale)
                        : FloatVector.fromArray(F, table, sin + i);
                if (halfSplit) {
                    halfSplitChunk(c, s, x, in + i, out, o + i, heads, d, pairs);
                } else {
                    interleavedChunk(c, s, DUPLICATE_LOW, DUPLICATE_LOW, x, in + 2 * i, out, o + 2 * i, heads, d);
                    interleavedChunk(c, s, DUPLICATE_HIGH, DUPLICATE_HIGH, x, in + 2 * i + LANES, out,
                            o + 2 * i + LANES, heads, d);
                }
            }
            if (vectors && !halfSplit && i + HALF <= pairs) {   // half a chunk: one vector of each head
                FloatVector theta = table == null
                        ? (FloatVector) reduced(position, inv, i).convertShape(VectorOperators.D2F, F, 0) : null;
                FloatVector c = table == null ? theta.lanewise(VectorOperators.COS).mul(scale)
                        : FloatVector.fromArray(F, table, cos + i);
                // From the table, the sines are read so that they land in the upper half: both loads stay in the row.
                FloatVector s = table == null ? theta.lanewise(VectorOperators.SIN).mul(sinScale)
                        : FloatVector.fromArray(F, table, sin + i - HALF);
                interleavedChunk(c, s, DUPLICATE_LOW, table == null ? DUPLICATE_LOW : DUPLICATE_HIGH, x, in + 2 * i, out,
                        o + 2 * i, heads, d);
                i += HALF;
            }
            for (; i < pairs; i++) {
                double theta = p * inv[i];
                scalarPair(table == null ? Math.cos(theta) * scale : table[cos + i],
                        table == null ? Math.sin(theta) * sinScale : table[sin + i], rope, i, x, in, out, o, heads);
            }
            passThrough(rope, x, in, out, o, heads);
        }
    }

    /** {@code θ_i … θ_{i+L−1} = p·inv_freq}, reduced into about [−π, π] in double, then rounded to float. */
    private static FloatVector reducedAngles(DoubleVector position, double[] inv, int i) {
        FloatVector low = (FloatVector) reduced(position, inv, i).convertShape(VectorOperators.D2F, F, 0);
        FloatVector high = (FloatVector) reduced(position, inv, i + HALF).convertShape(VectorOperators.D2F, F, -1);
        return high.blend(low, LOW_HALF);
    }

    /** {@code θ_i … θ_{i+L/2−1}} reduced, in double. */
    private static DoubleVector reduced(DoubleVector position, double[] inv, int i) {
        return TwoPi.reduce(position.mul(DoubleVector.fromArray(D, inv, i)));
    }

    /** Pairs {@code (j, j + r/2)} for the L values of {@code j} from {@code first} in every head. */
    private static void halfSplitChunk(FloatVector c, FloatVector s, float[] x, int in, float[] out, int o, int heads,
                                       int d, int half) {
        FloatVector negativeS = s.neg();
        for (int h = 0; h < heads; h++) {
            FloatVector a = FloatVector.fromArray(F, x, in + h * d);
            FloatVector b = FloatVector.fromArray(F, x, in + h * d + half);
            Lanes.fma(b, negativeS, a.mul(c)).intoArray(out, o + h * d);
            Lanes.fma(a, s, b.mul(c)).intoArray(out, o + h * d + half);
        }
    }

    /**
     * {@code y = x·C + swap(x)·S} on one vector of every head, with {@code C} the cosines that {@code fromC}
     * duplicates pairwise and {@code S} the sines that {@code fromS} duplicates, negated in even lanes.
     */
    private static void interleavedChunk(FloatVector cos, FloatVector sin, VectorShuffle<Float> fromC,
                                         VectorShuffle<Float> fromS, float[] x, int in, float[] out, int o, int heads,
                                         int d) {
        FloatVector c = cos.rearrange(fromC);
        FloatVector s = sin.rearrange(fromS).lanewise(VectorOperators.NEG, EVEN_LANES);
        for (int h = 0; h < heads; h++) {
            FloatVector v = FloatVector.fromArray(F, x, in + h * d);
            Lanes.fma(v.rearrange(SWAP_PAIRS), s, v.mul(c)).intoArray(out, o + h * d);
        }
    }

    /** Pair {@code i} of every head, in double, rounded once. */
    private static void scalarPair(double c, double s, RotaryEmbedding rope, int i, float[] x, int in, float[] out, int o,
                                   int heads) {
        int d = rope.headDim();
        int first = rope.layout().first(i, rope.rotaryDim());
        int second = rope.layout().second(i, rope.rotaryDim());
        for (int h = 0; h < heads; h++) {
            double a = x[in + h * d + first];
            double b = x[in + h * d + second];
            out[o + h * d + first] = (float) (a * c - b * s);
            out[o + h * d + second] = (float) (b * c + a * s);
        }
    }

    /** Copies dims {@code rotaryDim …} of every head, unless in place. */
    private static void passThrough(RotaryEmbedding rope, float[] x, int in, float[] out, int o, int heads) {
        int d = rope.headDim();
        int r = rope.rotaryDim();
        if (r < d && (x != out || in != o)) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(x, in + h * d + r, out, o + h * d + r, d - r);
            }
        }
    }
}
