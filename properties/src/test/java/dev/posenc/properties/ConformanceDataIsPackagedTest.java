package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Projects that use the kit have no ../shared/conformance: every family's data must travel in the jar. */
@Tag("once")
class ConformanceDataIsPackagedTest {

    @Test
    void everyFamilyOfTheSharedFolderIsOnTheClassPath() throws Exception {
        try (Stream<Path> files = Files.list(Conformance.directory())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String resource = Conformance.RESOURCE_DIR + file.getFileName();
                assertNotNull(Conformance.class.getResource(resource), resource + " is not packaged");
            }
        }
    }
}
