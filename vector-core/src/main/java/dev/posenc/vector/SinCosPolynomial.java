package dev.posenc.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

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
 */
final class SinCosPolynomial {
    static final float S1 = -1.6666654611e-1f;
    static final float S2 = 8.3321608736e-3f;
    static final float S3 = -1.9515295891e-4f;
    static final float C1 = 4.166664568298827e-2f;
    static final float C2 = -1.388731625493765e-3f;
    static final float C3 = 2.443315711809948e-5f;

    private SinCosPolynomial() {}

    /** {@code sin r} for {@code |r| ≤ π/4}. */
    static FloatVector sin(FloatVector r) {
        FloatVector z = r.mul(r);
        FloatVector p = Lanes.fma(Lanes.fma(z, S3, S2), z, constant(S1));
        return Lanes.fma(p, r.mul(z), r);
    }

    /** {@code cos r} for {@code |r| ≤ π/4}. */
    static FloatVector cos(FloatVector r) {
        FloatVector z = r.mul(r);
        FloatVector p = Lanes.fma(Lanes.fma(z, C3, C2), z, constant(C1));
        return Lanes.fma(p, z.mul(z), Lanes.fma(r, r.mul(-0.5f), constant(1f)));
    }

    /** {@code sin θ} from {@code sin r}, {@code cos r} and the quadrant {@code k mod 4}. */
    static FloatVector sinOf(FloatVector sinR, FloatVector cosR, IntVector quadrant) {
        return signed(sinR.blend(cosR, odd(quadrant)), quadrant);
    }

    /** {@code cos θ} from {@code sin r}, {@code cos r} and the quadrant {@code k mod 4}. */
    static FloatVector cosOf(FloatVector sinR, FloatVector cosR, IntVector quadrant) {
        return signed(cosR.blend(sinR, odd(quadrant)), quadrant.add(1));
    }

    private static FloatVector constant(float value) {
        return FloatVector.broadcast(Lanes.FLOAT, value);
    }

    /** Quadrants 1 and 3, where sine and cosine trade places. */
    private static VectorMask<Float> odd(IntVector quadrant) {
        return quadrant.and(1).compare(VectorOperators.NE, 0).cast(Lanes.FLOAT);
    }

    /** {@code v}, negated where {@code quadrant & 2} is set (by flipping the sign bit, exactly). */
    private static FloatVector signed(FloatVector v, IntVector quadrant) {
        return v.reinterpretAsInts().lanewise(VectorOperators.XOR, quadrant.and(2).lanewise(VectorOperators.LSHL, 30))
                .reinterpretAsFloats();
    }
}
