package dev.posenc.properties.verify;

import java.time.Duration;
import java.util.List;

/** The outcomes of every property of one family, e.g. all of {@code SoftmaxContract} against one kernel. */
public record FamilyResult(String family, List<PropertyOutcome> properties) {

    /** Properties that passed. */
    public long passedCount() {
        return properties.stream().filter(PropertyOutcome::passed).count();
    }

    /** Whether every property passed. */
    public boolean passed() {
        return passedCount() == properties.size();
    }

    /** Random examples tried over every property. */
    public long examples() {
        return properties.stream().mapToLong(PropertyOutcome::examples).sum();
    }

    /** Time over every property. */
    public Duration time() {
        return properties.stream().map(PropertyOutcome::time).reduce(Duration.ZERO, Duration::plus);
    }
}
