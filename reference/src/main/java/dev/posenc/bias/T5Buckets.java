package dev.posenc.bias;

import dev.posenc.internal.Checks;
import java.math.BigInteger;
import java.util.Objects;

/**
 * T5's bucketing of relative positions (Raffel et al. 2020; HF {@code T5Attention._relative_position_bucket}).
 *
 * <p>With {@code r = key − query} and {@code n} buckets per direction ({@code numBuckets/2} when
 * bidirectional, all of them when causal), {@code maxExact = n/2} and a distance {@code a}:
 * <pre>
 *   bidirectional: offset = (r &gt; 0 ? n : 0),  a = |r|
 *   causal:        offset = 0,                 a = max(−r, 0)   (every future key is in bucket 0)
 *   bucket = offset + (a &lt; maxExact ? a
 *            : min(n − 1, maxExact + ⌊(n − maxExact)·ln(a/maxExact) / ln(maxDistance/maxExact)⌋))</pre>
 * Small distances get a bucket each, larger ones share logarithmically wider buckets, and every
 * distance from {@code maxDistance} on shares the last bucket of its direction.
 *
 * <p>The floor is of the exact real value: each bucket boundary is precomputed as the smallest
 * integer distance that reaches it, by an exact integer comparison. HF computes the logarithm in
 * float32 and truncates; the two agree at every distance in the shared conformance data
 * (|r| ≤ 300 for 16/64, 32/128 and 64/256 buckets/distance), including the distances where the
 * real value is an integer (e.g. r = 16 with 32 buckets bidirectional: bucket 26).
 *
 * <p>Immutable and thread-safe.
 */
public final class T5Buckets {
    private final boolean bidirectional;
    private final int numBuckets;
    private final int maxDistance;
    private final int perDirection;
    private final int maxExact;
    /** {@code boundary[t]}: the smallest distance whose bucket is {@code maxExact + t} or more, t ≥ 1. */
    private final int[] boundary;

    private T5Buckets(boolean bidirectional, int numBuckets, int maxDistance) {
        this.bidirectional = bidirectional;
        this.numBuckets = numBuckets;
        this.maxDistance = maxDistance;
        this.perDirection = bidirectional ? numBuckets / 2 : numBuckets;
        this.maxExact = perDirection / 2;
        this.boundary = new int[perDirection - maxExact];
        for (int t = 1; t < boundary.length; t++) {
            boundary[t] = smallestDistanceReaching(t);
        }
    }

    /** T5's defaults: 32 buckets, maximum distance 128. */
    public static T5Buckets of(boolean bidirectional) {
        return of(bidirectional, 32, 128);
    }

    /**
     * @param bidirectional {@code true} for encoders (both directions), {@code false} for causal decoders
     * @param numBuckets    at least 2 (causal) or 4 (bidirectional: at least 2 per direction)
     * @param maxDistance   greater than {@code maxExact} (a quarter of the buckets when
     *                      bidirectional, half when causal), so that the logarithm is defined
     */
    public static T5Buckets of(boolean bidirectional, int numBuckets, int maxDistance) {
        Checks.inRange(numBuckets, bidirectional ? 4 : 2, Integer.MAX_VALUE, bidirectional
                ? "numBuckets (bidirectional: at least 2 per direction)" : "numBuckets");
        int exact = (bidirectional ? numBuckets / 2 : numBuckets) / 2;
        if (maxDistance <= exact) {
            throw new IllegalArgumentException("maxDistance must be > maxExact = " + exact + " (numBuckets "
                    + numBuckets + (bidirectional ? ", bidirectional" : ", causal") + "), was " + maxDistance);
        }
        return new T5Buckets(bidirectional, numBuckets, maxDistance);
    }

    /** The bucket of the relative position {@code r = key − query}, in {@code [0, numBuckets)}. */
    public int bucket(long relativePosition) {
        int offset = bidirectional && relativePosition > 0 ? perDirection : 0;
        long a = bidirectional ? Math.abs(relativePosition) : Math.max(-relativePosition, 0);
        if (a < maxExact) {
            return offset + (int) a;
        }
        int t = 0;
        while (t + 1 < boundary.length && a >= boundary[t + 1]) {
            t++;
        }
        return offset + maxExact + t;
    }

    /** Whether both directions are distinguished (encoder) rather than causal (decoder). */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** The number of buckets. */
    public int numBuckets() {
        return numBuckets;
    }

    /** The distance from which every distance shares its direction's last bucket. */
    public int maxDistance() {
        return maxDistance;
    }

    /** Distances below this get a bucket of their own. */
    public int maxExact() {
        return maxExact;
    }

    /**
     * The smallest integer a with {@code (n − e)·ln(a/e) ≥ t·ln(D/e)}, i.e.
     * {@code a^(n−e)·e^t ≥ D^t·e^(n−e)}, decided exactly with big integers.
     */
    private int smallestDistanceReaching(int t) {
        int span = perDirection - maxExact;
        double estimate = maxExact * Math.pow((double) maxDistance / maxExact, (double) t / span);
        long a = Math.max(maxExact, (long) Math.ceil(estimate));
        while (a > maxExact && reaches(a - 1, t, span)) {
            a--;
        }
        while (!reaches(a, t, span)) {
            a++;
        }
        return (int) Math.min(a, Integer.MAX_VALUE);
    }

    private boolean reaches(long a, int t, int span) {
        BigInteger e = BigInteger.valueOf(maxExact);
        BigInteger left = BigInteger.valueOf(a).pow(span).multiply(e.pow(t));
        BigInteger right = BigInteger.valueOf(maxDistance).pow(t).multiply(e.pow(span));
        return left.compareTo(right) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof T5Buckets b && b.bidirectional == bidirectional && b.numBuckets == numBuckets
                && b.maxDistance == maxDistance;
    }

    @Override
    public int hashCode() {
        return Objects.hash(bidirectional, numBuckets, maxDistance);
    }

    @Override
    public String toString() {
        return "T5Buckets[" + (bidirectional ? "bidirectional" : "causal") + ", numBuckets=" + numBuckets
                + ", maxDistance=" + maxDistance + "]";
    }
}
