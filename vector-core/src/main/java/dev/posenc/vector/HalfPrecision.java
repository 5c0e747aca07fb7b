package dev.posenc.vector;

/**
 * How the kernels read a {@link dev.posenc.attention.KvCache}'s half-precision elements as floats: in
 * registers, with bit operations, as a row is loaded (JDK 25's Vector API has no half-precision vector
 * type nor a conversion from one: {@code Float16} is a scalar class, {@code S2F} converts integer values).
 * {@link Lanes#SHORT} vectors of halves are widened to int lanes ({@code S2I}, sign-extending), then:
 * <ul>
 *   <li><b>BF16</b>: shifted left by 16, which is the float: exact for every value, NaN and infinities
 *       included (two operations);
 *   <li><b>F16</b>: {@code a = ((h << 13) & }{@value #FIELDS_TEXT}{@code ) + }{@value #REBIAS_TEXT} puts the
 *       sign, the exponent rebiased by 112 and the mantissa where a float has them: exact for every normal
 *       half. A subnormal half (exponent 0, mantissa m) comes out as {@code ±2⁻¹⁵·(1 + m/1024)}; its value
 *       {@code ±m·2⁻²⁴} is {@code 2·(x − lead)}, with lead = x with its mantissa cleared ({@code a & 0xff800000},
 *       ±2⁻¹⁵), and is blended in where {@code |lead| < 2⁻¹⁴} (ten operations in all; {@link NarrowProducts} tests
 *       the mask first and skips the subtract, multiply and blend for a vector with no such lane, which leaves every
 *       lane as the blend would). The shorter
 *       conversion, {@code (h << 13 …)} as a float times 2¹¹², makes a subnormal float of every subnormal
 *       half, and a multiply with a subnormal operand takes a microcode assist: a vector with one such lane
 *       costs hundreds of cycles (measured: 45× slower than normal operands on this project's Xeon). Exponent
 *       31 (infinities, NaN) comes out finite; a cache records the last row holding one
 *       ({@link dev.posenc.attention.KvCache#lastNonFinitePosition()}) and a block that may see it is computed
 *       exactly instead.
 * </ul>
 * The steps are written out where rows are loaded (the package's C2 rule): {@link TilePacks#pack} and
 * {@link NarrowProducts}. A plain loop of {@link Float#float16ToFloat} over a {@code short[]}, which C2 compiles to
 * the hardware conversion ({@code vcvtph2ps}) where there is one, converts a long run of halves 2× faster than these
 * operations (0.08–0.11 against 0.18–0.20 ns per element, 1024 halves from L1, this project's Xeon), but row by
 * row into a buffer, as a narrow block would use it, it was slower ({@link NarrowBlock}).
 *
 * <p>What F16 costs against what it saves (this project's Xeon, JDK 25, 64 rows of 128 elements in L1, each
 * 16-lane vector consumed by one fused multiply-add into one of 8 accumulators, thread CPU time per vector, the
 * variants interleaved in one JVM, two runs at load 7–8): f32 0.33–0.41 ns, BF16 0.72–0.80, F16 in registers as
 * above 2.7–3.3; F16 by a {@code Float.float16ToFloat} loop per row into a float buffer 4.6–4.7 (from the segment
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
    /** Sign and exponent of a float: x with its mantissa cleared. */
    static final int LEAD = 0xff800000;
    /** Below it in magnitude, lead marks a subnormal half. */
    static final float SUBNORMAL = 0x1p-14f;

    private HalfPrecision() {}
}
