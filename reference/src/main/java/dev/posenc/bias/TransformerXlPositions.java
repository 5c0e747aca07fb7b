package dev.posenc.bias;

import dev.posenc.Positions;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalLayout;
import dev.posenc.internal.Checks;
import java.lang.foreign.MemorySegment;

/**
 * Transformer-XL's relative attention (Dai et al. 2019, §3.3): for head h, query i at position p and
 * key j, with {@code δ = p − j},
 * <pre>
 *   logit_ij = s·[(q_i + u_h)·k_j + (q_i + v_h)·r_{h,δ}],   r_δ = W_R·R_δ</pre>
 * the paper's four terms (a) {@code q·k}, (b) {@code q·W_R R}, (c) {@code u·k}, (d) {@code v·W_R R}
 * ({@code r_w_bias} = u and {@code r_r_bias} = v in the authors' code, {@code r_net} = W_R, and
 * {@code R} the sinusoidal embedding of the distance: all sines, then all cosines, frequencies
 * {@code 10000^(−2i/d_model)}). Attention evaluates term (b)+(d) directly at the distance of each
 * (query, key) pair, which is what the authors' {@code _rel_shift} of the {@code [qlen × klen]}
 * product arrives at; the memory of earlier segments is simply the first keys of the cache, with
 * queries at the last positions (bottom-right causal alignment, or explicit positions).
 *
 * <p>Distances are clamped to {@code [0, maxDistance]} (the code's {@code clamp_len}; choose at least
 * memory + segment length − 1 for the unclamped model). A key after its query would have
 * {@code δ < 0}; Transformer-XL never attends to one, so attention requires a causal mask with this
 * scheme and this class clamps such distances to 0 for inspection.
 *
 * <p>{@code u}, {@code v} and {@code r_δ} for {@code δ = 0 … maxDistance} are kept as floats
 * ({@code (maxDistance + 1)·heads·headDim} of them); kernels read them in place through the read-only
 * views {@link #contentBiases()}, {@link #positionBiases()} and {@link #relativeEmbeddings()}.
 * Immutable and thread-safe.
 */
public final class TransformerXlPositions implements PositionScheme {
    private final int heads;
    private final int headDim;
    private final int maxDistance;
    /** u and v, row-major {@code [heads × headDim]}. */
    private final float[] u;
    private final float[] v;
    /** r, row-major {@code [(maxDistance + 1) × heads × headDim]} (row δ is {@code W_R·R_δ}). */
    private final float[] r;

    private TransformerXlPositions(int heads, int headDim, int maxDistance, float[] u, float[] v, float[] r) {
        this.heads = heads;
        this.headDim = headDim;
        this.maxDistance = maxDistance;
        this.u = u;
        this.v = v;
        this.r = r;
    }

    /**
     * From projected relative embeddings: copies of u, v ({@code [heads × headDim]} each) and
     * {@code r} ({@code [(maxDistance + 1) × heads × headDim]}, row δ = {@code W_R·R_δ}).
     */
    public static TransformerXlPositions of(int heads, int headDim, float[] u, int uOffset, float[] v, int vOffset,
                                            float[] r, int rOffset, int maxDistance) {
        Checks.positive(heads, "heads");
        Checks.positive(headDim, "headDim");
        Checks.nonNegative(maxDistance, "maxDistance");
        int width = Checks.product(heads, "heads", headDim, "headDim");
        int rows = Checks.inRange(maxDistance, 0, Integer.MAX_VALUE - 1, "maxDistance") + 1;
        int size = Checks.product(rows, "maxDistance + 1", width, "heads × headDim");
        Checks.fits(r, "r", rOffset, size, "(maxDistance + 1) × heads × headDim");   // before allocating the copy
        float[] rCopy = new float[size];
        System.arraycopy(r, rOffset, rCopy, 0, size);
        return new TransformerXlPositions(heads, headDim, maxDistance, copy(u, "u", uOffset, width),
                copy(v, "v", vOffset, width), rCopy);
    }

    /**
     * From the model's weights: {@code r_δ = W_R·R_δ} computed in double for δ = 0 … maxDistance.
     *
     * @param projection {@code W_R} ({@code r_net.weight}), row-major {@code [(heads·headDim) × modelDim]}
     * @param modelDim   the width of the sinusoidal embedding R ({@code d_model})
     */
    public static TransformerXlPositions sinusoidal(int heads, int headDim, float[] u, int uOffset, float[] v,
                                                    int vOffset, float[] projection, int projectionOffset,
                                                    int modelDim, int maxDistance) {
        Checks.positive(heads, "heads");
        Checks.positive(headDim, "headDim");
        Checks.positive(modelDim, "modelDim");
        int width = Checks.product(heads, "heads", headDim, "headDim");
        Checks.fits(projection, "projection", projectionOffset,
                Checks.product(width, "heads × headDim", modelDim, "modelDim"), "heads × headDim × modelDim");
        int rows = Checks.inRange(maxDistance, 0, Integer.MAX_VALUE - 1, "maxDistance") + 1;
        float[] r = new float[Checks.generatedTable((long) rows * width, "(maxDistance + 1) × heads × headDim")];
        SinusoidalEncoding encoding = SinusoidalEncoding.of(modelDim, SinusoidalLayout.HALF_SPLIT);
        double[] embedding = new double[modelDim];
        for (int delta = 0; delta < rows; delta++) {
            for (int i = 0; i < encoding.sinCount(); i++) {
                embedding[encoding.sinColumn(i)] = Math.sin(delta * encoding.frequency(i));
            }
            for (int i = 0; i < encoding.cosCount(); i++) {
                embedding[encoding.cosColumn(i)] = Math.cos(delta * encoding.frequency(i));
            }
            for (int o = 0; o < width; o++) {
                double sum = 0;
                int w = projectionOffset + o * modelDim;
                for (int m = 0; m < modelDim; m++) {
                    sum += projection[w + m] * embedding[m];
                }
                r[delta * width + o] = (float) sum;
            }
        }
        return new TransformerXlPositions(heads, headDim, maxDistance, copy(u, "u", uOffset, width),
                copy(v, "v", vOffset, width), r);
    }

