package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every family's data travels on the class path, so that the kit works in a project with nothing beside it. */
@Tag("once")
class ConformanceDataIsPackagedTest {

    @Test
    void everyFamilyIsOnTheClassPath() {
        for (String family : List.of("sinusoidal", "rope", "t5_bias", "alibi", "norms", "attention", "softmax",
                "mrope", "attention_modern", "deberta", "vision_rope", "xpos")) {
            assertFalse(Conformance.cases(family).isEmpty(), family);
        }
    }
}
