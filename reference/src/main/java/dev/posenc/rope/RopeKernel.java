package dev.posenc.rope;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;

/**
 * Applies rotary position embeddings to queries or keys laid out {@code [rows][heads][headDim]}
 * row-major from an offset: row {@code r} holds the {@code heads} heads of the token at position
 * {@code positions.at(r)}. Queries and keys are separate calls, so their head counts may differ
 * (grouped-query attention).
 *
 * <p>For every head and every pair {@code i < r/2} of the {@linkplain RopeLayout layout}, with
 * {@code θ = p·inv_freq_i} and the attention factor {@code af}:
 * <pre>  y[first]  = af·(x[first]·cos θ − x[second]·sin θ)
 *   y[second] = af·(x[second]·cos θ + x[first]·sin θ)</pre>
 * Dimensions {@code rotaryDim … headDim − 1} are copied bit for bit (not scaled by af). The frequencies
 * are {@link RotaryEmbedding#frequencies(Positions)}: HF's for sequence length max position + 1.
 *
 * <p>Accuracy: the angle is formed in double, {@code θ̂ = fl(p·inv_freq)} (within 2⁻⁵³·θ of the exact
 * angle: 2.4e−7 rad at p = 2³¹), and reduced exactly, so an output is as accurate at position 10⁶ as at 10:
 * within {@code 2⁻²¹·af·(|x[first]| + |x[second]|)} of the exact rotation of the float inputs by θ̂ (the
 * reference: one rounding, {@code 2⁻²⁴·|y|}; see {@code RopeContract} for the derivation). HF's float32
 * pipeline, whose angle is rounded to float, is off by up to 4e−3 at p = 10⁵: here the library is more
 * accurate than the implementation it follows.
 *
 * <p>Special values: a NaN in a pair makes both outputs of that pair NaN; an infinity makes them
 * non-finite (±∞, or NaN where ∞·0 or ∞ − ∞ arises, e.g. at position 0); other pairs are unaffected.
 * Outputs whose exact value exceeds the float range are infinite.
 *
 * <p>The same rotation serves the variants: {@link AxialRope} shares the pairs out between several
 * position axes (M-RoPE, a ViT's 2-D RoPE: {@code θ = p_axis(i)·inv_freq_i}), {@link Xpos} scales each pair
 * by {@code ζ_i^(±(p − c)/γ)} (that factor multiplies af above, within the same bound).
 *
 * <p>{@code out} may be {@code x} with the same offset (in place); other overlaps are rejected. Invalid
 * arguments throw {@link IllegalArgumentException} before anything is written.
 */
public interface RopeKernel {

