package dev.posenc.absolute;

import dev.posenc.internal.Checks;
import dev.posenc.internal.ColumnAngles;
import java.util.Objects;

/**
 * An immutable description of a sinusoidal position encoding (Vaswani et al. 2017, §3.5): width
 * {@code d}, base {@code b}, the {@linkplain SinusoidalFrequencies frequencies} {@code w_i} and the
 * {@linkplain SinusoidalLayout layout} of the row
 * <pre>  PE[p, sinColumn(i)] = sin(p·w_i),   PE[p, cosColumn(i)] = cos(p·w_i)</pre>
 * Columns that are neither (the last one of an odd d under {@link SinusoidalFrequencies#TENSOR2TENSOR})
 * are 0.
 *
 * <p>Accuracy: implementations form the angle {@code p·w_i} in double (relative error 2⁻⁵³: 1e−10
 * absolute at p = 10⁶, 2.4e−7 at the largest int) and reduce it modulo 2π in double before taking
 * sin and cos, so an entry is as accurate at p = 10⁶ as at p = 1: within 5e−7 of the exact value
 * (the reference: the correctly rounded float of a double result). A float32 angle, as in HF's
 * float32 tables, is off by up to 2⁻²⁴·p: 6e−2 at p = 10⁶.
 *
 * <p>Negative positions are allowed (the formula is defined for every integer p). Every base whose
 * frequencies are finite and positive with a finite angle at every int position
 * ({@code w_i ≤ }{@link #MAX_FREQUENCY}) is accepted, bases below 1 (frequencies above 1) included;
 * implementations reduce every such angle exactly (as {@link Math#sin} does), so large angles are as
 * accurate as small ones relative to the double angle {@code fl(p·w_i)}. Widths go up to
 * {@link #MAX_DIM}. Instances are immutable and thread-safe; the frequencies are computed once, in
 * double, at construction.
 */
public final class SinusoidalEncoding {
    /** The base every paper uses. */
    public static final double DEFAULT_BASE = 10_000.0;
    /** The widest row accepted (the encoding keeps 36 bytes per column: 36 MiB at most). */
    public static final int MAX_DIM = 1 << 20;
    /** The largest frequency accepted: {@code p·w} stays finite for every {@code |p| ≤ 2³¹}. */
    public static final double MAX_FREQUENCY = Double.MAX_VALUE / 0x1p31;

    private final int dim;
    private final double base;
    private final SinusoidalLayout layout;
    private final SinusoidalFrequencies schedule;
    private final double[] frequencies;
    private final int cosCount;
    private final ColumnAngles columns;

    private SinusoidalEncoding(int dim, double base, SinusoidalLayout layout, SinusoidalFrequencies schedule) {
        this.dim = Checks.inRange(dim, 1, MAX_DIM, "dim");
        this.base = Checks.finitePositive(base, "base");
        this.layout = Checks.notNull(layout, "layout");
        this.schedule = Checks.notNull(schedule, "frequencies");
        if (base == 1.0) {
            throw new IllegalArgumentException("base must not be 1 (every frequency would be 1), was " + base);
        }
        int half = dim / 2;
        this.frequencies = new double[schedule == SinusoidalFrequencies.PAPER ? dim - half : half];
        for (int i = 0; i < frequencies.length; i++) {
            frequencies[i] = schedule == SinusoidalFrequencies.PAPER
                    ? Math.pow(base, -2.0 * i / dim)
                    : Math.exp(-i * Math.log(base) / Math.max(half - 1, 1));
            if (!(frequencies[i] > 0 && frequencies[i] <= MAX_FREQUENCY)) {
                throw new IllegalArgumentException("base = " + base + " gives the frequency w_" + i + " = " + frequencies[i]
                        + " (" + schedule + ", dim " + dim + "): expected finite, > 0 and <= " + MAX_FREQUENCY
                        + " so that every angle p·w at |p| <= 2^31 is finite");
            }
        }
        this.cosCount = half;
        double[] columnFrequency = new double[dim];
        double[] quarterTurns = new double[dim];
        for (int i = 0; i < frequencies.length; i++) {
            columnFrequency[sinColumn(i)] = frequencies[i];
        }
        for (int i = 0; i < cosCount; i++) {
            columnFrequency[cosColumn(i)] = frequencies[i];
            quarterTurns[cosColumn(i)] = 1;
        }
        double[] stepCos = new double[dim];
        double[] stepSin = new double[dim];
        double maxFrequency = 0;
        for (int j = 0; j < dim; j++) {
            stepCos[j] = Math.cos(columnFrequency[j]);
            stepSin[j] = Math.sin(columnFrequency[j]);
            maxFrequency = Math.max(maxFrequency, columnFrequency[j]);
        }
        this.columns = new ColumnAngles(columnFrequency, quarterTurns, stepCos, stepSin, maxFrequency);
    }

