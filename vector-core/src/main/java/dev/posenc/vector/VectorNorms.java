package dev.posenc.vector;

import dev.posenc.internal.Checks;
import dev.posenc.norm.NormKernel;
import dev.posenc.norm.RmsNormWeighting;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm and RMSNorm with the row statistics in double vectors (each float lane widened, so the
 * sums are as accurate as the reference's) and the elementwise output in float.
 *
 * <p>LayerNorm's output pass subtracts the double mean as two floats, {@code (x − μ_hi) − μ_lo}:
 * each subtraction rounds relative to its (small) result, so rows with |μ| ≫ σ keep their digits.
 * When the inverse scale would be a subnormal float (σ or rms beyond ~1e30), the row is first
 * scaled by 2⁻⁶⁴ (exact) and the inverse by 2⁶⁴, so no precision is lost.
 */
final class VectorNorms implements NormKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final double TINY_INVERSE = 0x1p-100;
    private static final float DOWN = 0x1p-64f;
    private static final double UP = 0x1p64;

    @Override
    public void layerNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                          float[] gamma, float[] beta, double eps) {
        NormKernel.checkArguments(x, xOffset, out, outOffset, rows, n, gamma, "gamma", beta, eps);
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * n;
            int o = outOffset + r * n;
            double mean = sum(x, in, n) / n;
            double squares = squaredDeviations(x, in, n, mean);
            if (!Double.isFinite(squares)) {
                Arrays.fill(out, o, o + n, Float.NaN);
                continue;
            }
            double inverseStd = 1.0 / Math.sqrt(squares / n + eps);
            float k = inverseStd < TINY_INVERSE ? DOWN : 1f;
            double scaledMean = mean * k;
            float meanHi = (float) scaledMean;
            float meanLo = (float) (scaledMean - meanHi);
            float s = (float) (inverseStd / k);
            int j = 0;
            for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                FloatVector d = FloatVector.fromArray(F, x, in + j).mul(k).sub(meanHi).sub(meanLo).mul(s);
                FloatVector g = gamma == null ? FloatVector.broadcast(F, 1f) : FloatVector.fromArray(F, gamma, j);
                FloatVector b = beta == null ? FloatVector.zero(F) : FloatVector.fromArray(F, beta, j);
                Lanes.fma(d, g, b).intoArray(out, o + j);
            }
            for (; j < n; j++) {
                float d = (x[in + j] * k - meanHi - meanLo) * s;
                out[o + j] = d * (gamma == null ? 1f : gamma[j]) + (beta == null ? 0f : beta[j]);
            }
        }
    }

    @Override
    public void rmsNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                        float[] weight, double eps, RmsNormWeighting weighting) {
        Checks.notNull(weighting, "weighting");
        NormKernel.checkArguments(x, xOffset, out, outOffset, rows, n, weight, "weight", null, eps);
        boolean onePlus = weighting == RmsNormWeighting.ONE_PLUS;
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * n;
            int o = outOffset + r * n;
            double squares = sumOfSquares(x, in, n);
            if (!Double.isFinite(squares)) {
                Arrays.fill(out, o, o + n, Float.NaN);
                continue;
            }
            double inverseRms = 1.0 / Math.sqrt(squares / n + eps);
            float k = inverseRms < TINY_INVERSE ? DOWN : 1f;
            float s = (float) (inverseRms / k);
            int j = 0;
            for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                FloatVector w = weight == null ? FloatVector.broadcast(F, 1f) : FloatVector.fromArray(F, weight, j);
                if (onePlus && weight != null) {
                    w = w.add(1f);
                }
                FloatVector.fromArray(F, x, in + j).mul(k).mul(s).mul(w).intoArray(out, o + j);
            }
            for (; j < n; j++) {
                float w = weight == null ? 1f : onePlus ? 1f + weight[j] : weight[j];
                out[o + j] = x[in + j] * k * s * w;
            }
        }
    }

    /** {@code Σ x_j} in double. */
    private static double sum(float[] x, int in, int n) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, in + j);
            a0 = a0.add(low(v));
            a1 = a1.add(high(v));
        }
        double s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += x[in + j];
        }
        return s;
    }

    /** {@code Σ (x_j − mean)²} in double. */
    private static double squaredDeviations(float[] x, int in, int n, double mean) {
        DoubleVector m = DoubleVector.broadcast(D, mean);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, in + j);
            DoubleVector d0 = low(v).sub(m);
            DoubleVector d1 = high(v).sub(m);
            a0 = Lanes.fma(d0, d0, a0);
            a1 = Lanes.fma(d1, d1, a1);
        }
        double s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            double d = x[in + j] - mean;
            s += d * d;
        }
        return s;
    }

    /** {@code Σ x_j²} in double. */
    private static double sumOfSquares(float[] x, int in, int n) {
        return squaredDeviations(x, in, n, 0.0);
    }

    private static DoubleVector low(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector high(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }
}
