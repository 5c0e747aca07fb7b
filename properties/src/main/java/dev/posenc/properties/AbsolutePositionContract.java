package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.absolute.AbsolutePositionKernel;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalFrequencies;
import dev.posenc.absolute.SinusoidalLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;

/**
 * The absolute-position suite (sinusoidal and learned): agreement with the reference, the
 * sinusoidal invariants, conformance data and bad input. Subclass it and return your
 * implementation from {@link #kernel()}.
 *
 * <p>Error bound for a sinusoidal entry against the sine of the double angle {@code fl(p·ω)}: an
 * implementation that reduces the angle in double and takes a float sine of the reduced angle errs by
 * at most {@code ε = 3·2⁻²³} (the reduced angle rounded to float: ≤ ulp(π)/2 = 2⁻²³, or 2⁻²⁵ after a
 * reduction to [−π/4, π/4]; the float sine: 1.25 ulp ≤ 2⁻²³; the final rounding: 2⁻²⁴, rounded up),
 * plus, where it forms the angle otherwise (with the phase π/2 of a cosine in the same rounding, or by
 * a recurrence over consecutive positions), the rounding of the angle itself in double,
 * {@code 2·ulp(|p|·ω_max + π)} (≈ 5e−7 only near |p|·ω_max = 2³¹; beyond 2³¹ an implementation must
 * reduce {@code fl(p·ω)} itself, as {@link Math#sin} does, which every accepted base requires).
 * Comparing two implementations doubles it; adding to x adds {@code u·|x + PE|}.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class AbsolutePositionContract {
    private static final double U = 0x1p-24;
    private static final double EPSILON = 3 * 0x1p-23;

    /** The implementation under test. */
    protected abstract AbsolutePositionKernel kernel();

    /** What {@link #kernel()} must agree with; the library's scalar reference by default. */
    protected AbsolutePositionKernel reference() {
        return Kernels.reference().absolutePositions();
    }

    /** A generated sinusoidal call: encoding, positions (range or view), output offset. */
    record SinusoidalCase(SinusoidalEncoding encoding, boolean range, int first, int count, long seed, int offset) {
        Positions positions() {
            if (range) {
                return Positions.range(first, count);
            }
            SplittableRandom random = new SplittableRandom(seed);
            int[] p = new int[count];
            for (int i = 0; i < count; i++) {
                int kind = random.nextInt(4);
                p[i] = kind == 0 ? random.nextInt(1 << 20) : kind == 1 ? random.nextInt(-(1 << 30), 1 << 30)
                        : kind == 2 ? 1_000_000 + random.nextInt(-1000, 1000) : random.nextInt(2048);
            }
            return Positions.of(p);
        }

        double maxAbsPosition() {
            Positions p = positions();
            return Math.max(-(double) p.min(), p.max());   // in double: −Integer.MIN_VALUE overflows an int
        }

        @Override
        public String toString() {
            return encoding + (range ? " positions " + first + "+" + count : " " + count + " positions #" + seed)
                    + " out@" + offset;
        }
    }

    static Gen<SinusoidalEncoding> encodings() {
        Gen<Integer> dims = Gens.lengths(1500);
        Gen<Double> bases = integers().between(0, 3).map(i -> new double[] {10_000, 10_000, 500, 1e6}[i]);
        return dims.zip(bases, arbitrary().enumValues(SinusoidalLayout.class),
                arbitrary().enumValues(SinusoidalFrequencies.class), SinusoidalEncoding::of);
    }

    static Gen<SinusoidalCase> sinusoidalCases() {
        Gen<Integer> firsts = integers().between(0, 3).zip(integers().between(0, 1 << 20), (k, v) ->
                k == 0 ? 0 : k == 1 ? v : k == 2 ? 1_000_000 - v % 1000 : (1 << 30) - v);
        return encodings().zip(integers().between(0, 1), firsts, integers().between(1, 200),
                (e, range, first, count) -> new Object[] {e, range == 1, first, count})
                .zip(arbitrary().pick(List.of(0L, 1L, 2L, 3L)).zip(integers().all(), (a, b) -> a * 31 + b),
                        Gens.offsets(), (o, seed, offset) -> new SinusoidalCase((SinusoidalEncoding) o[0],
                                (Boolean) o[1], (Integer) o[2], (Integer) o[3], seed, offset));
    }

    /** ε plus the double rounding of the largest angle at |p| (frequencies at most 1). */
    static double entryBound(double maxAbsPosition) {
        return entryBound(maxAbsPosition, 1);
    }

    /** ε plus the double rounding of the largest angle {@code |p|·ω_max}, up to 2³¹ (see the class comment). */
    static double entryBound(double maxAbsPosition, double maxFrequency) {
        return EPSILON + 2 * Math.ulp(Math.min(maxAbsPosition * maxFrequency, 0x1p31) + Math.PI);
    }

    @Test
    public void sinusoidalRowsAgreeWithTheReference() {
        qt(120).forAll(sinusoidalCases()).checkAssert(c -> {
            int size = c.count() * c.encoding().dim();
            float[] actual = Arrays2.sentinels(c.offset() + size + MatrixCase.SLACK);
            float[] expected = actual.clone();
            kernel().sinusoidal(c.encoding(), c.positions(), actual, c.offset());
            reference().sinusoidal(c.encoding(), c.positions(), expected, c.offset());
            Arrays2.assertUntouchedOutside(actual, c.offset(), size, "out");
            double bound = 2 * entryBound(c.maxAbsPosition());
            Approx.assertClose(c.toString(), actual, c.offset(), expected, c.offset(), size, (i, e) -> bound);
        });
    }

    @Test
    public void addingSinusoidalRowsAgreesWithTheReference() {
        qt(80).forAll(sinusoidalCases(), Gens.fills(FloatKind.NORMAL, FloatKind.WIDE)).checkAssert((c, fill) -> {
            int size = c.count() * c.encoding().dim();
            float[] actual = fill.array(c.offset(), size, MatrixCase.SLACK);
            float[] expected = actual.clone();
            kernel().addSinusoidal(c.encoding(), c.positions(), actual, c.offset());
            reference().addSinusoidal(c.encoding(), c.positions(), expected, c.offset());
            Arrays2.assertUntouchedOutside(actual, c.offset(), size, "x");
            double bound = 2 * entryBound(c.maxAbsPosition());
            Approx.assertClose(c.toString(), actual, c.offset(), expected, c.offset(), size,
                    (i, e) -> bound + 2 * U * Math.abs(e));
        });
    }

    /**
     * Every base the encoding accepts, from the smallest double to the largest (below 1 the frequencies
     * exceed 1 and the angles reach 1e15 at position 1 with base 1e−30), gives rows within the bound of the
     * class comment of the sine of the double angle at every int position, {@link Integer#MIN_VALUE}
     * included; a base it rejects is an {@link IllegalArgumentException} naming it.
     */
    @Test
    public void everyAcceptedBaseGivesTheSinesOfItsAngles() {
        Gen<Double> bases = integers().between(0, 11).map(i -> new double[] {Double.MIN_VALUE, 1e-300, 1e-30, 1e-4, 0.5,
                1 - 1e-9, 1 + 1e-9, 2, 1e4, 1e30, 1e300, Double.MAX_VALUE}[i]);
        Gen<Integer> firsts = integers().between(0, 4).zip(integers().between(-(1 << 20), 1 << 20), (k, v) ->
                new int[] {0, 1, v, Integer.MAX_VALUE - 40, Integer.MIN_VALUE}[k]);
        Gen<Object[]> kinds = arbitrary().enumValues(SinusoidalLayout.class).zip(
                arbitrary().enumValues(SinusoidalFrequencies.class), integers().between(0, 1), (l, f, r) -> new Object[] {l, f, r});
        qt(150).forAll(Gens.lengths(100), bases, kinds, firsts).checkAssert((d, base, kind, first) -> {
                    SinusoidalLayout layout = (SinusoidalLayout) kind[0];
                    SinusoidalFrequencies f = (SinusoidalFrequencies) kind[1];
                    int range = (Integer) kind[2];
                    SinusoidalEncoding e;
                    try {
                        e = SinusoidalEncoding.of(d, base, layout, f);
                    } catch (IllegalArgumentException rejected) {
                        assertTrue(rejected.getMessage().contains("base"), rejected.getMessage());
                        return;
                    }
                    Positions p = range == 1 ? Positions.range(first, 20)
                            : Positions.of(first, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1_000_000);
                    float[] actual = rows(e, p);
                    float[] expected = new float[actual.length];
                    reference().sinusoidal(e, p, expected, 0);
                    double maxFrequency = 0;
                    for (int i = 0; i < e.sinCount(); i++) {
                        maxFrequency = Math.max(maxFrequency, e.frequency(i));
                    }
                    double bound = 2 * entryBound(Math.max(-(double) p.min(), p.max()), maxFrequency);
                    for (float v : actual) {
                        assertTrue(v >= -1 && v <= 1, () -> e + " " + p + ": an entry " + v + " outside [−1, 1]");
                    }
                    Approx.assertClose(e + " " + p, actual, 0, expected, 0, actual.length, (i, x) -> bound);
                });
    }

    private float[] rows(SinusoidalEncoding e, Positions p) {
        float[] out = new float[p.count() * e.dim()];
        kernel().sinusoidal(e, p, out, 0);
        return out;
    }

    /** Even widths with the paper's frequencies, where every invariant below holds exactly. */
    static Gen<SinusoidalEncoding> evenEncodings() {
        return integers().between(1, 600).zip(arbitrary().enumValues(SinusoidalLayout.class),
                (half, layout) -> SinusoidalEncoding.of(2 * half, layout));
    }

    static Gen<Integer> anyPositions() {
        return integers().between(-(1 << 20), 1 << 20).mix(integers().between(0, 2048), 50);
    }

    @Test
    public void shiftingThePositionRotatesEachPair() {
        // [sin((p+k)w); cos((p+k)w)] = [[cos kw, sin kw], [-sin kw, cos kw]]·[sin pw; cos pw]: each side is
        // within ε of exact and the rotation has norm 1, so they differ by at most ε(1 + √2) < 3ε.
        qt(100).forAll(evenEncodings(), anyPositions(), anyPositions()).checkAssert((e, p, k) -> {
            float[] pe = rows(e, Positions.of(p, p + k));
            int d = e.dim();
            double tolerance = 3 * entryBound(Math.max(Math.abs(p), Math.abs(p + k)));
            for (int i = 0; i < d / 2; i++) {
                double angle = (double) k * e.frequency(i);
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                double sinP = pe[e.sinColumn(i)];
                double cosP = pe[e.cosColumn(i)];
                Approx.assertClose("sin((p+k)w_" + i + ") " + e + " p=" + p + " k=" + k, pe[d + e.sinColumn(i)],
                        sinP * c + cosP * s, tolerance);
                Approx.assertClose("cos((p+k)w_" + i + ") " + e + " p=" + p + " k=" + k, pe[d + e.cosColumn(i)],
                        cosP * c - sinP * s, tolerance);
            }
        });
    }

    @Test
    public void dotProductsDependOnlyOnTheDistance() {
        // PE(p)·PE(q) = Σ_i cos((p − q)·w_i), and ‖PE(p)‖² = d/2. Each of the 2·d products errs by at most
        // ε(|a| + |b| + ε) ≤ ε(2 + ε), so the sums are within d·ε·(2 + ε) of exact.
        qt(100).forAll(evenEncodings(), anyPositions(), anyPositions(), integers().between(-5000, 5000))
                .checkAssert((e, p, q, t) -> {
                    float[] pe = rows(e, Positions.of(p, q, p + t, q + t));
                    int d = e.dim();
                    double eps = entryBound(Math.max(Math.max(Math.abs(p), Math.abs(q)),
                            Math.max(Math.abs(p + t), Math.abs(q + t))));
                    double tolerance = d * eps * (2 + eps);
                    double exact = 0;
                    for (int i = 0; i < d / 2; i++) {
                        exact += Math.cos((double) (p - q) * e.frequency(i));
                    }
                    String what = e + " p=" + p + " q=" + q + " t=" + t;
                    Approx.assertClose("PE(p)·PE(q) " + what, dot(pe, 0, d, d), exact, tolerance);
                    Approx.assertClose("PE(p+t)·PE(q+t) " + what, dot(pe, 2 * d, 3 * d, d), exact, tolerance);
                    Approx.assertClose("‖PE(p)‖² " + what, dot(pe, 0, 0, d), d / 2.0, tolerance);
                });
    }

    private static double dot(float[] a, int i, int j, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += (double) a[i + k] * a[j + k];
        }
        return s;
    }

    @Test
    public void theTwoLayoutsAreAFixedPermutationOfEachOther() {
        // INTERLEAVED[2i] = HALF_SPLIT[i], INTERLEAVED[2i+1] = HALF_SPLIT[h + i] (h = ⌈d/2⌉): the same
        // angles, so within 2ε (exactly equal in this library).
        qt(100).forAll(Gens.lengths(1500), anyPositions(), arbitrary().enumValues(SinusoidalFrequencies.class))
                .checkAssert((d, p, f) -> {
                    SinusoidalEncoding interleaved = SinusoidalEncoding.of(d, 10_000, SinusoidalLayout.INTERLEAVED, f);
                    SinusoidalEncoding halfSplit = SinusoidalEncoding.of(d, 10_000, SinusoidalLayout.HALF_SPLIT, f);
                    float[] a = rows(interleaved, Positions.of(p));
                    float[] b = rows(halfSplit, Positions.of(p));
                    double tolerance = 2 * entryBound(Math.abs(p));
                    for (int i = 0; i < interleaved.sinCount(); i++) {
                        Approx.assertClose("sin column " + i + " d=" + d + " p=" + p, a[interleaved.sinColumn(i)],
                                b[halfSplit.sinColumn(i)], tolerance);
                    }
                    for (int i = 0; i < interleaved.cosCount(); i++) {
                        Approx.assertClose("cos column " + i + " d=" + d + " p=" + p, a[interleaved.cosColumn(i)],
                                b[halfSplit.cosColumn(i)], tolerance);
                    }
                });
    }

    @Test
    public void oddWidthsFollowTheDocumentedRule() {
        int p = 37;
        for (int d : new int[] {1, 5, 33}) {
            float[] interleaved = rows(SinusoidalEncoding.of(d, SinusoidalLayout.INTERLEAVED), Positions.of(p));
            float[] halfSplit = rows(SinusoidalEncoding.of(d, SinusoidalLayout.HALF_SPLIT), Positions.of(p));
            float[] t2t = rows(SinusoidalEncoding.of(d, 10_000, SinusoidalLayout.HALF_SPLIT,
                    SinusoidalFrequencies.TENSOR2TENSOR), Positions.of(p));
            double last = p * Math.pow(10_000, -2.0 * (d / 2) / d);
            // The paper's frequencies: one extra sine, last in INTERLEAVED, in the middle in HALF_SPLIT.
            Approx.assertClose("INTERLEAVED d=" + d + " last column", interleaved[d - 1], Math.sin(last), EPSILON);
            Approx.assertClose("HALF_SPLIT d=" + d + " last sine", halfSplit[d / 2], Math.sin(last), EPSILON);
            // tensor2tensor: a zero column appended.
            assertEquals(0f, t2t[d - 1], 0f, "TENSOR2TENSOR d=" + d + " last column");
        }
    }

    @Test
    public void matchesTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("sinusoidal")) {
            int d = c.intParam("d_model");
            int[] positions = c.ints("inputs.positions");
            record Layout(String key, SinusoidalLayout layout, SinusoidalFrequencies frequencies) {}
            for (Layout l : List.of(new Layout("interleaved", SinusoidalLayout.INTERLEAVED, SinusoidalFrequencies.PAPER),
                    new Layout("concat", SinusoidalLayout.HALF_SPLIT, SinusoidalFrequencies.PAPER),
                    new Layout("concat_t2t", SinusoidalLayout.HALF_SPLIT, SinusoidalFrequencies.TENSOR2TENSOR))) {
                SinusoidalEncoding e = SinusoidalEncoding.of(d, c.param("base"), l.layout(), l.frequencies());
                double[] expected = c.doubles("expected." + l.key());
                Approx.assertClose(c + " " + l.key(), rows(e, Positions.of(positions)), 0, expected,
                        Approx.Bound.of(1e-6, 0));
                if (isRange(positions)) {   // also through the consecutive-rows path
                    Approx.assertClose(c + " " + l.key() + " as a range",
                            rows(e, Positions.range(positions[0], positions.length)), 0, expected,
                            Approx.Bound.of(1e-6, 0));
                }
            }
        }
    }

    private static boolean isRange(int[] p) {
        for (int i = 1; i < p.length; i++) {
            if (p[i] != p[0] + i) {
                return false;
            }
        }
        return true;
    }

    @Test
    public void learnedRowsAreAddedExactly() {
        // x + table[p] is one float addition: every implementation gives the same correctly rounded sum.
        qt(100).forAll(Gens.matrices(40, 1500, FloatKind.NORMAL, FloatKind.WIDE), integers().between(1, 50),
                integers().all()).checkAssert((c, tableRows, seed) -> {
                    float[] table = new FloatFill(FloatKind.NORMAL, seed).array(3, tableRows * c.cols(), 0);
                    SplittableRandom random = new SplittableRandom(seed);
                    int[] ids = new int[c.rows()];
                    for (int r = 0; r < ids.length; r++) {
                        ids[r] = random.nextInt(tableRows);
                    }
                    Positions p = seed % 2 == 0 ? Positions.of(ids) : Positions.range(0, Math.min(c.rows(), tableRows));
                    float[] actual = c.input();
                    float[] expected = actual.clone();
                    kernel().addLearned(table, 3, tableRows, c.cols(), p, actual, c.inOffset());
                    for (int r = 0; r < p.count(); r++) {
                        for (int j = 0; j < c.cols(); j++) {
                            expected[c.inOffset() + r * c.cols() + j] += table[3 + p.at(r) * c.cols() + j];
                        }
                    }
                    assertArrayEquals(expected, actual, () -> c + " positions " + p);
                });
    }

    @Test
    public void rejectsBadInputWithoutTouchingTheOutput() {
        AbsolutePositionKernel k = kernel();
        SinusoidalEncoding e = SinusoidalEncoding.of(4);
        float[] out = new float[12];
        float[] table = new float[5 * 4];
        BadInput.rejects(() -> k.sinusoidal(null, Positions.range(0, 3), out, 0), out, "encoding", "null");
        BadInput.rejects(() -> k.sinusoidal(e, null, out, 0), out, "positions", "null");
        BadInput.rejects(() -> k.sinusoidal(e, Positions.range(0, 3), null, 0), null, "out", "null");
        BadInput.rejects(() -> k.sinusoidal(e, Positions.range(0, 0), out, 0), out, "count", "0");
        BadInput.rejects(() -> k.sinusoidal(e, Positions.range(0, 3), out, 1), out, "out", "13", "12");
        BadInput.rejects(() -> k.addSinusoidal(e, Positions.range(0, 4), out, 0), out, "x", "16", "12");
        BadInput.rejects(() -> k.sinusoidal(SinusoidalEncoding.of(70_000), Positions.range(0, 70_000), out, 0), out,
                "overflows");
        BadInput.rejects(() -> k.addLearned(table, 0, 5, 4, Positions.of(0, 5, 1), out, 0), out, "position 5",
                "tableRows = 5");
        BadInput.rejects(() -> k.addLearned(table, 0, 5, 4, Positions.of(-1), out, 0), out, "position -1");
        BadInput.rejects(() -> k.addLearned(table, 1, 5, 4, Positions.of(0), out, 0), out, "table", "21", "20");
        BadInput.rejects(() -> k.addLearned(table, 0, 0, 4, Positions.of(0), out, 0), out, "tableRows", "0");
        BadInput.rejects(() -> k.addLearned(table, 0, 5, -4, Positions.of(0), out, 0), out, "dim", "-4");
        BadInput.rejects(() -> k.addLearned(table, 0, 5, 4, Positions.range(0, 4), out, 0), out, "x", "16", "12");
        BadInput.rejects(() -> k.addLearned(null, 0, 5, 4, Positions.of(0), out, 0), out, "table", "null");
        BadInput.rejects(() -> SinusoidalEncoding.of(0), null, "dim", "0");
        BadInput.rejects(() -> SinusoidalEncoding.of(8, -1, SinusoidalLayout.INTERLEAVED, SinusoidalFrequencies.PAPER),
                null, "base", "-1");
        BadInput.rejects(() -> SinusoidalEncoding.of(8, 1, SinusoidalLayout.INTERLEAVED, SinusoidalFrequencies.PAPER),
                null, "base", "1");
        BadInput.rejects(() -> SinusoidalEncoding.of(8, Double.NaN, SinusoidalLayout.HALF_SPLIT,
                SinusoidalFrequencies.PAPER), null, "base", "NaN");
    }
}
