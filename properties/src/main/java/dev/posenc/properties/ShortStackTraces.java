package dev.posenc.properties;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Keeps a kit failure short: the failure and each of its causes keep at most {@value #FRAMES} stack
 * frames, none of them JUnit's, QuickTheories' or the JDK's, so that the message (for a property: the
 * seed and the shrunk counterexample, see {@link ShortReporter}) is what a reader sees. Every contract
 * registers it ({@code @ExtendWith(ShortStackTraces.class)}).
 */
public final class ShortStackTraces implements TestExecutionExceptionHandler {
    /** Stack frames kept per throwable. */
    static final int FRAMES = 4;
    private static final List<String> MACHINERY = List.of("org.quicktheories.", "org.junit.", "org.opentest4j.",
            "org.apache.maven.surefire.", "java.", "jdk.", "sun.", "dev.posenc.properties.ShortReporter");

    /** Called by JUnit. */
    public ShortStackTraces() {}

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            t.setStackTrace(ownFrames(t.getStackTrace()));
        }
        throw failure;
    }

    /** The first {@value #FRAMES} frames outside the test machinery. */
    static StackTraceElement[] ownFrames(StackTraceElement[] frames) {
        return Arrays.stream(frames)
                .filter(frame -> MACHINERY.stream().noneMatch(frame.getClassName()::startsWith))
                .limit(FRAMES)
                .toArray(StackTraceElement[]::new);
    }
}
