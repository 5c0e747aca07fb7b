package dev.posenc.softmax;

import dev.posenc.internal.Checks;

/**
 * Row-wise softmax over a row-major {@code [rows × cols]} matrix.
 *
 * <p>For each row, with {@code z_j = scale·x_j + bias_j} (bias omitted when {@code null}) and
 * {@code m = max_j z_j}:
 * <pre>  y_j = exp(z_j − m) / Σ_k exp(z_k − m)</pre>
 * Subtracting the maximum keeps every exponent ≤ 0, so no finite input overflows.
 *
 * <p>The logits are exact (an implementation must not let {@code scale·x + bias} overflow
 * float into a wrong answer). Special values, per row:
 * <ul>
 *   <li>{@code z_j = −∞} entries get exactly 0 (masked positions);
 *   <li>a row whose every {@code z_j} is {@code −∞} gives all zeros: the "safe softmax" of PyTorch ≥ 2.5
 *       scaled-dot-product attention ({@code torch.softmax} itself gives NaN there);
 *   <li>a row with any {@code z_j} NaN or {@code +∞} (NaN or ±∞ inputs) gives NaN in every entry ({@code torch.softmax}
 *       gives NaN for both, since {@code ∞ − ∞} is NaN).
 * </ul>
 *
 * <p>{@code out} may be the same array as {@code x} with the same offset (in place); other overlaps
 * are not allowed. Invalid arguments throw {@link IllegalArgumentException} before anything is
 * written.
 */
public interface SoftmaxKernel {

    /**
     * {@code y = softmax(scale·x + bias)} row by row.
     *
     * @param x          input, row-major {@code [rows × cols]} from {@code xOffset}
     * @param out        output, row-major {@code [rows × cols]} from {@code outOffset}
     * @param scale      finite multiplier of the logits (e.g. 1/temperature)
     * @param bias       additive row of {@code cols} values from {@code biasOffset}, shared by every
     *                   row, or {@code null} for none
     */
    void softmax(float[] x, int xOffset, float[] out, int outOffset, int rows, int cols,
                 float scale, float[] bias, int biasOffset);

    /** {@code y = softmax(x)} row by row: scale 1, no bias. */
    default void softmax(float[] x, int xOffset, float[] out, int outOffset, int rows, int cols) {
        softmax(x, xOffset, out, outOffset, rows, cols, 1f, null, 0);
    }

    /**
     * The argument checks every implementation makes before writing: sizes > 0 whose product fits
     * an int, arrays long enough for their offsets, a finite scale, {@code out} in place or disjoint.
     *
     * @throws IllegalArgumentException naming the argument, its value and what was expected
     */
    static void checkArguments(float[] x, int xOffset, float[] out, int outOffset, int rows, int cols,
                               float scale, float[] bias, int biasOffset) {
        Checks.positive(rows, "rows");
        Checks.positive(cols, "cols");
        int size = Checks.product(rows, "rows", cols, "cols");
        Checks.fits(x, "x", xOffset, size, "rows × cols");
        Checks.fits(out, "out", outOffset, size, "rows × cols");
        Checks.sameOrDisjoint(x, "x", xOffset, out, "out", outOffset, size);
        Checks.finite(scale, "scale");
        if (bias != null) {
            Checks.fits(bias, "bias", biasOffset, cols, "cols");
        }
    }
}
