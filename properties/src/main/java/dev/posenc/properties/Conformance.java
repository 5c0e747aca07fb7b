package dev.posenc.properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared conformance data ({@code ../shared/conformance/<family>.json}, values computed with
 * PyTorch and HuggingFace's own functions; see its README for the format). The folder is taken from
 * the system property {@value #DIR_PROPERTY}, else found as {@code shared/conformance} beside the
 * working directory or one of its parents. A missing folder fails the test: conformance is never
 * skipped silently.
 */
public final class Conformance {
    /** System property naming the conformance folder. */
    public static final String DIR_PROPERTY = "posenc.conformance.dir";

    private Conformance() {}

    /** Every case of a family, e.g. {@code "softmax"}. */
    public static List<ConformanceCase> cases(String family) {
        Path file = directory().resolve(family + ".json");
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            List<ConformanceCase> cases = new ArrayList<>();
            root.get("cases").forEach(node -> cases.add(new ConformanceCase(family, node)));
            if (cases.isEmpty()) {
                throw new IllegalStateException(file + " holds no cases");
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read conformance file " + file, e);
        }
    }

    /** The conformance folder. */
    public static Path directory() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("conformance");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("conformance data not found: set -D" + DIR_PROPERTY
                + "=<folder> or place it at ../shared/conformance beside the checkout (was: " + configured + ")");
    }
}
