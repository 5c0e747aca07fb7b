package dev.posenc.properties;

import org.quicktheories.QuickTheory;

/**
 * Entry point for every property in the kit: QuickTheories with a per-property example count,
 * scaled by the system property {@value #SCALE_PROPERTY} (e.g. 10 for a long run).
 *
 * <p>A failing property prints its seed; rerun it with {@code -DQT_SEED=<seed>} (QuickTheories
 * reads it) to get the same shrunk counterexample.
 */
public final class Theories {
    /** Multiplies every property's example count (default 1). */
    public static final String SCALE_PROPERTY = "posenc.examples.scale";

    private Theories() {}

    /** QuickTheories running {@code examples} examples times the scale. */
    public static QuickTheory qt(int examples) {
        double scale = Double.parseDouble(System.getProperty(SCALE_PROPERTY, "1"));
        return QuickTheory.qt().withExamples(Math.max(1, (int) Math.round(examples * scale)));
    }
}
