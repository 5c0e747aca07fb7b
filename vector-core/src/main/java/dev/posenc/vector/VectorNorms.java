package dev.posenc.vector;

import dev.posenc.internal.Checks;
import dev.posenc.norm.NormKernel;
import dev.posenc.norm.RmsNormWeighting;
import dev.posenc.reference.ReferenceKernels;
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
 * scaled by 2⁻⁶⁴ (exact) and the inverse by 2⁶⁴, so no precision is lost. When it would exceed
 * 2¹⁰⁰ (σ or rms below 2⁻¹⁰⁰ with an eps as small: rows of subnormal or equal values), a float
 * inverse could overflow where the exact output is finite (±1, or β for a constant row), so the
 * reference computes that row in double.
 */
final class VectorNorms implements NormKernel {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final double TINY_INVERSE = 0x1p-100;
    private static final double HUGE_INVERSE = 0x1p100;
    private static final float DOWN = 0x1p-64f;
    /** Where a sum's lanes are combined by a fixed tree (see {@link Lanes}), one array per thread. */
    private static final ThreadLocal<double[]> LANES = ThreadLocal.withInitial(() -> new double[D.length()]);

    @Override
    public void layerNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                          float[] gamma, float[] beta, double eps) {
        NormKernel.checkArguments(x, xOffset, out, outOffset, rows, n, gamma, "gamma", beta, eps);
        double[] lanes = LANES.get();
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * n;
            int o = outOffset + r * n;
            double mean = sum(x, in, n, lanes) / n;
            double squares = squaredDeviations(x, in, n, mean, lanes);
            if (!Double.isFinite(squares)) {
                Arrays.fill(out, o, o + n, Float.NaN);
                continue;
            }
            double inverseStd = 1.0 / Math.sqrt(squares / n + eps);
            if (inverseStd > HUGE_INVERSE) {
                ReferenceKernels.INSTANCE.norms().layerNorm(x, in, out, o, 1, n, gamma, beta, eps);
                continue;
            }
            float k = inverseStd < TINY_INVERSE ? DOWN : 1f;
            double scaledMean = mean * k;
            float meanHi = (float) scaledMean;
            affine(x, in, out, o, n, k, meanHi, (float) (scaledMean - meanHi), (float) (inverseStd / k), gamma, beta);
        }
    }

    @Override
    public void rmsNorm(float[] x, int xOffset, float[] out, int outOffset, int rows, int n,
                        float[] weight, double eps, RmsNormWeighting weighting) {
        Checks.notNull(weighting, "weighting");
        NormKernel.checkArguments(x, xOffset, out, outOffset, rows, n, weight, "weight", null, eps);
        double[] lanes = LANES.get();
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * n;
            int o = outOffset + r * n;
            double squares = squaredDeviations(x, in, n, 0.0, lanes);
            if (!Double.isFinite(squares)) {
                Arrays.fill(out, o, o + n, Float.NaN);
                continue;
            }
            double inverseRms = 1.0 / Math.sqrt(squares / n + eps);
            if (inverseRms > HUGE_INVERSE) {
                ReferenceKernels.INSTANCE.norms().rmsNorm(x, in, out, o, 1, n, weight, eps, weighting);
                continue;
            }
            float k = inverseRms < TINY_INVERSE ? DOWN : 1f;
            scale(x, in, out, o, n, k, (float) (inverseRms / k), weight, weighting == RmsNormWeighting.ONE_PLUS);
        }
    }

    // Each sweep is its own method, unrolled by two (the package's C2 rule); JMH -prof gc confirms 0 B/op.

    /** {@code out_j = ((x_j·k − μ_hi) − μ_lo)·s·γ_j + β_j}. */
    private static void affine(float[] x, int in, float[] out, int o, int n, float k, float meanHi, float meanLo,
                               float s, float[] gamma, float[] beta) {
        int step = F.length();
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector d0 = FloatVector.fromArray(F, x, in + j).mul(k).sub(meanHi).sub(meanLo).mul(s);
            FloatVector d1 = FloatVector.fromArray(F, x, in + j + step).mul(k).sub(meanHi).sub(meanLo).mul(s);
            Lanes.fma(d0, weight(gamma, j, 1f), weight(beta, j, 0f)).intoArray(out, o + j);
            Lanes.fma(d1, weight(gamma, j + step, 1f), weight(beta, j + step, 0f)).intoArray(out, o + j + step);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector d = FloatVector.fromArray(F, x, in + j).mul(k).sub(meanHi).sub(meanLo).mul(s);
            Lanes.fma(d, weight(gamma, j, 1f), weight(beta, j, 0f)).intoArray(out, o + j);
        }
        for (; j < n; j++) {
            float d = (x[in + j] * k - meanHi - meanLo) * s;
            out[o + j] = d * (gamma == null ? 1f : gamma[j]) + (beta == null ? 0f : beta[j]);
        }
    }

    /** {@code out_j = x_j·k·s·w'_j} with {@code w' = w}, {@code 1 + w} or 1. */
    private static void scale(float[] x, int in, float[] out, int o, int n, float k, float s, float[] weight,
                              boolean onePlus) {
        float offset = onePlus && weight != null ? 1f : 0f;
        int step = F.length();
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector w0 = weight(weight, j, 1f).add(offset);
            FloatVector w1 = weight(weight, j + step, 1f).add(offset);
            FloatVector.fromArray(F, x, in + j).mul(k).mul(s).mul(w0).intoArray(out, o + j);
            FloatVector.fromArray(F, x, in + j + step).mul(k).mul(s).mul(w1).intoArray(out, o + j + step);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector w = weight(weight, j, 1f).add(offset);
            FloatVector.fromArray(F, x, in + j).mul(k).mul(s).mul(w).intoArray(out, o + j);
        }
        for (; j < n; j++) {
            float w = weight == null ? 1f : weight[j] + offset;
            out[o + j] = x[in + j] * k * s * w;
        }
    }

    /** {@code w[j …]}, or {@code absent} in every lane when there is no weight. */
    private static FloatVector weight(float[] w, int j, float absent) {
        return w == null ? FloatVector.broadcast(F, absent) : FloatVector.fromArray(F, w, j);
    }

    /** {@code Σ x_j} in double. */
    private static double sum(float[] x, int in, int n, double[] lanes) {
        int step = F.length();
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector v0 = FloatVector.fromArray(F, x, in + j);
            FloatVector v1 = FloatVector.fromArray(F, x, in + j + step);
            a0 = a0.add(low(v0));
            a1 = a1.add(high(v0));
            a2 = a2.add(low(v1));
            a3 = a3.add(high(v1));
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector v = FloatVector.fromArray(F, x, in + j);
            a0 = a0.add(low(v));
            a1 = a1.add(high(v));
        }
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        double s = Lanes.sum(lanes, D.length());
        for (; j < n; j++) {
            s += x[in + j];
        }
        return s;
    }

    /** {@code Σ (x_j − c)²} in double (c = the mean for LayerNorm, 0 for RMSNorm). */
    private static double squaredDeviations(float[] x, int in, int n, double c, double[] lanes) {
        int step = F.length();
        DoubleVector m = DoubleVector.broadcast(D, c);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector v0 = FloatVector.fromArray(F, x, in + j);
            FloatVector v1 = FloatVector.fromArray(F, x, in + j + step);
            DoubleVector d0 = low(v0).sub(m);
            DoubleVector d1 = high(v0).sub(m);
            DoubleVector d2 = low(v1).sub(m);
            DoubleVector d3 = high(v1).sub(m);
            a0 = Lanes.fma(d0, d0, a0);
            a1 = Lanes.fma(d1, d1, a1);
            a2 = Lanes.fma(d2, d2, a2);
            a3 = Lanes.fma(d3, d3, a3);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector v = FloatVector.fromArray(F, x, in + j);
            DoubleVector d0 = low(v).sub(m);
            DoubleVector d1 = high(v).sub(m);
            a0 = Lanes.fma(d0, d0, a0);
            a1 = Lanes.fma(d1, d1, a1);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        double s = Lanes.sum(lanes, D.length());
        for (; j < n; j++) {
            double d = x[in + j] - c;
            s += d * d;
        }
        return s;
    }

    private static DoubleVector low(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector high(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }
}
