package dev.posenc.rope;

import dev.posenc.internal.Checks;

/**
 * The cos/sin of a {@link RotaryEmbedding} for positions {@code first … first + count − 1}, precomputed by
 * one kernel for its own use: obtain it from {@link RopeKernel#cache(RotaryEmbedding, int, int)}, keep it
 * (e.g. for the model's context) and share it between threads and calls of that kernel.
 * {@link RopeKernel#rotate(RopeCache, dev.posenc.Positions, int, float[], int, float[], int)} then only
 * multiplies and adds.
 *
 * <p>Each implementation owns the layout of its cache (the reference keeps {@code cos θ·af} and
 * {@code sin θ·af} in double; the Vector API kernel keeps them rounded to float, in rows laid out for
 * its pair layout), and a kernel rejects a cache that another implementation built. This class holds what
 * every cache shares: the embedding, the range, and the frequencies, which are those of sequence length
 * {@code first + count} (the largest position + 1). They differ from a call's own only for the schedules
 * that depend on the sequence length (dynamic above max_position_embeddings, longrope across
 * original_max_position_embeddings); a kernel rejects such a call rather than use other frequencies than
 * HF would. Immutable and thread-safe.
 */
public abstract class RopeCache {
    private final RotaryEmbedding embedding;
    private final RopeFrequencies frequencies;
    private final int first;
    private final int count;

    /**
     * Checks the range and computes the frequencies; the subclass then fills its table.
     *
     * @throws IllegalArgumentException for a {@code null} embedding, {@code first < 0}, {@code count < 1}
     *                                  or a last position beyond {@link Integer#MAX_VALUE}
     */
    protected RopeCache(RotaryEmbedding embedding, int first, int count) {
        this.embedding = Checks.notNull(embedding, "embedding");
        this.first = Checks.nonNegative(first, "first");
        this.count = Checks.positive(count, "count");
        if ((long) first + count - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("first + count − 1 = " + first + " + " + count + " − 1 exceeds the largest"
                    + " position " + Integer.MAX_VALUE);
        }
        this.frequencies = embedding.frequencies(seqLen());
    }

    /** The embedding this cache belongs to. */
    public final RotaryEmbedding embedding() {
        return embedding;
    }

    /** The frequencies it was computed from (those of sequence length {@code first + count}). */
    public final RopeFrequencies frequencies() {
        return frequencies;
    }

    /** The first position covered. */
    public final int first() {
        return first;
    }

    /** How many positions are covered. */
    public final int count() {
        return count;
    }

    /** Whether {@code position} is covered. */
    public final boolean covers(int position) {
        return position >= first && position - first < count;
    }

    /** {@code cos(p·inv_freq_i)·af} as this cache holds it (the Vector API kernel's: rounded to float). */
    public final double cos(int position, int i) {
        return storedCos(checkedRow(position), checkedPair(i));
    }

    /** {@code sin(p·inv_freq_i)·af} as this cache holds it. */
    public final double sin(int position, int i) {
        return storedSin(checkedRow(position), checkedPair(i));
    }

    /** The stored cosine of pair {@code pair} at row {@code row = position − first}, both in range. */
    protected abstract double storedCos(int row, int pair);

    /** The stored sine of pair {@code pair} at row {@code row}, both in range. */
    protected abstract double storedSin(int row, int pair);

    /**
     * The exception a kernel throws when handed a cache that another implementation built.
     *
     * @param kernel names the kernel that refuses it, e.g. {@code "the reference"}
     */
    public static IllegalArgumentException builtElsewhere(RopeCache cache, String kernel) {
        return new IllegalArgumentException("cache " + cache + " (a " + cache.getClass().getSimpleName() + ") was not"
                + " built by " + kernel + ": obtain the cache from the kernel that uses it, with cache(rope, first, count)");
    }

    /** The sequence length whose frequencies it holds: {@code first + count} (at most {@link Integer#MAX_VALUE}). */
    final int seqLen() {
        return (int) Math.min((long) first + count, Integer.MAX_VALUE);
    }

    private int checkedRow(int position) {
        if (!covers(position)) {
            throw new IllegalArgumentException("position " + position + " is outside the cache's range [" + first + ", "
                    + ((long) first + count) + ")");
        }
        return position - first;
    }

    private int checkedPair(int i) {
        return Checks.inRange(i, 0, frequencies.pairs() - 1, "i");
    }

    @Override
    public String toString() {
        return "RopeCache[positions " + first + " … " + ((long) first + count - 1) + ", " + embedding + "]";
    }
}
