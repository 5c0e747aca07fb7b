package dev.posenc.reference;

import dev.posenc.norm.NormKernel;
import dev.posenc.norm.RmsNormWeighting;
import java.util.Arrays;

/**
 * LayerNorm and RMSNorm as the formulas read, in double: two passes for LayerNorm (the mean, then
 * the squared deviations from it), one for RMSNorm's mean square, each output rounded once to
 * float. Sums of floats in double lose at most n·2⁻⁵³ relative, so no row of floats can make them
 * cancel or overflow.
 */
final class ReferenceNorms implements NormKernel {

    @Override
    public void layerNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                          float[] gamma, float[] beta, double eps) {
        NormKernel.checkArguments(x, xOffset, out, outOffset, rows, n, gamma, "gamma", beta, eps);
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * n;
            int o = outOffset + r * n;
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += x[in + j];
            }
            double mean = sum / n;
            double squares = 0;
            for (int j = 0; j < n; j++) {
                double d = x[in + j] - mean;
                squares += d * d;
            }
            if (!Double.isFinite(squares)) {
                Arrays.fill(out, o, o + n, Float.NaN);
                continue;
            }
            double inverseStd = 1.0 / Math.sqrt(squares / n + eps);
            for (int j = 0; j < n; j++) {
                double g = gamma == null ? 1.0 : gamma[j];
                double b = beta == null ? 0.0 : beta[j];
                out[o + j] = (float) ((x[in + j] - mean) * inverseStd * g + b);
            }
        }
    }

    @Override
    public void rmsNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                        float[] weight, double eps, RmsNormWeighting weighting) {
        dev.posenc.internal.Checks.notNull(weighting, "weighting");
        NormKernel.checkArguments(x, xOffset, out, outOffset, rows, n, weight, "weight", null, eps);
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * n;
            int o = outOffset + r * n;
            double squares = 0;
            for (int j = 0; j < n; j++) {
                squares += (double) x[in + j] * x[in + j];
            }
            if (!Double.isFinite(squares)) {
                Arrays.fill(out, o, o + n, Float.NaN);
                continue;
            }
            double inverseRms = 1.0 / Math.sqrt(squares / n + eps);
            for (int j = 0; j < n; j++) {
                out[o + j] = (float) (x[in + j] * inverseRms * effectiveWeight(weight, j, weighting));
            }
        }
    }

    private static double effectiveWeight(float[] weight, int j, RmsNormWeighting weighting) {
        double w = weight == null ? (weighting == RmsNormWeighting.PLAIN ? 1.0 : 0.0) : weight[j];
        return weighting == RmsNormWeighting.ONE_PLUS ? 1.0 + w : w;
    }
}
