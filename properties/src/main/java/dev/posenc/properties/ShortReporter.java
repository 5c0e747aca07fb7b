package dev.posenc.properties;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Reporter;

/**
 * How a falsified property reads: the seed and the shrunk counterexample first, then the cause with a
 * few of its stack frames ({@link ShortStackTraces}). QuickTheories' own report puts the cause's whole
 * stack trace, about a hundred lines, between the counterexample and the seed, then ten more
 * counterexamples.
 */
final class ShortReporter implements Reporter {

    @Override
    public void falisification(long seed, int examples, Object smallest, Throwable cause, List<Object> others,
            AsString<Object> toString) {
        String frames = Arrays.stream(ShortStackTraces.ownFrames(cause.getStackTrace()))
                .map(frame -> "\n\tat " + frame).collect(Collectors.joining());
        throw failure(seed, examples, toString.asString(smallest), "\nCause was :-\n" + cause + frames);
    }

    @Override
    public void falisification(long seed, int examples, Object smallest, List<Object> others, AsString<Object> toString) {
        throw failure(seed, examples, toString.asString(smallest), "");
    }

    @Override
    public void valuesExhausted(int examples) {
        throw new IllegalStateException("Gave up after finding only " + examples + " example(s) matching the assumptions");
    }

    private static AssertionError failure(long seed, int examples, String smallest, String cause) {
        return new AssertionError("Property falsified after " + examples + " example(s). Seed was " + seed
                + " (rerun with -D" + Theories.SEED_PROPERTY + "=" + seed + ")\n"
                + "Smallest found falsifying value(s) :-\n" + smallest + cause);
    }
}
