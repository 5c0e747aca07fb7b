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
 * <p>Negative positions are allowed (the formula is defined for every integer p). Instances are
 * immutable and thread-safe; the frequencies are computed once, in double, at construction.
 */
public final class SinusoidalEncoding {
    /** The base every paper uses. */
    public static final double DEFAULT_BASE = 10_000.0;

    private final int dim;
    private final double base;
    private final SinusoidalLayout layout;
    private final SinusoidalFrequencies schedule;
    private final double[] frequencies;
    private final int cosCount;
    private final ColumnAngles columns;

    private SinusoidalEncoding(int dim, double base, SinusoidalLayout layout, SinusoidalFrequencies schedule) {
        this.dim = Checks.positive(dim, "dim");
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
        }
        this.cosCount = half;
        double[] columnFrequency = new double[dim];
        double[] columnPhase = new double[dim];
        for (int i = 0; i < frequencies.length; i++) {
            columnFrequency[sinColumn(i)] = frequencies[i];
        }
        for (int i = 0; i < cosCount; i++) {
            columnFrequency[cosColumn(i)] = frequencies[i];
            columnPhase[cosColumn(i)] = Math.PI / 2;
        }
        this.columns = new ColumnAngles(columnFrequency, columnPhase);
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
     * @param dim    row width, > 0 (odd widths follow the layout's documented rule)
     * @param base   finite, > 0 and ≠ 1
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
        return frequencies[Objects.checkIndex(i, frequencies.length)];
    }

    /** The column holding {@code sin(p·w_i)}, {@code 0 <= i < sinCount()}. */
    public int sinColumn(int i) {
        Objects.checkIndex(i, frequencies.length);
        return layout == SinusoidalLayout.INTERLEAVED ? 2 * i : i;
    }

    /** The column holding {@code cos(p·w_i)}, {@code 0 <= i < cosCount()}. */
    public int cosColumn(int i) {
        Objects.checkIndex(i, cosCount);
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
