package dev.posenc.bench.report;

import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** How long the report measures: the quick profile, or each benchmark's own annotations. */
public enum Profile {
    /** 1 fork, 2 × 0.5 s warm-up, 3 × 0.5 s measurement, and each entry's quick parameter values. */
    QUICK("quick profile: 1 fork, 2 × 0.5 s warm-up, 3 × 0.5 s measurement per benchmark"),
    /** Every parameter value, with the forks, warm-up and measurement each benchmark declares. */
    FULL("full profile: every parameter, with each benchmark's own forks, warm-up and measurement");

    private final String description;

    Profile(String description) {
        this.description = description;
    }

    /** One line saying what the profile runs. */
    public String description() {
        return description;
    }

    /** Applies the profile's timing, and for QUICK the parameter restrictions, to JMH options. */
    void apply(ChainedOptionsBuilder options, Map<String, List<String>> quickParams) {
        if (this == QUICK) {
            options.forks(1)
                    .warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
            quickParams.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        }
    }
}