    /** Width {@code dim}, base 10000, the paper's frequencies, {@link SinusoidalLayout#INTERLEAVED}. */
    public static SinusoidalEncoding of(int dim) {
        return of(dim, SinusoidalLayout.INTERLEAVED);
    }

    /** Width {@code dim}, base 10000, the paper's frequencies, the given layout. */
    public static SinusoidalEncoding of(int dim, SinusoidalLayout layout) {
        return of(dim, DEFAULT_BASE, layout, SinusoidalFrequencies.PAPER);
    }

    /**
     * The general form.
     *
     * @param dim    row width in {@code [1, MAX_DIM]} (odd widths follow the layout's documented rule)
     * @param base   finite, > 0 and ≠ 1, with every frequency at most {@link #MAX_FREQUENCY} (true for every
     *               base above 1.2e−299)
     */
    public static SinusoidalEncoding of(int dim, double base, SinusoidalLayout layout, SinusoidalFrequencies frequencies) {
        return new SinusoidalEncoding(dim, base, layout, frequencies);
    }

    /** The row width d. */
    public int dim() {
        return dim;
    }

    /** The base b. */
    public double base() {
        return base;
    }

    /** Where sines and cosines go. */
    public SinusoidalLayout layout() {
        return layout;
    }

    /** Which frequency formula. */
    public SinusoidalFrequencies frequencySchedule() {
        return schedule;
    }

    /**
     * For kernel implementations: the encoding as one formula per column ({@link ColumnAngles}), the
     * layout the Vector API kernel fills rows from. Its package is exported to that module only; the
     * arrays are this object's own: read them, never write.
     */
    public ColumnAngles columnAngles() {
        return columns;
    }

    /** How many sine columns (and distinct frequencies): ⌈d/2⌉ for PAPER, ⌊d/2⌋ for TENSOR2TENSOR. */
    public int sinCount() {
        return frequencies.length;
    }

    /** How many cosine columns: ⌊d/2⌋. */
    public int cosCount() {
        return cosCount;
    }

    /** {@code w_i}, in double, for {@code 0 <= i < sinCount()}. */
    public double frequency(int i) {
        return frequencies[Checks.index(i, frequencies.length, "i")];
    }

    /** The column holding {@code sin(p·w_i)}, {@code 0 <= i < sinCount()}. */
    public int sinColumn(int i) {
        Checks.index(i, frequencies.length, "i");
        return layout == SinusoidalLayout.INTERLEAVED ? 2 * i : i;
    }

    /** The column holding {@code cos(p·w_i)}, {@code 0 <= i < cosCount()}. */
    public int cosColumn(int i) {
        Checks.index(i, cosCount, "i");
        return layout == SinusoidalLayout.INTERLEAVED ? 2 * i + 1 : frequencies.length + i;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SinusoidalEncoding e && e.dim == dim && Double.compare(e.base, base) == 0
                && e.layout == layout && e.schedule == schedule;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dim, base, layout, schedule);
    }

    @Override
    public String toString() {
        return "SinusoidalEncoding[dim=" + dim + ", base=" + base + ", " + layout + ", " + schedule + "]";
    }
}
