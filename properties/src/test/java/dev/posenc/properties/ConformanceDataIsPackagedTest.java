package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every family's data travels on the class path, so that the kit works in a project with nothing beside
 * it. The build runs this once more after packaging, against the kit's jar instead of target/classes
 * ({@code posenc.packaged} names the jar): a jar without a family's file fails the build, naming it.
 */
@Tag("once")
class ConformanceDataIsPackagedTest {
    private static final List<String> FAMILIES = List.of("sinusoidal", "rope", "t5_bias", "alibi", "norms", "attention",
            "softmax", "mrope", "attention_modern", "deberta", "vision_rope", "xpos");

    @Test
    void everyFamilyIsOnTheClassPath() {
        String jar = System.getProperty("posenc.packaged");
        for (String family : FAMILIES) {
            assertFalse(Conformance.cases(family).isEmpty(), family);
            if (jar != null) {
                URL url = Objects.requireNonNull(Conformance.class.getResource(Conformance.RESOURCE_DIR + family + ".json"));
                assertTrue(url.toString().startsWith("jar:") && url.toString().contains(jar),
                        () -> family + ".json was read from " + url + ", not from " + jar);
            }
        }
    }
}
