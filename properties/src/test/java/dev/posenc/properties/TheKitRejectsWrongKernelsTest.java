package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.properties.verify.KitReport;
import dev.posenc.properties.verify.KitRunner;
import dev.posenc.properties.verify.PropertyOutcome;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kit must tell a wrong kernel from a right one: each deliberately wrong implementation, bound to
 * its suite exactly as a user binds theirs, has to fail the property that its bug breaks, with
 * QuickTheories' shrunk counterexample and seed in the message, while the properties it does not
 * break (e.g. argument checking) still pass. To add a proof: write the wrong kernel, a
 * {@code ...Kit extends XxxContract} returning it, and one test method here.
 */
@Tag("once")
class TheKitRejectsWrongKernelsTest {

    @Test
    void softmaxWithoutMaxSubtractionOverflowsAndIsRejected() {
        KitReport report = KitRunner.run(NoMaxSubtractionSoftmaxKit.class);
        System.out.println("The kit on a deliberately wrong softmax (no max subtraction); it must FAIL:");
        report.printTo(System.out);   // what a user of the kit would see
        String counterexample = assertFalsified(report, "agreesWithTheReference");
        // Shrinking keeps the failure but drops everything else: one row, and large logits (WIDE or LARGE data).
        assertTrue(counterexample.contains("{[1 × "), () -> "not shrunk to a single row:\n" + counterexample);
        assertTrue(counterexample.contains(" x=["), () -> "the input values are not shown:\n" + counterexample);
        assertTrue(counterexample.contains("but was NaN") || counterexample.contains("but was Infinity"),
                () -> "the cause should be the overflow:\n" + counterexample);
        assertPassed(report, "rejectsBadInputWithoutTouchingTheOutput");
    }

    @Test
    void ropeWithTheWrongPairLayoutIsRejected() {
        KitReport report = KitRunner.run(WrongPairLayoutRopeKit.class);
        System.out.println("The kit on a deliberately wrong RoPE (the other pair layout); it must FAIL:");
        report.printTo(System.out);
        String counterexample = assertFalsified(report, "rotateAgreesWithTheReference");
        assertTrue(counterexample.contains(" x starts ["), () -> "the input values are not shown:\n" + counterexample);
        assertFalsified(report, "pairNormsScaleByTheAttentionFactor");   // it keeps the norms of the wrong pairs
        assertFalse(report.property("matchesTheConformanceData").orElseThrow().passed(),
                "HF's rope.json values accepted the wrong pair layout");
        assertPassed(report, "rejectsBadInputWithoutTouchingTheOutput");
    }

    /**
     * Asserts the kit rejected the kernel with a shrunk counterexample for that property, reported as a
     * reader wants it: the seed on the first line, the counterexample next, then the cause, and at most
     * a few stack frames in all. Returns the message.
     */
    private static String assertFalsified(KitReport report, String property) {
        assertFalse(report.passed(), "the kit accepted a wrong kernel");
        PropertyOutcome outcome = report.property(property).orElseThrow(() -> new AssertionError(property + " did not run"));
        assertFalse(outcome.passed(), () -> property + " passed for a wrong kernel");
        Throwable failure = outcome.failure().orElseThrow();
        String message = failure.getMessage();
        List<String> lines = message.lines().toList();
        assertTrue(lines.get(0).startsWith("Property falsified after") && lines.get(0).contains("Seed was " + report.seed()),
                () -> "the first line of the failure of " + property + " does not give the seed:\n" + message);
        assertEquals("Smallest found falsifying value(s) :-", lines.get(1), message);
        assertEquals("Cause was :-", lines.get(3), message);
        long frames = failure.getStackTrace().length + lines.stream().filter(line -> line.startsWith("\tat ")).count();
        assertTrue(frames <= 2 * ShortStackTraces.FRAMES, () -> frames + " stack frames in the failure of " + property);
        return message;
    }

    private static void assertPassed(KitReport report, String property) {
        PropertyOutcome outcome = report.property(property).orElseThrow(() -> new AssertionError(property + " did not run"));
        assertTrue(outcome.passed(), () -> property + " failed: " + outcome.failure());
    }
}
