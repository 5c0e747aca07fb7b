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
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
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

    // Each sweep is its own method, unrolled by two, with no helper taking or returning vectors (the package's C2
    // rule: a shared Lanes.fma, compiled on its own, was left out of line at the single-vector loops, boxing its
    // vectors in every row, at 256 and 128 bits once the kernels ran on rows of several lengths).

    /** {@code out_j = ((x_j·k − μ_hi) − μ_lo)·s·γ_j + β_j}; an absent γ or β is 1 or 0 in every lane. */
    private static void affine(float[] x, int in, float[] out, int o, int n, float k, float meanHi, float meanLo,
                               float s, float[] gamma, float[] beta) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector zero = FloatVector.zero(F);
        int step = F.length();
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector d0 = FloatVector.fromArray(F, x, in + j).mul(k).sub(meanHi).sub(meanLo).mul(s);
            FloatVector d1 = FloatVector.fromArray(F, x, in + j + step).mul(k).sub(meanHi).sub(meanLo).mul(s);
            FloatVector g0 = gamma == null ? one : FloatVector.fromArray(F, gamma, j);
            FloatVector g1 = gamma == null ? one : FloatVector.fromArray(F, gamma, j + step);
            FloatVector b0 = beta == null ? zero : FloatVector.fromArray(F, beta, j);
            FloatVector b1 = beta == null ? zero : FloatVector.fromArray(F, beta, j + step);
            (FMA ? d0.fma(g0, b0) : d0.mul(g0).add(b0)).intoArray(out, o + j);
            (FMA ? d1.fma(g1, b1) : d1.mul(g1).add(b1)).intoArray(out, o + j + step);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector d = FloatVector.fromArray(F, x, in + j).mul(k).sub(meanHi).sub(meanLo).mul(s);
            FloatVector g = gamma == null ? one : FloatVector.fromArray(F, gamma, j);
            FloatVector b = beta == null ? zero : FloatVector.fromArray(F, beta, j);
            (FMA ? d.fma(g, b) : d.mul(g).add(b)).intoArray(out, o + j);
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
        FloatVector one = FloatVector.broadcast(F, 1f);
        int step = F.length();
        int j = 0;
        for (int bound = n - n % (2 * step); j < bound; j += 2 * step) {
            FloatVector w0 = (weight == null ? one : FloatVector.fromArray(F, weight, j)).add(offset);
            FloatVector w1 = (weight == null ? one : FloatVector.fromArray(F, weight, j + step)).add(offset);
            FloatVector.fromArray(F, x, in + j).mul(k).mul(s).mul(w0).intoArray(out, o + j);
            FloatVector.fromArray(F, x, in + j + step).mul(k).mul(s).mul(w1).intoArray(out, o + j + step);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector w = (weight == null ? one : FloatVector.fromArray(F, weight, j)).add(offset);
            FloatVector.fromArray(F, x, in + j).mul(k).mul(s).mul(w).intoArray(out, o + j);
        }
        for (; j < n; j++) {
            float w = weight == null ? 1f : weight[j] + offset;
            out[o + j] = x[in + j] * k * s * w;
        }
    }

    /**
     * {@code Σ x_j} in double: each float vector widened into its two halves ({@code convertShape} part 0 and 1), each
     * half the receiver of its add, not the running sum (the package's C2 rule).
     */
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
            a0 = ((DoubleVector) v0.convertShape(VectorOperators.F2D, D, 0)).add(a0);
            a1 = ((DoubleVector) v0.convertShape(VectorOperators.F2D, D, 1)).add(a1);
            a2 = ((DoubleVector) v1.convertShape(VectorOperators.F2D, D, 0)).add(a2);
            a3 = ((DoubleVector) v1.convertShape(VectorOperators.F2D, D, 1)).add(a3);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector v = FloatVector.fromArray(F, x, in + j);
            a0 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).add(a0);
            a1 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).add(a1);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        double s = Lanes.sum(lanes, D.length());
        for (; j < n; j++) {
            s += x[in + j];
        }
        return s;
    }

    /** {@code Σ (x_j − c)²} in double (c = the mean for LayerNorm, 0 for RMSNorm), widened as {@link #sum}. */
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
            DoubleVector d0 = ((DoubleVector) v0.convertShape(VectorOperators.F2D, D, 0)).sub(m);
            DoubleVector d1 = ((DoubleVector) v0.convertShape(VectorOperators.F2D, D, 1)).sub(m);
            DoubleVector d2 = ((DoubleVector) v1.convertShape(VectorOperators.F2D, D, 0)).sub(m);
            DoubleVector d3 = ((DoubleVector) v1.convertShape(VectorOperators.F2D, D, 1)).sub(m);
            a0 = FMA ? d0.fma(d0, a0) : d0.mul(d0).add(a0);
            a1 = FMA ? d1.fma(d1, a1) : d1.mul(d1).add(a1);
            a2 = FMA ? d2.fma(d2, a2) : d2.mul(d2).add(a2);
            a3 = FMA ? d3.fma(d3, a3) : d3.mul(d3).add(a3);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector v = FloatVector.fromArray(F, x, in + j);
            DoubleVector d0 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(m);
            DoubleVector d1 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(m);
            a0 = FMA ? d0.fma(d0, a0) : d0.mul(d0).add(a0);
            a1 = FMA ? d1.fma(d1, a1) : d1.mul(d1).add(a1);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        double s = Lanes.sum(lanes, D.length());
        for (; j < n; j++) {
            double d = x[in + j] - c;
            s += d * d;
        }
        return s;
    }
}
