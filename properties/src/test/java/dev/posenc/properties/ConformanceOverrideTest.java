package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.properties.verify.KitReport;
import dev.posenc.properties.verify.KitRunner;
import dev.posenc.properties.verify.PropertyOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Dposenc.conformance.dir=<folder>} replaces the packaged data for every conformance test: with
 * an empty folder, every suite's conformance properties fail naming that folder and the file they
 * wanted, and nothing else fails. (All of them read through {@link Conformance#cases(String)}.)
 */
@Tag("once")
class ConformanceOverrideTest {
    private static final Set<String> FAMILIES_THE_SUITES_READ = Set.of("sinusoidal", "rope", "t5_bias", "alibi", "norms",
            "attention", "softmax");

    @Test
    void everyConformanceTestReadsTheFolderTheOverrideNames(@TempDir Path empty) {
        List<PropertyOutcome> outcomes = new ArrayList<>();
        String scale = System.getProperty(Theories.SCALE_PROPERTY);
        System.setProperty(Conformance.DIR_PROPERTY, empty.toString());
        System.setProperty(Theories.SCALE_PROPERTY, "0.01");   // the random properties are not the point here
        try {
            outcomes.addAll(KitRunner.runLibrarySuites().outcomes());
            outcomes.addAll(KitRunner.run(RopeSchedulesTest.class).outcomes());
        } finally {
            System.clearProperty(Conformance.DIR_PROPERTY);
            if (scale == null) {
                System.clearProperty(Theories.SCALE_PROPERTY);
            } else {
                System.setProperty(Theories.SCALE_PROPERTY, scale);
            }
        }

        Pattern missing = Pattern.compile("-D" + Pattern.quote(Conformance.DIR_PROPERTY + "=" + empty) + " has no (\\w+)\\.json");
        Set<String> named = new TreeSet<>();
        for (PropertyOutcome o : outcomes) {
            if (!o.passed()) {
                String message = o.failure().map(Throwable::toString).orElse("");
                Matcher m = missing.matcher(message);
                assertTrue(m.find(), () -> o.family() + "." + o.property() + " failed for another reason: " + message);
                named.add(m.group(1));
            }
        }
        assertFalse(outcomes.isEmpty(), "no suite ran");
        assertTrue(named.containsAll(FAMILIES_THE_SUITES_READ),
                () -> "some families were not read through the override: only " + named);
        System.out.println("[posenc] with an empty -D" + Conformance.DIR_PROPERTY + ", " + outcomes.stream()
                .filter(o -> !o.passed()).count() + " of " + outcomes.size() + " properties failed, asking for " + named);
    }
}
