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
 * <p>With the flags, F16 decode ran 1.133× as fast at 4096 keys as with the eight-operation form for every row, and
 * 0.889× over a cache of nearly all subnormal halves, where the multiply for every row, without flags, ran 0.112×.
 * Flagged passes are converted first rather than taking the second form in registers, for smaller kernels (0.992×). Not
 * kept: F16's multiply moved onto the query rows and the weights (about 1%, for a third route); a plain loop of {@link
 * Float#float16ToFloat}, 2× faster over a long run of halves but slower row by row into a buffer ({@link NarrowBlock}).
 * Converting an F16 vector costs about what its 32 fewer bytes save (2.3–2.9 ns, against 1.5 and 2.5 ns on this
 * project's Xeon), so on one core F16 decode is no faster than f32's by more than the overlap of that work with the
 * reads, while BF16's 0.4 ns leaves most of the saving. Measurements: docs/experiments/decode.md, "Subnormal flags",
 * "F16's multiply on the queries", "Float.float16ToFloat loops", "What F16 costs".
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
