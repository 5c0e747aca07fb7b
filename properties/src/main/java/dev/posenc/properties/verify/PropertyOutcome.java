package dev.posenc.properties.verify;

import java.time.Duration;
import java.util.Optional;

/**
 * What one property (one test method of a suite) did.
 *
 * @param family   the suite family, e.g. {@code "Softmax"} for a subclass of {@code SoftmaxContract}
 * @param property the property's name, e.g. {@code "agreesWithTheReference"}
 * @param passed   whether it passed
 * @param examples random examples QuickTheories ran for it (0 for fixed-case checks)
 * @param time     how long it took
 * @param failure  why it failed; for a property, QuickTheories' shrunk counterexample and seed
 */
public record PropertyOutcome(String family, String property, boolean passed, long examples, Duration time,
                              Optional<Throwable> failure) {}
