package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/**
 * Checks the library's rule for invalid arguments: an {@link IllegalArgumentException} whose message
 * names what was wrong (every given fragment, e.g. the parameter and its value), thrown before the
 * output is touched.
 */
public final class BadInput {
    private BadInput() {}

    /**
     * Asserts that {@code call} throws {@link IllegalArgumentException} mentioning every fragment, and
     * that {@code output} (may be {@code null}) is unchanged afterwards.
     */
    public static IllegalArgumentException rejects(Executable call, float[] output, String... mentions) {
        float[] before = output == null ? null : output.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String message = String.valueOf(e.getMessage());
        for (String fragment : mentions) {
            assertTrue(message.contains(fragment), () -> "message '" + message + "' does not mention '" + fragment + "'");
        }
        if (output != null) {
            assertArrayEquals(before, output, "the output was modified by a rejected call");
        }
        return e;
    }
}
