package dev.posenc.bench.paired;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The threads one call of a benchmark method runs on, the calling thread included (a method without it runs on
 * one): {@link PairedCalls} then sets the CPU time of all the JVM's Java threads over the call against
 * {@code value} × the call's wall time, so that a side whose second thread did not get a CPU shows it
 * ({@link PairedTimes.Conditions#shared}). Not JMH's {@code @Threads}, which runs the whole method on that many
 * threads at once.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CallThreads {
    /** The threads a call runs on, at least 2. */
    int value();
}
