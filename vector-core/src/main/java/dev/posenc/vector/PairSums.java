package dev.posenc.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane indices that fold the lanewise partial sums of several vectors together without a horizontal
 * reduction per vector: for vectors a and b,
 * <pre>  EVEN.selectFrom(a, b).add(ODD.selectFrom(a, b))</pre>
 * holds a's adjacent lanes summed in its low half and b's in its high half. Applied level by level
 * to 2ⁿ vectors, lane i of the result after log₂L levels is the total of vector i (of the first L);
 * applied to a vector and itself, it halves how many lanes one total spans. Each total is a fixed tree
 * of exact IEEE additions, the same in every JIT tier. Kernels write the expression out where they use
 * it (the package's C2 rule).
 */
final class PairSums {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /** Lane i: element 2i of the concatenation of two vectors. */
    static final FloatVector EVEN = FloatVector.fromArray(F, indices(0), 0);
    /** Lane i: element 2i + 1 of the concatenation of two vectors. */
    static final FloatVector ODD = FloatVector.fromArray(F, indices(1), 0);

    private PairSums() {}

    private static float[] indices(int odd) {
        float[] indices = new float[F.length()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = 2 * i + odd;
        }
        return indices;
    }
}
