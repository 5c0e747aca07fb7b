package dev.posenc.rope;

import dev.posenc.internal.Checks;
import dev.posenc.internal.RopeRows;
import dev.posenc.internal.SharedState;

/**
 * Precomputed {@code cos θ·af} and {@code sin θ·af} of a {@link RotaryEmbedding} for the positions
 * {@code first … first + count − 1}: build it once (e.g. for the model's context) and share it between
 * threads and calls. {@link RopeKernel#rotate(RopeCache, dev.posenc.Positions, int, float[], int, float[], int)}
 * then only multiplies and adds.
 *
 * <p>Each entry is computed in double ({@code θ = p·inv_freq_i}, {@link Math#cos}, {@link Math#sin},
 * times the attention factor) and rounded once to float: within {@code 2⁻²⁴·af} of exact at every
 * position. Rows are laid out for the embedding's layout, so that a kernel only multiplies and adds:
 * {@code 4·r} bytes per position for {@link RopeLayout#HALF_SPLIT} (256 MiB for 2¹⁹ positions of r = 128),
 * {@code 8·r} for {@link RopeLayout#INTERLEAVED} (each cosine twice, each sine with both signs).
 *
 * <p>The frequencies are those of sequence length {@code first + count} (the largest position + 1). They
 * differ from a call's own only for the schedules that depend on the sequence length (dynamic above
 * max_position_embeddings, longrope across original_max_position_embeddings); the kernel rejects such a
 * call rather than use other frequencies than HF would.
 */
public final class RopeCache {
    static {
        SharedState.register(RopeCache.class, c -> c.table);
    }

    private final RotaryEmbedding embedding;
    private final RopeFrequencies frequencies;
    private final int first;
    private final int count;
    private final float[] table;

    private RopeCache(RotaryEmbedding embedding, int first, int count) {
        this.embedding = Checks.notNull(embedding, "embedding");
        Checks.nonNegative(first, "first");
        Checks.positive(count, "count");
        if ((long) first + count - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("first + count − 1 = " + first + " + " + count + " − 1 exceeds the largest"
                    + " position " + Integer.MAX_VALUE);
        }
        this.first = first;
        this.count = count;
        this.frequencies = embedding.frequencies(seqLen());
        int width = RopeRows.width(embedding.layout(), embedding.rotaryDim());
        this.table = new float[Checks.generatedTable((long) count * width, "count × row width")];
        double af = frequencies.attentionFactor();
        for (int r = 0; r < count; r++) {
            for (int i = 0; i < frequencies.pairs(); i++) {
                double theta = (double) (first + r) * frequencies.invFreq(i);
                RopeRows.put(embedding.layout(), table, r * width, embedding.rotaryDim(), i,
                        (float) (Math.cos(theta) * af), (float) (Math.sin(theta) * af));
            }
        }
    }

    /** The cache of {@code embedding} for positions {@code first … first + count − 1}. */
    public static RopeCache of(RotaryEmbedding embedding, int first, int count) {
        return new RopeCache(embedding, first, count);
    }

    /** The cache for positions {@code 0 … count − 1}. */
    public static RopeCache of(RotaryEmbedding embedding, int count) {
        return of(embedding, 0, count);
    }

    /** The embedding this cache belongs to. */
    public RotaryEmbedding embedding() {
        return embedding;
    }

    /** The frequencies it was computed from (those of sequence length {@code first + count}). */
    public RopeFrequencies frequencies() {
        return frequencies;
    }

    /** The first position covered. */
    public int first() {
        return first;
    }

    /** How many positions are covered. */
    public int count() {
        return count;
    }

    /** The sequence length whose frequencies it holds: {@code first + count} (at most {@link Integer#MAX_VALUE}). */
    int seqLen() {
        return (int) Math.min((long) first + count, Integer.MAX_VALUE);
    }

    /** Whether {@code position} is covered. */
    public boolean covers(int position) {
        return position >= first && position - first < count;
    }

    /** {@code cos(p·inv_freq_i)·af} as stored (rounded to float). */
    public float cos(int position, int i) {
        return RopeRows.cos(embedding.layout(), table, row(position, i), i);
    }

    /** {@code sin(p·inv_freq_i)·af} as stored (rounded to float). */
    public float sin(int position, int i) {
        return RopeRows.sin(embedding.layout(), table, row(position, i), embedding.rotaryDim(), i);
    }

    private int row(int position, int i) {
        if (!covers(position)) {
            throw new IllegalArgumentException("position " + position + " is outside the cache's range [" + first + ", "
                    + ((long) first + count) + ")");
        }
        Checks.inRange(i, 0, frequencies.pairs() - 1, "i");
        return (position - first) * RopeRows.width(embedding.layout(), embedding.rotaryDim());
    }

    @Override
    public String toString() {
        return "RopeCache[positions " + first + " … " + ((long) first + count - 1) + ", " + embedding + "]";
    }
}
