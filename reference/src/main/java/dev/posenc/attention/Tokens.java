package dev.posenc.attention;

import dev.posenc.internal.Checks;

/**
 * A view of a {@code [tokens × heads × dim]} block of floats, row-major from {@code offset}: one
 * row of {@code heads × dim} per token, PyTorch's {@code [seq, heads, dim]} after the projections.
 * Attention takes its queries, keys, values and output as such views:
 * <pre>
 *   Tokens q = Tokens.of(qArray, queries, heads, headDim);
 *   kernel.attend(options, q, k, v, out, workspace);</pre>
 * A view, not a copy: it reads and writes the caller's array. Creating one checks that the array
 * holds it.
 *
 * @param array  the floats
 * @param offset where token 0's row starts, ≥ 0
 * @param tokens the number of token rows, > 0
 * @param heads  heads per token, > 0
 * @param dim    floats per head, > 0
 */
public record Tokens(float[] array, int offset, int tokens, int heads, int dim) {

    /**
     * @throws IllegalArgumentException unless the sizes are positive, their product fits an int and
     *                                  {@code array} holds it from {@code offset}
     */
    public Tokens {
        Checks.positive(tokens, "tokens");
        Checks.positive(heads, "heads");
        Checks.positive(dim, "dim");
        Checks.fits(array, "array", offset, Checks.product(tokens, "tokens", heads, "heads", dim, "dim"),
                "tokens × heads × dim");
    }

    /** The view of {@code array} from index 0. */
    public static Tokens of(float[] array, int tokens, int heads, int dim) {
        return new Tokens(array, 0, tokens, heads, dim);
    }

    /** The view of {@code array} from {@code offset}. */
    public static Tokens of(float[] array, int offset, int tokens, int heads, int dim) {
        return new Tokens(array, offset, tokens, heads, dim);
    }

    /** {@code tokens × heads × dim}: the floats the view covers. */
    public int size() {
        return tokens * heads * dim;
    }

    /** The view of token rows {@code [first, first + count)} (e.g. the query of one decode step). */
    public Tokens rows(int first, int count) {
        Checks.inRange(first, 0, tokens - 1, "first");
        Checks.inRange(count, 1, tokens - first, "count");
        return new Tokens(array, offset + first * heads * dim, count, heads, dim);
    }
}
