package dev.posenc.properties;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Guidance;
import org.quicktheories.core.NoGuidance;
import org.quicktheories.impl.Precursor;

/**
 * Entry point for every property in the kit: QuickTheories with a per-property example count,
 * scaled by the system property {@value #SCALE_PROPERTY} (e.g. 10 for a long run).
 *
 * <p>Every property of one JVM draws from the same seed: {@value #SEED_PROPERTY} when set (the
 * property QuickTheories itself reads), else a random one chosen at start-up. A failing property
 * prints it first, before the shrunk counterexample and a few stack frames of its cause
 * ({@link ShortReporter}); rerun with {@code -DQT_SEED=<seed>} (or {@code ./posenc verify --seed <seed>})
 * to get the same shrunk counterexample. {@link #examplesTried()} counts the examples run so far, so that a
 * report can say how much was checked.
 */
public final class Theories {
    /** Multiplies every property's example count (default 1). */
    public static final String SCALE_PROPERTY = "posenc.examples.scale";
    /** Fixes the seed of every property (QuickTheories' own name for it). */
    public static final String SEED_PROPERTY = "QT_SEED";

    private static final long SEED = Long.getLong(SEED_PROPERTY, new SecureRandom().nextLong());
    private static final LongAdder EXAMPLES = new LongAdder();

    private Theories() {}

    /** QuickTheories running {@code examples} examples times the scale, from {@link #seed()}. */
    public static QuickTheory qt(int examples) {
        double scale = Double.parseDouble(System.getProperty(SCALE_PROPERTY, "1"));
        return QuickTheory.qt()
                .withFixedSeed(SEED)
                .withExamples(Math.max(1, (int) Math.round(examples * scale)))
                .withGuidance(prng -> new Counting(new NoGuidance()))
                .withReporter(new ShortReporter());
    }

    /** The seed every property of this JVM starts from. */
    public static long seed() {
        return SEED;
    }

    /** Examples run by every property of this JVM so far (generated ones, not shrinking steps). */
    public static long examplesTried() {
        return EXAMPLES.sum();
    }

    /** QuickTheories' default guidance, counting each executed example. */
    private record Counting(Guidance delegate) implements Guidance {
        @Override
        public void newExample(Precursor precursor) {
            delegate.newExample(precursor);
        }

        @Override
        public void exampleExecuted() {
            EXAMPLES.increment();
            delegate.exampleExecuted();
        }

        @Override
        public Collection<long[]> suggestValues(int execution, Precursor precursor) {
            return delegate.suggestValues(execution, precursor);
        }

        @Override
        public void exampleComplete() {
            delegate.exampleComplete();
        }
    }
}
