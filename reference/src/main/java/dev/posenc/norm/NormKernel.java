package dev.posenc.norm;

import dev.posenc.internal.Checks;

/**
 * Normalisation over the last dimension of a row-major {@code [rows × n]} matrix.
 *
 * <p>Both norms accumulate their statistics in double: the mean and the sum of squares of a row
 * are sums of floats that are exact in double, so rows such as mean 1e4 / std 1e−2 keep their
 * accuracy (a float32 mean alone is off by 5e−4 there, 5% of σ), and {@code x²} cannot overflow for
 * any finite float (float32 {@code x²} overflows from |x| ≈ 1.8e19).
 *
 * <p>NaN or ±∞ anywhere in a row makes that row's output NaN (the statistics are NaN). {@code out}
 * may be the same array as {@code x} with the same offset (in place); other overlaps are not
 * allowed. Invalid arguments throw {@link IllegalArgumentException} before anything is written.
 */
public interface NormKernel {

    /**
     * LayerNorm (Ba et al. 2016; {@code torch.nn.functional.layer_norm}):
     * <pre>  y_j = (x_j − μ) / √(σ² + eps) · γ_j + β_j,   μ = Σx/n,   σ² = Σ(x − μ)²/n (biased)</pre>
     * computed in two passes (mean, then squared deviations from it), never as E[x²] − E[x]².
     * A constant row gives {@code β}.
     *
     * @param gamma scale of {@code n} values, or {@code null} for all ones
     * @param beta  shift of {@code n} values, or {@code null} for all zeros
     * @param eps   finite and > 0, added to the variance inside the square root (PyTorch default 1e−5)
     */
    void layerNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                   float[] gamma, float[] beta, double eps);

    /**
     * RMSNorm (Zhang and Sennrich 2019):
     * <pre>  y_j = x_j / √(Σx²/n + eps) · w'_j</pre>
     * with {@code w'_j = w_j} ({@link RmsNormWeighting#PLAIN}: HF Llama/Mistral/Qwen {@code *RMSNorm},
     * T5 {@code T5LayerNorm}) or {@code w'_j = 1 + w_j} ({@link RmsNormWeighting#ONE_PLUS}: HF Gemma).
     *
     * @param weight    {@code n} values, or {@code null} for {@code w = 0} under ONE_PLUS and
     *                  {@code w = 1} under PLAIN (no weight)
     * @param eps       finite and > 0, added to the mean square (Llama 1e−5 or 1e−6)
     * @param weighting how the weight enters
     */
    void rmsNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                 float[] weight, double eps, RmsNormWeighting weighting);

    /**
     * The argument checks every implementation makes before writing: sizes > 0 whose product fits
     * an int, arrays long enough for their offsets, {@code out} in place or disjoint, weights of at
     * least {@code n} values (or {@code null}), {@code eps} finite and > 0.
     *
     * @throws IllegalArgumentException naming the argument, its value and what was expected
     */
    static void checkArguments(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                               float[] weight, String weightName, float[] beta, double eps) {
        Checks.positive(rows, "rows");
        Checks.positive(n, "n");
        int size = Checks.product(rows, "rows", n, "n");
        Checks.fits(x, "x", xOffset, size, "rows × n");
        Checks.fits(out, "out", outOffset, size, "rows × n");
        Checks.sameOrDisjoint(x, "x", xOffset, out, "out", outOffset, size);
        Checks.nullOrFits(weight, weightName, n, "n");
        Checks.nullOrFits(beta, "beta", n, "n");
        Checks.finitePositive(eps, "eps");
    }
}
