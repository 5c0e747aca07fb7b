package dev.posenc.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exponentials of a column of vectors, as the streaming softmax and the soft cap need them:
 * {@code x_j ← exp(x_j − shift)} for rows {@code j} of one vector of lanes, in place, returning the
 * sum. The {@link ExpPolynomial} steps are written out in the loop (the package's C2 rule). Every
 * caller goes through this one method, so the same input gives the same bits
 * wherever it is computed (unlike the Vector API's {@code EXP}, an SVML call when compiled and
 * {@link Math#exp} per lane when interpreted). Inputs ≤ 0 (or −∞: 0) give results within 1.01 ulp, and
 * below 2⁻¹²⁶ subnormal results rounded once (0 below 2⁻¹⁴⁹): flushed to 0 there, the weights of keys a sink
 * (a valueless logit) outweighs by e⁸⁷ were lost, an absolute error of {@code Σ p·|v|} above the oracle's
 * {@code 2⁻¹²⁶} where the output itself is that small; NaN inputs give unspecified values (callers track NaN
 * separately). Per vector of lanes, the same bits by three ways: where every input is below
 * {@code ln(2⁻¹⁴⁹)}, zeros with no arithmetic (most of the far keys of ALiBi's steeper heads); where none is below
 * {@link ExpPolynomial#UNDERFLOW}, 2^k made by one shift and applied by one fused multiply-add
 * ({@link ExpPolynomial#BIASED_ROUNDER}, four operations fewer); else the 2^(k+25)·2⁻²⁵ form with its blend. The
 * three ways took this method from 10.8% to 7.6% of the products' samples on the benchmark's ALiBi prefill. The
 * running sum goes through memory ({@code total} of {@link #exponentials}): kept in a register it ran no faster
 * (0.991×). Measurements: docs/experiments/prefill.md, "TileExp".
 */
final class TileExp {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    /**
     * {@code bits(x·log₂e + BIASED_ROUNDER) − it} is k + 25: where a result may be subnormal, 2^k is applied as
     * 2^(k+25)·2⁻²⁵, one rounding into the subnormals.
     */
    private static final int BIASED_ROUNDER_BITS_MINUS_25 = Float.floatToRawIntBits(ExpPolynomial.BIASED_ROUNDER) - 25;
    /** ln(2⁻¹⁴⁹): below it the result is under the least subnormal and is 0. */
    private static final float SUBNORMAL_UNDERFLOW = -103.27893f;

    /** log₂e; ln 2 = LN2_HI + LN2_LO with k·LN2_HI exact for |k| &lt; 2²⁰ (fdlibm's split); in double. */
    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    /** 1.5·2⁵² + 1023: {@code bits(x·log₂e + it) << 52} is {@code (k + 1023) << 52}, the bits of 2^k (k ≥ −1022). */
    private static final double BIASED_ROUNDER_D = 0x1.8p52 + 1023;
    /** Below it every result rounds to float 0; the clamp keeps 2^k a normal double. */
    private static final double FLOAT_UNDERFLOW_D = -150;

    private TileExp() {}

    /**
     * {@code out[i] = (float) exp(x[i])} for {@code i < n}, a multiple of the double lanes, and {@code x[i] ≤ 0},
     * −∞ (0) or NaN (NaN): the online softmax's rescale factors α, computed as {@link Math#exp} would be and rounded
     * to float once, {@code x} being clamped at −150 and reduced by {@code k = rint(x·log₂e)}, {@code r = x − k·ln 2}
     * in two parts, {@code e^r} by its Taylor polynomial of degree 12 ({@code |r| ≤ 0.35}: truncation below 2⁻⁵²) in
     * double: a few double ulps from exact, so the float equals {@code (float) Math.exp(x)} but where that lies within
     * ~10⁻¹⁵ of a rounding boundary (none among every third float in [−160, 0]). Exact IEEE operations in a fixed
     * order: the same bits in every JIT tier. Against {@link Math#exp} per lane (a stub call each, for most lanes of
     * most tiles: under ALiBi the maxima grow tile after tile), the benchmark's ALiBi prefill ran 1.022× as fast.
     * Measurements: docs/experiments/prefill.md, "rescales".
     */
    static void rescales(double[] x, int n, double[] scratch, float[] out) {
        DoubleVector log2e = DoubleVector.broadcast(D, LOG2E);
        DoubleVector rounder = DoubleVector.broadcast(D, BIASED_ROUNDER_D);
        DoubleVector ln2Hi = DoubleVector.broadcast(D, -LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(D, -LN2_LO);
        for (int i = 0; i < n; i += D.length()) {
            DoubleVector a = DoubleVector.fromArray(D, x, i).max(FLOAT_UNDERFLOW_D);
            DoubleVector t = FMA ? a.fma(log2e, rounder) : a.mul(log2e).add(rounder);
            DoubleVector k = t.sub(BIASED_ROUNDER_D);
            DoubleVector r = FMA ? k.fma(ln2Hi, a) : k.mul(ln2Hi).add(a);
            r = FMA ? k.fma(ln2Lo, r) : k.mul(ln2Lo).add(r);
            DoubleVector p = DoubleVector.broadcast(D, 1.0 / 479001600);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 39916800)) : p.mul(r).add(1.0 / 39916800);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 3628800)) : p.mul(r).add(1.0 / 3628800);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 362880)) : p.mul(r).add(1.0 / 362880);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 40320)) : p.mul(r).add(1.0 / 40320);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 5040)) : p.mul(r).add(1.0 / 5040);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 720)) : p.mul(r).add(1.0 / 720);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 120)) : p.mul(r).add(1.0 / 120);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 24)) : p.mul(r).add(1.0 / 24);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0 / 6)) : p.mul(r).add(1.0 / 6);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 0.5)) : p.mul(r).add(0.5);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0)) : p.mul(r).add(1.0);
            p = FMA ? p.fma(r, DoubleVector.broadcast(D, 1.0)) : p.mul(r).add(1.0);
            DoubleVector twoToK = t.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(twoToK).intoArray(scratch, i);
        }
        for (int i = 0; i < n; i++) {
            out[i] = (float) scratch[i];
        }
    }

    /**
     * {@code x[at + j·stride] = exp(x[at + j·stride] − shift[lane])} for {@code j < rows}, and
     * {@code total[lane] = Σ_j} of the results.
     */
    static void exponentials(float[] x, int at, int rows, int stride, float[] shift, int lane, float[] total) {
        FloatVector m = FloatVector.fromArray(F, shift, lane);
        FloatVector log2e = FloatVector.broadcast(F, ExpPolynomial.LOG2E);
        FloatVector rounder = FloatVector.broadcast(F, ExpPolynomial.BIASED_ROUNDER);
        FloatVector ln2Hi = FloatVector.broadcast(F, -ExpPolynomial.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(F, -ExpPolynomial.LN2_LO);
        FloatVector p0 = FloatVector.broadcast(F, ExpPolynomial.P0);
        FloatVector p1 = FloatVector.broadcast(F, ExpPolynomial.P1);
        FloatVector p2 = FloatVector.broadcast(F, ExpPolynomial.P2);
        FloatVector p3 = FloatVector.broadcast(F, ExpPolynomial.P3);
        FloatVector p4 = FloatVector.broadcast(F, ExpPolynomial.P4);
        FloatVector p5 = FloatVector.broadcast(F, ExpPolynomial.P5);
        FloatVector zero = FloatVector.zero(F);
        zero.intoArray(total, lane);
        for (int j = 0, o = at; j < rows; j++, o += stride) {
            FloatVector a = FloatVector.fromArray(F, x, o).sub(m);
            if (a.lt(SUBNORMAL_UNDERFLOW).allTrue()) {
                zero.intoArray(x, o);
                continue;
            }
            FloatVector t = FMA ? a.fma(log2e, rounder) : a.mul(log2e).add(rounder);
            FloatVector k = t.sub(ExpPolynomial.BIASED_ROUNDER);
            FloatVector r = FMA ? k.fma(ln2Hi, a) : k.mul(ln2Hi).add(a);
            r = FMA ? k.fma(ln2Lo, r) : k.mul(ln2Lo).add(r);
            FloatVector p = FMA ? r.fma(p0, p1) : r.mul(p0).add(p1);
            p = FMA ? p.fma(r, p2) : p.mul(r).add(p2);
            p = FMA ? p.fma(r, p3) : p.mul(r).add(p3);
            p = FMA ? p.fma(r, p4) : p.mul(r).add(p4);
            p = FMA ? p.fma(r, p5) : p.mul(r).add(p5);
            FloatVector r2 = r.mul(r);
            FloatVector q = FMA ? p.fma(r2, r) : p.mul(r2).add(r);
            FloatVector e;
            if (!a.lt(ExpPolynomial.UNDERFLOW).anyTrue()) {
                FloatVector twoToK = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                e = FMA ? q.fma(twoToK, twoToK) : q.mul(twoToK).add(twoToK);
            } else {
                IntVector twoToK25 = t.reinterpretAsInts().sub(BIASED_ROUNDER_BITS_MINUS_25).lanewise(VectorOperators.LSHL, 23);
                e = q.add(1f).reinterpretAsInts().add(twoToK25).reinterpretAsFloats().mul(0x1p-25f)
                        .blend(0f, a.lt(SUBNORMAL_UNDERFLOW));
            }
            e.intoArray(x, o);
            // The sum stays in total, so no vector is carried from one row to the next (the package's C2 rule): carried
            // as a vector, even as the argument (e.add(sum)), it stayed boxed at 128 bits without receiver profiles.
            e.add(FloatVector.fromArray(F, total, lane)).intoArray(total, lane);
        }
    }
}
