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
 * integer distance that reaches it, in double where that is certain and by an exact integer comparison
 * next to an integer (construction is linear in the number of buckets; {@link #bucket} is a binary
 * search over them). Any {@code long} relative position is accepted, {@link Long#MIN_VALUE} included. HF computes the logarithm in
 * float32 and truncates; the two agree at every distance in the shared conformance data
 * (|r| ≤ 300 for 16/64, 32/128 and 64/256 buckets/distance), including the distances where the
 * real value is an integer (e.g. r = 16 with 32 buckets bidirectional: bucket 26).
 *
 * <p>Immutable and thread-safe.
 */
public final class T5Buckets {
    /**
     * The most buckets accepted. T5, mT5, ByT5 and LongT5 use 32; the limit keeps the boundaries this
     * class stores (one int per logarithmic bucket of a direction) under 128 KiB and construction, which
     * is linear in them, under a few milliseconds.
     */
    public static final int MAX_BUCKETS = 1 << 16;
    /**
     * How close (relative) a boundary computed in double may lie to an integer before the exact integer
     * comparison decides it: the double value is within 2.9e−15 of the real one (see
     * {@link #smallestDistanceReaching}).
     */
    private static final double NEAR_INTEGER = 1e-14;

    private final boolean bidirectional;
    private final int numBuckets;
    private final int maxDistance;
    private final int perDirection;
    private final int maxExact;
    /**
     * {@code boundary[t]}: the smallest distance whose bucket is {@code maxExact + t} or more, for
     * {@code 0 <= t < perDirection − maxExact} ({@code boundary[0] = maxExact}); non-decreasing.
     */
    private final int[] boundary;

    private T5Buckets(boolean bidirectional, int numBuckets, int maxDistance) {
        this.bidirectional = bidirectional;
        this.numBuckets = numBuckets;
        this.maxDistance = maxDistance;
        this.perDirection = bidirectional ? numBuckets / 2 : numBuckets;
        this.maxExact = perDirection / 2;
        this.boundary = new int[perDirection - maxExact];
        boundary[0] = maxExact;
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
     * @param numBuckets    at least 2 (causal) or 4 (bidirectional: at least 2 per direction), at most
     *                      {@link #MAX_BUCKETS}
     * @param maxDistance   greater than {@code maxExact} (a quarter of the buckets when
     *                      bidirectional, half when causal), so that the logarithm is defined; any int above
     */
    public static T5Buckets of(boolean bidirectional, int numBuckets, int maxDistance) {
        Checks.inRange(numBuckets, bidirectional ? 4 : 2, MAX_BUCKETS, bidirectional
                ? "numBuckets (bidirectional: at least 2 per direction)" : "numBuckets");
        int exact = (bidirectional ? numBuckets / 2 : numBuckets) / 2;
        if (maxDistance <= exact) {
            throw new IllegalArgumentException("maxDistance must be > maxExact = " + exact + " (numBuckets "
                    + numBuckets + (bidirectional ? ", bidirectional" : ", causal") + "), was " + maxDistance);
        }
        return new T5Buckets(bidirectional, numBuckets, maxDistance);
    }

    /** The bucket of the relative position {@code r = key − query}, any long, in {@code [0, numBuckets)}. */
    public int bucket(long relativePosition) {
        // Every distance from maxDistance on shares its direction's last bucket: clamping first keeps the
        // negation below exact for every long (−Long.MIN_VALUE overflows).
        int r = Math.clamp(relativePosition, -maxDistance, maxDistance);
        int offset = bidirectional && r > 0 ? perDirection : 0;
        int a = bidirectional ? Math.abs(r) : Math.max(-r, 0);
        if (a < maxExact) {
            return offset + a;
        }
        int lo = 0;   // the last t with boundary[t] <= a
        int hi = boundary.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (boundary[mid] <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return offset + maxExact + lo;
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
     * The smallest integer a with {@code (n − e)·ln(a/e) ≥ t·ln(D/e)}, i.e. {@code a ≥ x = e·(D/e)^(t/(n−e))}.
     * {@code x} is formed in double: the quotient, the exponent and the product round by 2⁻⁵³ each and
     * {@link Math#pow} errs by 1 ulp, which moves x by at most {@code (4 + ln(D/e))·2⁻⁵³ ≤ 2.9e−15} relative
     * (ln(D/e) &lt; 22 for int distances). Unless x lies that close to an integer, its ceiling is the answer;
     * next to an integer m (the real value may be m exactly, e.g. 32 buckets over 128 at r = 16), the
     * integer comparison of {@link #reaches} decides between m and m + 1.
     */
    private int smallestDistanceReaching(int t) {
        int span = perDirection - maxExact;
        double x = maxExact * Math.pow((double) maxDistance / maxExact, (double) t / span);
        long m = Math.round(x);
        long a = Math.abs(x - m) > NEAR_INTEGER * x ? (long) Math.ceil(x) : reaches(m, t, span) ? m : m + 1;
        return (int) Math.min(a, Integer.MAX_VALUE);
    }

    /**
     * Whether {@code (a/e)^span ≥ (D/e)^t}, exactly: with {@code g = gcd(span, t)}, whether
     * {@code a^(span/g)·e^(t/g) ≥ D^(t/g)·e^(span/g)} in integers.
     */
    private boolean reaches(long a, int t, int span) {
        int g = BigInteger.valueOf(span).gcd(BigInteger.valueOf(t)).intValueExact();
        BigInteger e = BigInteger.valueOf(maxExact);
        BigInteger left = BigInteger.valueOf(a).pow(span / g).multiply(e.pow(t / g));
        BigInteger right = BigInteger.valueOf(maxDistance).pow(t / g).multiply(e.pow(span / g));
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
