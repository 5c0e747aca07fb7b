package dev.posenc.bench.report;

import java.util.Locale;

/** The units the report prints rates in, with decimal SI prefixes (k, M, G, T). */
public enum Units {
    ELEMENTS("elem/s"),
    TOKENS("tok/s"),
    FLOPS("FLOP/s"),
    BYTES("B/s");

    private static final String[] PREFIXES = {"", "k", "M", "G", "T", "P"};
    private final String suffix;

    Units(String suffix) {
        this.suffix = suffix;
    }

    /** E.g. {@code 3.12 G elem/s}, {@code 45.6 GFLOP/s}, {@code 24.8 GB/s}: three significant digits. */
    String format(double perSecond) {
        int prefix = 0;
        double value = perSecond;
        while (Math.abs(value) >= 1000 && prefix < PREFIXES.length - 1) {
            value /= 1000;
            prefix++;
        }
        String p = PREFIXES[prefix];
        // "3.12 G elem/s", "326 tok/s" (a word keeps its space), "45.6 GFLOP/s", "24.8 GB/s"
        boolean word = this == ELEMENTS || this == TOKENS;
        return significant(value) + " " + (word ? (p.isEmpty() ? "" : p + " ") + suffix : p + suffix);
    }

    /** E.g. {@code 4.04 G elem/s (3.98–4.10)}: the median, then the range in the median's prefix. */
    String format(Rate rate) {
        int prefix = 0;
        double scale = 1;
        while (Math.abs(rate.median() / scale) >= 1000 && prefix < PREFIXES.length - 1) {
            scale *= 1000;
            prefix++;
        }
        return format(rate.median()) + " (" + significant(rate.min() / scale) + "–" + significant(rate.max() / scale) + ")";
    }

    /** A byte count in binary units: {@code 512 KiB}, {@code 4.0 MiB}. */
    static String bytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return (bytes == Math.rint(bytes) ? String.format(Locale.ROOT, "%.0f", bytes) : significant(bytes)) + " " + units[u];
    }

    /** A fraction as a percentage: one decimal below 10 %, none above. */
    static String percent(double fraction) {
        double p = 100 * fraction;
        return String.format(Locale.ROOT, p < 10 ? "%.1f%%" : "%.0f%%", p);
    }

    /** A ratio such as a speed-up: {@code 12.4×}. */
    static String times(double ratio) {
        return significant(ratio) + "×";
    }

    private static String significant(double value) {
        double a = Math.abs(value);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
