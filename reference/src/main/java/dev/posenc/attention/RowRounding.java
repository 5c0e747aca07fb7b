package dev.posenc.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What {@link KvCache#append} does to the float rows it stages: rounds them to the cache's precision
 * ({@link KvPrecision#round}) and finds what the cache records of each (finite or not, the key rows' squared norms,
 * which rows hold a subnormal). Each step is a plain loop over one row that C2 compiles to vector instructions: the
 * elements' bits are read as ints through {@code bits}, a {@link MemorySegment} over the staged float array that the
 * cache keeps beside it ({@code Float.floatToRawIntBits} in a loop stays scalar; a segment made per call is an
 * allocation wherever C2 does not inline the call: 192 B per row of 512), every test on them is integer arithmetic
 * without a branch, and the F16 conversions are
 * {@link Float#floatToFloat16} and {@link Float#float16ToFloat}, which C2 vectorizes. A predicate "lo ≤ a &lt; hi" on
 * the magnitude bits {@code a} is the sign bit of {@code ~t & (t − (hi − lo))} with {@code t = a − lo}.
 *
 * <p>Measured in JMH (bench's {@code KvCacheBenchmark.append}, 8 kv heads × 128, keys rotated by RoPE, off-heap, this
 * project's Xeon, JDK 25, 2026-11-30 20:48–20:50, load 0.5–0.9; {@code java -jar benchmarks.jar 'KvCacheBenchmark.append'
 * -p impl=vector -p kv=f32,f16,bf16 -p rows=1,512 -p rotation=rope -p storage=offheap -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc},
 * the build before this class, then this one), µs per token row, F32 / F16 / BF16: one row 1.03 / 1.37 / 1.66 against
 * 3.90 / 8.44 / 9.42 element by element; per row of 512, 2.32 / 2.57 / 2.63 against 5.62 / 9.80 / 10.88; 32 B per call in
 * both (the rotation's {@code Positions}). The same bytes, norms, flags and messages (3000 seeded appends of every
 * precision, storage, ring and rotation, special values and rejected rows included, hashed equal; a NaN norm's payload
 * aside, which Java leaves open). What a row's steps cost now (a throw-away loop timing, 1024 floats in L1, ns): the
 * squared norms 450 (three operations per element in double, four rows side by side, each sum in its own order), the
 * subnormal tests of eight kv heads 250 (so only a row holding one is tested head by head), BF16's rounding and packing
 * 220, F16's two conversions 80, the overflow and finiteness tests 70–90.
 */
final class RowRounding {
    private static final ValueLayout.OfInt BITS = ValueLayout.JAVA_INT;
    private static final int MAGNITUDE = 0x7fffffff;
    private static final int INFINITY = 0x7f800000;

    private RowRounding() {}

    /**
     * Whether an element of {@code bits[from, from + n)} is finite but rounds beyond the precision's range (to ±∞): its
     * magnitude at least F16's 65520 (the tie above 65504, which rounds to even, ∞) or BF16's {@code 0x1.ffp127}.
     */
    static boolean overflows(KvPrecision p, MemorySegment bits, int from, int n) {
        if (p == KvPrecision.F32) {
            return false;
        }
        int lo = p == KvPrecision.F16 ? 0x477ff000 : 0x7f7f8000;
        int span = INFINITY - lo;
        int hit = 0;
        for (int i = from; i < from + n; i++) {
            int t = (bits.getAtIndex(BITS, i) & MAGNITUDE) - lo;
            hit |= ~t & (t - span);
        }
        return hit < 0;
    }

    /**
     * Rounds {@code x[from, from + n)} in place to F16 (round to nearest even, a NaN stays NaN, a magnitude beyond the
     * range ∞: {@link #overflows} rejects those first) and writes their bits to {@code storage} from byte {@code at},
     * through {@code halves[0, n)}.
     */
    static void roundF16(float[] x, int from, int n, short[] halves, MemorySegment storage, long at) {
        for (int i = 0; i < n; i++) {
            halves[i] = Float.floatToFloat16(x[from + i]);
        }
        for (int i = 0; i < n; i++) {
            x[from + i] = Float.float16ToFloat(halves[i]);
        }
        MemorySegment.copy(halves, 0, storage, ValueLayout.JAVA_SHORT_UNALIGNED, at, n);
    }

    /**
     * Rounds {@code bits[from, from + n)} (floats) in place to BF16 and writes their top 16 bits to {@code storage} from byte
     * {@code at}: a float's bits plus {@code 0x7fff} plus bit 16 (round to nearest even), the low 16 bits cleared; a NaN
     * ({@code a > 0x7f800000}) keeps its top bits with the quiet bit set. In place, because C2 vectorizes a loop that
     * reads and writes one element through the segment, not one that writes another array at another index. Then two
     * elements' top halves to an int, {@code pairs[0, n / 2)}, read as one long: C2 leaves a narrowing of each int to a
     * short scalar (in a throw-away loop timing, 450 ns per 1024 elements against 100). Long, int and storage all in
     * native byte order, the int holds the two halves in element order on either order.
     */
    static void roundBf16(MemorySegment bits, int from, int n, int[] pairs, MemorySegment storage, long at) {
        for (int i = from; i < from + n; i++) {
            int b = bits.getAtIndex(BITS, i);
            int nan = (INFINITY - (b & MAGNITUDE)) >> 31;
            int nearest = (b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000;
            int quiet = b & 0xffff0000 | 0x00400000;
            bits.setAtIndex(BITS, i, nearest & ~nan | quiet & nan);
        }
        long first = (long) from * Integer.BYTES;
        for (int j = 0; j < n / 2; j++) {
            long two = bits.get(ValueLayout.JAVA_LONG_UNALIGNED, first + (long) j * Long.BYTES);
            pairs[j] = (int) (two >>> 16) & 0xffff | (int) (two >>> 32) & 0xffff0000;
        }
        MemorySegment.copy(pairs, 0, storage, ValueLayout.JAVA_INT_UNALIGNED, at, n / 2);
        if (n % 2 == 1) {
            storage.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2L * (n - 1), (short) (bits.getAtIndex(BITS, from + n - 1) >>> 16));
        }
    }

    /** Whether every element of {@code bits[from, from + n)} is finite: the largest magnitude's bits below ∞'s. */
    static boolean finite(MemorySegment bits, int from, int n) {
        int largest = 0;
        for (int i = from; i < from + n; i++) {
            largest = Math.max(largest, bits.getAtIndex(BITS, i) & MAGNITUDE);
        }
        return largest < INFINITY;
    }

    /**
     * Whether {@code bits[from, from + n)} holds a subnormal of the precision ({@link KvPrecision}: not zero, smaller in
     * magnitude than 2⁻¹⁴ in F16, than 2⁻¹²⁶ in BF16 and F32): {@code 1 ≤ a <} that normal's bits.
     */
    static boolean holdsSubnormal(KvPrecision p, MemorySegment bits, int from, int n) {
        int span = (p == KvPrecision.F16 ? 0x38800000 : 0x00800000) - 1;
        int hit = 0;
        for (int i = from; i < from + n; i++) {
            int t = (bits.getAtIndex(BITS, i) & MAGNITUDE) - 1;
            hit |= ~t & (t - span);
        }
        return hit < 0;
    }

    /**
     * Each of the {@code heads} rows of {@code d} floats from {@code x[from]}: its squared norm {@code Σ_c x[c]²}, summed
     * in double in column order and rounded up to float, at {@code norms[at + h]}. Four rows' sums run side by side
     * (each in its own order: the same bits as one row at a time), a last group of fewer repeating its last row.
     */
    static void squaredNorms(float[] x, int from, int heads, int d, MemorySegment norms, long at) {
        for (int h = 0; h < heads; h += 4) {
            int r0 = from + h * d;
            int r1 = from + Math.min(h + 1, heads - 1) * d;
            int r2 = from + Math.min(h + 2, heads - 1) * d;
            int r3 = from + Math.min(h + 3, heads - 1) * d;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int c = 0; c < d; c++) {
                double x0 = x[r0 + c];
                double x1 = x[r1 + c];
                double x2 = x[r2 + c];
                double x3 = x[r3 + c];
                s0 += x0 * x0;
                s1 += x1 * x1;
                s2 += x2 * x2;
                s3 += x3 * x3;
            }
            roundedUp(norms, at + h, s0);
            if (h + 1 < heads) {
                roundedUp(norms, at + h + 1, s1);
            }
            if (h + 2 < heads) {
                roundedUp(norms, at + h + 2, s2);
            }
            if (h + 3 < heads) {
                roundedUp(norms, at + h + 3, s3);
            }
        }
    }

    /** {@code norms[i] =} the least float ≥ {@code sum}. */
    private static void roundedUp(MemorySegment norms, long i, double sum) {
        float f = (float) sum;
        norms.setAtIndex(ValueLayout.JAVA_FLOAT, i, f < sum ? Math.nextUp(f) : f);
    }
}
