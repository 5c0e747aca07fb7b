package dev.posenc.vector;

/**
 * How the kernels read a {@link dev.posenc.attention.KvCache}'s half-precision elements as floats: in
 * registers, with bit operations, as a row is loaded (JDK 25's Vector API has no half-precision vector
 * type nor a conversion from one: {@code Float16} is a scalar class, {@code S2F} converts integer values).
 * {@link Lanes#SHORT} vectors of halves are widened to int lanes ({@code S2I}, sign-extending), then:
 * <ul>
 *   <li><b>BF16</b>: shifted left by 16, which is the float: exact for every value, NaN and infinities
 *       included (two operations);
 *   <li><b>F16</b>, in {@link NarrowProducts} (decode): {@code x = ((h << 13) & }{@value #FIELDS_TEXT}{@code )}
 *       as a float, times 2¹¹² ({@link #WIDEN}; 2¹¹²⁻ˢ for values scaled by 2⁻ˢ): sign, exponent and mantissa
 *       where a float has them, then the exponent's rebias as a power-of-two scaling, exact for every finite half,
 *       ±0 and subnormals included (four operations). The bits it makes of a subnormal half are a subnormal float,
 *       and a multiply with a subnormal operand takes a microcode assist (a vector with one such lane costs hundreds of
 *       cycles: 45× slower than normal operands on this project's Xeon). So a pass over rows of which the cache
 *       flags one as holding a subnormal ({@link dev.posenc.attention.KvCache#subnormalRows()}, set as rows are
 *       appended) has {@link TilePacks#pack} convert them into floats the other exact way, then runs f32's products
 *       over those: {@code a = x + }{@value #REBIAS_TEXT} puts the rebiased exponent in place (exact for every normal
 *       half); a subnormal half (exponent 0, mantissa m) comes out as {@code ±2⁻¹⁵·(1 + m/1024)}; its value
 *       {@code ±m·2⁻²⁴} is {@code 2·(a − lead)}, with lead = a with its mantissa cleared ({@code a & 0xff800000},
 *       ±2⁻¹⁵), and is blended in where {@code |lead| < 2⁻¹⁴} (eight operations). Both give the same values (the
 *       one difference, −0 made +0 by the second, reaches no output: every sum the products feed starts at +0) and
 *       f32's products are the same operations in the same order, so which rows are flagged changes the time, never
 *       the bits. {@link TilePacks#pack} (prefill) and {@link NarrowProducts}' columns short of four vectors use the
 *       second form for every row. Exponent 31 (infinities, NaN) comes out finite in both; a cache records the last
 *       row holding one ({@link dev.posenc.attention.KvCache#lastNonFinitePosition()}) and a block that may
 *       see it is computed exactly instead.
 * </ul>
 * The steps are written out where rows are loaded (the package's C2 rule): {@link TilePacks#pack} and
 * {@link NarrowProducts}.
 *
 * <p>Measured (decode 32 q / 8 kv heads × 128, ALiBi, F16 off-heap, bench's PairedCalls, median speed ratio and
 * quartiles, 2026-11-30), against the eight-operation form for every row: the multiply for every row, without flags,
 * 1.233× as fast at 4096 keys (1.175–1.281, 331 pairs, load 4–5), but 0.112× (0.101–0.114, 40 pairs, load 1.7–3.5;
 * 25.8 against 2.9 ms) over a cache whose halves are nearly all subnormal (Gaussian draws of standard deviation
 * 3·10⁻⁵); with the flags as committed, 1.133× at 4096 keys (1.097–1.171, 319 pairs, load 2–4), and 0.889×
 * (0.864–0.913, 236 pairs, load 1.9–2.3) over the all-subnormal cache, where every pass is converted first. The
 * benchmark's Gaussian rows hold a subnormal half in about 0.6% of rows of 128 (P(|x| &lt; 2⁻¹⁴) ≈ 4.9·10⁻⁵ per
 * element), so about 2.5% of the logits' passes (4 rows) and 9.5% of the values' (16 rows) take the second form.
 * The same with the second form in registers in both kernels (a branch per vector on a pass-wide flag) instead of
 * converting first: 1.146× at 4096 keys (1.107–1.190, 277 pairs, load 7–8), 1.098× at 32768 (1.086–1.108, 60 pairs,
 * load 5–7), 0.920× over the all-subnormal cache; paired against it, converting first 0.992× (0.961–1.027, 351 pairs,
 * load 1.9–2), kept for its smaller kernels. Against the multiply for every row (4096 keys, load 3–4), in-register
 * variants: the flags 0.966× (0.935–0.995, 381 pairs); slower, a test of each converted vector instead of flags
 * ({@code (x & 0x0f800000) == 0} in any lane, which also sends zeros to the second form) 0.935× (0.901–0.976); the
 * flags in a segment allocated beside the rows (off-heap in the benchmark) instead of a {@code byte[]}, 0.950×
 * (0.917–0.983), of which reading them cost 0.959× (0.922–0.993: a build that read them and ignored them); the values'
 * form chosen per key (runs of keys of one form) instead of per pass, against per pass, 0.955× (0.919–0.989).
 *
 * <p>Tried and not kept (2026-11-30, half12): F16's multiply by 2¹¹² moved onto the query rows (once per call) and the
 * weights (by 2¹¹²⁻ᴷ, once per values pass), three operations per vector instead of four and the same bits (a fused
 * multiply-add rounds the same exact product; a part whose scaled query rows would overflow, |s·q| ≥ 2¹⁶, took the
 * converted route): against this form at 4096 keys 1.016× (0.990–1.045, 3 000 pairs) and 1.012× in the two orders,
 * 1.036× and 0.988× in a repeat (2 000 pairs), load 1.6–1.8: about 1%, for a third route. Timing mocks against it
 * (wrong outputs): skipping the flagged passes 1.079×, dropping the {@code and} 1.046×; those two make most of F16's
 * gap to BF16 (BF16 ÷ F16 with it 1.098, 1.063–1.135). No flags at all: 1.041× and 1.057×, but 0.033× over the all-subnormal
 * cache (a fused multiply-add with a subnormal operand takes the assist as a multiply does).
 *
 * <p>A plain loop of {@link Float#float16ToFloat} over a {@code short[]}, which C2 compiles to
 * the hardware conversion ({@code vcvtph2ps}) where there is one, converts a long run of halves 2× faster than these
 * operations (0.08–0.11 against 0.18–0.20 ns per element, 1024 halves from L1, this project's Xeon), but row by
 * row into a buffer, as a narrow block would use it, it was slower ({@link NarrowBlock}).
 *
 * <p>What F16 costs against what it saves (this project's Xeon, JDK 25, 64 rows of 128 elements in L1, each
 * 16-lane vector consumed by one fused multiply-add into one of 8 accumulators, thread CPU time per vector, the
 * variants interleaved in one JVM, two runs at load 7–8): f32 0.33–0.41 ns, BF16 0.72–0.80, F16 in registers by the
 * ten-operation form of then 2.7–3.3; F16 by a {@code Float.float16ToFloat} loop per row into a float buffer 4.6–4.7 (from the segment
 * or a {@code short[]}); by one such loop over all 8192 halves, then read as floats, 2.2–2.6 (the loop alone 1.9 ns
 * per 16 halves, from either). A vector of F16 reads 32 bytes fewer than f32's: 1.5 ns at the 21 GB/s this machine
 * reads 32 MiB at, 2.5 ns at its 12.7 GB/s for 256 MiB. Converting a vector costs 2.3–2.9 ns more than using an f32
 * one (1.5–2.2 ns in the best loop, before its buffer's stores and loads), about what its bytes save, so on one
 * core F16 decode is no faster than f32's by more than the overlap of that work with the reads, while BF16's
 * 0.4 ns leaves most of the saving.
 */
final class HalfPrecision {
    private static final String FIELDS_TEXT = "0x8fffe000";
    private static final String REBIAS_TEXT = "0x38000000";
    /** Keeps bit 31 (the sign) and bits 27…13 (exponent and mantissa) of a half shifted left by 13. */
    static final int FIELDS = 0x8fffe000;
    /** (127 − 15) « 23: the exponent's rebias. */
    static final int REBIAS = 0x38000000;
    /** 2¹¹²: times the bits of a half in a float's fields, the half's value. */
    static final float WIDEN = 0x1p112f;
    /** Sign and exponent of a float: x with its mantissa cleared. */
    static final int LEAD = 0xff800000;
    /** Below it in magnitude, lead marks a subnormal half. */
    static final float SUBNORMAL = 0x1p-14f;

    private HalfPrecision() {}
}