    private static float[] copy(float[] source, String name, int offset, int length) {
        Checks.fits(source, name, offset, length, "heads × headDim");
        float[] copy = new float[length];
        System.arraycopy(source, offset, copy, 0, length);
        return copy;
    }

    /** {@code clamp(p − j, 0, maxDistance)}: the row of r used by query position p and key position j. */
    public int distance(int queryPosition, int keyPosition) {
        long delta = (long) queryPosition - keyPosition;
        return (int) Math.max(0, Math.min(maxDistance, delta));
    }

    /** The number of heads. */
    public int heads() {
        return heads;
    }

    /** The head width. */
    public int headDim() {
        return headDim;
    }

    /** The largest distance told apart (the clamp). */
    public int maxDistance() {
        return maxDistance;
    }

    /** {@code u[h, c]}, the content bias. */
    public float contentBias(int head, int column) {
        return u[at(head, column)];
    }

    /** {@code v[h, c]}, the position bias. */
    public float positionBias(int head, int column) {
        return v[at(head, column)];
    }

    /** {@code r_δ[h, c]} = {@code (W_R·R_δ)[h·headDim + c]}, for {@code 0 <= distance <= maxDistance}. */
    public float relativeEmbedding(int distance, int head, int column) {
        Checks.inRange(distance, 0, maxDistance, "distance");
        return r[distance * heads * headDim + at(head, column)];
    }

    /** Every {@code u[h, c]}, row-major {@code [heads × headDim]} floats, as a read-only view (no copy). */
    public MemorySegment contentBiases() {
        return MemorySegment.ofArray(u).asReadOnly();
    }

    /** Every {@code v[h, c]}, row-major {@code [heads × headDim]} floats, as a read-only view (no copy). */
    public MemorySegment positionBiases() {
        return MemorySegment.ofArray(v).asReadOnly();
    }

    /**
     * Every {@code r_δ[h, c]}, row-major {@code [(maxDistance + 1) × heads × headDim]} floats, as a
     * read-only view (no copy).
     */
    public MemorySegment relativeEmbeddings() {
        return MemorySegment.ofArray(r).asReadOnly();
    }

    /**
     * Terms (b), (c) and (d): {@code u_h·k + (q + v_h)·r_{h,δ}} with {@code δ = distance(p, t)}; attention
     * adds term (a), {@code q·k}.
     */
    @Override
    public double logitTerm(int head, int queryPosition, int keyPosition, float[] q, int qAt, float[] k, int kAt) {
        int h = head * headDim;
        int row = distance(queryPosition, keyPosition) * heads * headDim + h;
        double dot = 0;
        for (int c = 0; c < headDim; c++) {
            dot += (double) u[h + c] * k[kAt + c] + ((double) q[qAt + c] + v[h + c]) * r[row + c];
        }
        return dot;
    }

    /** Where {@code [head, column]} is in a {@code [heads × headDim]} row; both are checked indexes. */
    private int at(int head, int column) {
        return Checks.index(head, heads, "head") * headDim + Checks.index(column, headDim, "column");
    }

    /**
     * Terms (b) + (d) before scaling, for inspection: {@code out[h, i, j] = (q_{i,h} + v_h)·r_{h,δ}}
     * with {@code δ = distance(p_i, j)} (accumulated in double), row-major
     * {@code [heads × queries × keys]}, q in attention's layout {@code [queries × heads × headDim]}.
     * This is the authors' {@code BD} after {@code _rel_shift}.
     */
    public void materializePositionTerm(Positions queryPositions, int keys, float[] q, int qOffset,
                                        float[] out, int outOffset) {
        BiasGrid.requireQueries(q, qOffset, queryPositions, heads, headDim);
        BiasGrid.fill(queryPositions, keys, heads, out, outOffset, (h, i, p, j) -> {
            int qRow = qOffset + (i * heads + h) * headDim;
            int rRow = (distance(p, j) * heads + h) * headDim;
            double dot = 0;
            for (int c = 0; c < headDim; c++) {
                dot += ((double) q[qRow + c] + v[h * headDim + c]) * r[rRow + c];
            }
            return dot;
        });
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (heads != this.heads || headDim != this.headDim) {
            throw new IllegalArgumentException("TransformerXlPositions has heads = " + this.heads + " and headDim = "
                    + this.headDim + " but attention has heads = " + heads + " and headDim = " + headDim);
        }
        if (!causal) {
            throw new IllegalArgumentException("TransformerXlPositions needs a causal mask (TOP_LEFT or BOTTOM_RIGHT):"
                    + " its relative embeddings are defined for keys at or before the query, causal was NONE");
        }
    }

    @Override
    public String toString() {
        return "TransformerXlPositions[heads=" + heads + ", headDim=" + headDim + ", maxDistance=" + maxDistance + "]";
    }
}