    /**
     * Rotates each row by its position: {@code out = af·R(p)·x} on the rotary dimensions.
     *
     * @param positions one per row, each ≥ 0; {@code rows = positions.count()}
     * @param heads     heads per row, ≥ 1
     */
    void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out, int outOffset);

    /**
     * A cos/sin cache of {@code rope} for positions {@code first … first + count − 1}, laid out for this
     * implementation: immutable, shareable between threads, and usable only by this kernel's
     * {@link #rotate(RopeCache, Positions, int, float[], int, float[], int)}.
     *
     * @throws IllegalArgumentException for a {@code null} rope, {@code first < 0}, {@code count < 1} or a
     *                                  last position beyond {@link Integer#MAX_VALUE}
     */
    RopeCache cache(RotaryEmbedding rope, int first, int count);

    /**
     * As {@link #rotate(RotaryEmbedding, Positions, int, float[], int, float[], int)} with the cos/sin of
     * {@code cache}, which this kernel must have built, which must cover every position, and whose
     * frequencies must be those these positions select (see {@link RopeCache}). The fastest path; results
     * differ from the cache-less one by rounding only.
     */
    void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset, float[] out, int outOffset);

    /**
     * Rotates each row by its positions on {@code rope}'s axes: pair i by {@code θ = p_axis(i)·inv_freq_i}
     * with the frequencies of {@link AxialRope#frequencies(AxialPositions)}, times af.
     *
     * @param positions one per row on each of {@code rope.axes()} axes, each ≥ 0
     */
    void rotate(AxialRope rope, AxialPositions positions, int heads, float[] x, int xOffset, float[] out, int outOffset);

    /**
     * Rotates each row by its position as {@code xpos.embedding()} does, pair i scaled by
     * {@code af·ζ_i^(±(p − c)/γ)} ({@link Xpos#scale}): queries with {@code xpos.queries()}, keys with
     * {@code xpos.keys()} and the same centre.
     *
     * @param positions one per row, each ≥ 0
     */
    void rotate(Xpos xpos, Positions positions, int heads, float[] x, int xOffset, float[] out, int outOffset);

    /**
     * The inverse of {@link #rotate(RotaryEmbedding, Positions, int, float[], int, float[], int) rotate}:
     * {@code out = R(−p)·x / af}, so that un-rotating rotated rows gives them back up to rounding.
     */
    void unrotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset, float[] out, int outOffset);

    /**
     * Moves already rotated rows (cached keys) by {@code delta} positions: {@code out = R(delta)·x} with
     * {@code rope.frequencies()} and no attention factor (the rows carry it already), so that shifting keys
     * rotated at {@code p} gives the keys rotated at {@code p + delta} (StreamingLLM-style cache eviction).
     *
     * @param delta any int, negative to move towards position 0
     * @param rows  rows, ≥ 1
     */
    void shift(RotaryEmbedding rope, int delta, int rows, int heads, float[] x, int xOffset, float[] out, int outOffset);

    /** {@link #rotate(RotaryEmbedding, Positions, int, float[], int, float[], int)} in place. */
    default void rotate(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset) {
        rotate(rope, positions, heads, x, xOffset, x, xOffset);
    }

    /** {@link #rotate(RopeCache, Positions, int, float[], int, float[], int)} in place. */
    default void rotate(RopeCache cache, Positions positions, int heads, float[] x, int xOffset) {
        rotate(cache, positions, heads, x, xOffset, x, xOffset);
    }

    /** {@link #cache(RotaryEmbedding, int, int)} for positions {@code 0 … count − 1}. */
    default RopeCache cache(RotaryEmbedding rope, int count) {
        return cache(rope, 0, count);
    }

    /** {@link #rotate(AxialRope, AxialPositions, int, float[], int, float[], int)} in place. */
    default void rotate(AxialRope rope, AxialPositions positions, int heads, float[] x, int xOffset) {
        rotate(rope, positions, heads, x, xOffset, x, xOffset);
    }

    /** {@link #rotate(Xpos, Positions, int, float[], int, float[], int)} in place. */
    default void rotate(Xpos xpos, Positions positions, int heads, float[] x, int xOffset) {
        rotate(xpos, positions, heads, x, xOffset, x, xOffset);
    }

    /**
     * The checks of {@code rotate} and {@code unrotate}: non-null arguments, at least one position, every
     * position ≥ 0, {@code heads ≥ 1}, {@code rows × heads × headDim} within int, arrays long enough for
     * their offsets, {@code out} in place or disjoint.
     *
     * @throws IllegalArgumentException naming the argument, its value and what was expected
     */
    static void checkArguments(RotaryEmbedding rope, Positions positions, int heads, float[] x, int xOffset,
                               float[] out, int outOffset) {
        Checks.notNull(rope, "rope");
        Checks.notNull(positions, "positions");
        checkRows(rope.headDim(), positions.count(), "positions.count()", heads, x, xOffset, out, outOffset);
        requireNonNegative(positions.min(), positions);
    }

    /**
     * The checks of {@code rotate} with a cache: those of
     * {@link #checkArguments(RotaryEmbedding, Positions, int, float[], int, float[], int)}, every position
     * inside the cache, and the cache's frequencies those of this call's sequence length.
     */
    static void checkArguments(RopeCache cache, Positions positions, int heads, float[] x, int xOffset,
                               float[] out, int outOffset) {
        Checks.notNull(cache, "cache");
        checkArguments(cache.embedding(), positions, heads, x, xOffset, out, outOffset);
        int min = positions.min();
        int max = positions.max();
        if (!cache.covers(min) || !cache.covers(max)) {
            throw new IllegalArgumentException("position " + (cache.covers(min) ? max : min) + " is outside the cache's"
                    + " range [" + cache.first() + ", " + ((long) cache.first() + cache.count()) + ")");
        }
        int seqLen = RotaryEmbedding.seqLen(positions);
        int cacheSeqLen = cache.seqLen();
        if (!cache.embedding().sameFrequencies(seqLen, cacheSeqLen)) {
            throw new IllegalArgumentException("positions up to " + max + " select the " + cache.embedding().scaling().ropeType()
                    + " frequencies of seq_len " + seqLen + ", but the cache holds those of seq_len " + cacheSeqLen
                    + ": build a cache ending at position " + max + ", or call rotate without a cache");
        }
    }

    /**
     * The checks of {@code rotate} with an axial rope: those of
     * {@link #checkArguments(RotaryEmbedding, Positions, int, float[], int, float[], int)}, and as many axes
     * in {@code positions} as {@code rope} has.
     */
    static void checkArguments(AxialRope rope, AxialPositions positions, int heads, float[] x, int xOffset,
                               float[] out, int outOffset) {
        Checks.notNull(rope, "rope");
        Checks.notNull(positions, "positions");
        if (positions.axes() != rope.axes()) {
            throw new IllegalArgumentException("positions has " + positions.axes() + " axes, but " + rope + " needs "
                    + rope.axes());
        }
        checkRows(rope.headDim(), positions.count(), "positions.count()", heads, x, xOffset, out, outOffset);
        requireNonNegative(positions.min(), positions);
    }

    /** The checks of {@code rotate} with xPos: those of {@code rotate} with its embedding, and no scale overflowing float. */
    static void checkArguments(Xpos xpos, Positions positions, int heads, float[] x, int xOffset, float[] out,
                               int outOffset) {
        Checks.notNull(xpos, "xpos");
        checkArguments(xpos.embedding(), positions, heads, x, xOffset, out, outOffset);
        xpos.requireFinite(positions.min(), positions.max());
    }

    /** The checks of {@link #shift}: those of {@code rotate} with {@code rows} rows and no positions. */
    static void checkShift(RotaryEmbedding rope, int rows, int heads, float[] x, int xOffset, float[] out, int outOffset) {
        Checks.notNull(rope, "rope");
        checkRows(rope.headDim(), rows, "rows", heads, x, xOffset, out, outOffset);
    }

    private static void requireNonNegative(int min, Object positions) {
        if (min < 0) {
            throw new IllegalArgumentException("positions must be >= 0, found " + min + " in " + positions);
        }
    }

    private static void checkRows(int headDim, int rows, String rowsName, int heads, float[] x, int xOffset,
                                  float[] out, int outOffset) {
        Checks.positive(rows, rowsName);
        Checks.positive(heads, "heads");
        int size = Checks.product(rows, rowsName, heads, "heads", headDim, "headDim");
        Checks.fits(x, "x", xOffset, size, "rows × heads × headDim");
        Checks.fits(out, "out", outOffset, size, "rows × heads × headDim");
        Checks.sameOrDisjoint(x, "x", xOffset, out, "out", outOffset, size);
    }
}
