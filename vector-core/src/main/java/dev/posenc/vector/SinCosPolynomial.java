package dev.posenc.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float sine and cosine of an angle reduced by {@link QuarterTurns} to {@code θ = k·π/2 + r},
 * {@code |r| ≤ π/4}, with the Cephes {@code sinf}/{@code cosf} polynomials ({@code z = r²}):
 * <pre>
 *   sin r ≈ r + r·z·(S1 + z·(S2 + z·S3))
 *   cos r ≈ (1 − r²/2) + z²·(C1 + z·(C2 + z·C3))      (1 − r²/2 by one fma: r·(−r/2) + 1)
 *   sin θ = [sin r, cos r, −sin r, −cos r][k mod 4],   cos θ = [cos r, −sin r, −cos r, sin r][k mod 4]</pre>
 * Measured against {@link Math#sin}/{@link Math#cos} over every float in [0, π/4·1.0001] (both are
 * odd/even exactly): at most 1.25·2⁻²⁴ absolute (sine 0.79 ulp, cosine 1.25 ulp; 0.73 and 1.01 with
 * hardware FMA). Kernels use these instead of the Vector API's {@code SIN}/{@code COS}, whose
 * interpreted and compiled forms differ in the last bit: every step here is an exactly rounded IEEE
 * operation, so the result is the same bits in every JIT tier and at every vector width.
 *
 * <p>Every kernel that needs sines and cosines of double angles ({@link VectorRope}'s rows,
 * {@link VectorAbsolutePositions}' rows) goes through the one sweep {@link #sinCos}, arrays in and arrays out,
 * with the reduction and the polynomials written out in its loop (the package's C2 rule: as helpers taking
 * vectors, C2 left them out of line once the calling method reached its node budget, boxing every vector).
 */
final class SinCosPolynomial {
    static final float S1 = -1.6666654611e-1f;
    static final float S2 = 8.3321608736e-3f;
    static final float S3 = -1.9515295891e-4f;
    static final float C1 = 4.166664568298827e-2f;
    static final float C2 = -1.388731625493765e-3f;
    static final float C3 = 2.443315711809948e-5f;
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Double> D = Lanes.DOUBLE;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;

    private SinCosPolynomial() {}

    /**
     * {@code sin[sinAt + i] = sin(θ_i + q_i·π/2)} and {@code cos[cosAt + i] = cos(θ_i + q_i·π/2)}, each rounded
     * to float, for {@code i < n}, a multiple of the float lanes: {@code θ_i = theta[i]} in double with
     * {@code |θ_i| ≤ }{@link QuarterTurns#MAX_ANGLE}, {@code q_i = quarterTurns[i]} a small whole number (0: θ
     * itself; 1: sin becomes cos exactly). The remainder of the reduction is rounded to float (≤ 2⁻²⁵
     * absolute) for the float polynomials; the outputs err by at most 1.25·2⁻²⁴ + 2⁻²⁵ from the sine and
     * cosine of the double angle.
     */
    static void sinCos(double[] theta, double[] quarterTurns, int n, float[] sin, int sinAt, float[] cos, int cosAt) {
        int half = D.length();
        FloatVector s1 = FloatVector.broadcast(F, S1);
        FloatVector c1 = FloatVector.broadcast(F, C1);
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < n; i += F.length()) {
            // QuarterTurns: turns = a·(2/π) + 1.5·2⁵², k = turns − 1.5·2⁵², r = ((a − k·P1) − k·P2) − k·P3.
            DoubleVector a0 = DoubleVector.fromArray(D, theta, i);
            DoubleVector a1 = DoubleVector.fromArray(D, theta, i + half);
            DoubleVector t0 = FMA ? a0.fma(QuarterTurns.TWO_OVER_PI, QuarterTurns.ROUNDER)
                    : a0.mul(QuarterTurns.TWO_OVER_PI).add(QuarterTurns.ROUNDER);
            DoubleVector t1 = FMA ? a1.fma(QuarterTurns.TWO_OVER_PI, QuarterTurns.ROUNDER)
                    : a1.mul(QuarterTurns.TWO_OVER_PI).add(QuarterTurns.ROUNDER);
            DoubleVector k0 = t0.sub(QuarterTurns.ROUNDER);
            DoubleVector k1 = t1.sub(QuarterTurns.ROUNDER);
            DoubleVector r0 = a0.sub(k0.mul(QuarterTurns.P1)).sub(k0.mul(QuarterTurns.P2)).sub(k0.mul(QuarterTurns.P3));
            DoubleVector r1 = a1.sub(k1.mul(QuarterTurns.P1)).sub(k1.mul(QuarterTurns.P2)).sub(k1.mul(QuarterTurns.P3));
            // The two halves narrowed into one float vector: r rounded to float, and (k + q) mod 4 as ints.
            FloatVector r = ((FloatVector) r1.convertShape(VectorOperators.D2F, F, -1))
                    .blend((FloatVector) r0.convertShape(VectorOperators.D2F, F, 0), Lanes.LOW_HALF);
            DoubleVector u0 = t0.add(DoubleVector.fromArray(D, quarterTurns, i));
            DoubleVector u1 = t1.add(DoubleVector.fromArray(D, quarterTurns, i + half));
            IntVector quadrant = ((IntVector) u1.reinterpretAsLongs().and(3L).convertShape(VectorOperators.L2I, I, -1))
                    .blend((IntVector) u0.reinterpretAsLongs().and(3L).convertShape(VectorOperators.L2I, I, 0),
                            Lanes.LOW_HALF_INT);
            FloatVector z = r.mul(r);
            FloatVector ps = FMA ? z.fma(S3, S2) : z.mul(S3).add(S2);
            ps = FMA ? ps.fma(z, s1) : ps.mul(z).add(s1);
            FloatVector rz = r.mul(z);
            FloatVector sinR = FMA ? ps.fma(rz, r) : ps.mul(rz).add(r);
            FloatVector pc = FMA ? z.fma(C3, C2) : z.mul(C3).add(C2);
            pc = FMA ? pc.fma(z, c1) : pc.mul(z).add(c1);
            FloatVector minusHalfR = r.mul(-0.5f);
            FloatVector oneMinus = FMA ? r.fma(minusHalfR, one) : r.mul(minusHalfR).add(one);
            FloatVector zz = z.mul(z);
            FloatVector cosR = FMA ? pc.fma(zz, oneMinus) : pc.mul(zz).add(oneMinus);
            // Quadrants 1 and 3 trade sin r and cos r; the sign bit flips where (quadrant & 2) is set (sin θ) or
            // ((quadrant + 1) & 2) is (cos θ): exactly.
            VectorMask<Float> odd = quadrant.and(1).compare(VectorOperators.NE, 0).cast(F);
            IntVector sinSign = quadrant.and(2).lanewise(VectorOperators.LSHL, 30);
            IntVector cosSign = quadrant.add(1).and(2).lanewise(VectorOperators.LSHL, 30);
            sinR.blend(cosR, odd).reinterpretAsInts().lanewise(VectorOperators.XOR, sinSign).reinterpretAsFloats()
                    .intoArray(sin, sinAt + i);
            cosR.blend(sinR, odd).reinterpretAsInts().lanewise(VectorOperators.XOR, cosSign).reinterpretAsFloats()
                    .intoArray(cos, cosAt + i);
        }
    }
}
