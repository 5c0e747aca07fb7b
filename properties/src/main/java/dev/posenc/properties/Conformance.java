package dev.posenc.properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shared conformance data ({@code ../shared/conformance/<family>.json}, values computed with
 * PyTorch and HuggingFace's own functions; see its README for the format). The folder is taken from
 * the system property {@value #DIR_PROPERTY}, else found as {@code shared/conformance} beside the
 * working directory or one of its parents, else read from the copy packaged in this jar
 * ({@value #RESOURCE_DIR}, so that the kit works in other projects). Missing data fails the test:
 * conformance is never skipped silently.
 */
public final class Conformance {
    /** System property naming the conformance folder. */
    public static final String DIR_PROPERTY = "posenc.conformance.dir";
    /** Where the build packages the data in the kit's jar. */
    public static final String RESOURCE_DIR = "/dev/posenc/properties/conformance/";

    private Conformance() {}

    /** Every case of a family, e.g. {@code "softmax"}. */
    public static List<ConformanceCase> cases(String family) {
        String file = family + ".json";
        try (InputStream in = open(file)) {
            JsonNode root = new ObjectMapper().readTree(in);
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

    private static InputStream open(String file) throws IOException {
        Optional<Path> dir = findDirectory();
        if (dir.isPresent()) {
            return Files.newInputStream(dir.get().resolve(file));
        }
        InputStream packaged = Conformance.class.getResourceAsStream(RESOURCE_DIR + file);
        if (packaged == null) {
            throw new IllegalStateException("conformance data not found: set -D" + DIR_PROPERTY
                    + "=<folder> or place it at ../shared/conformance beside the checkout (was: "
                    + System.getProperty(DIR_PROPERTY) + "), and it is not packaged at " + RESOURCE_DIR + file);
        }
        return packaged;
    }

    /** The conformance folder. */
    public static Path directory() {
        return findDirectory().orElseThrow(() -> new IllegalStateException("conformance data not found: set -D"
                + DIR_PROPERTY + "=<folder> or place it at ../shared/conformance beside the checkout (was: "
                + System.getProperty(DIR_PROPERTY) + ")"));
    }

    private static Optional<Path> findDirectory() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Optional.of(Path.of(configured));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("conformance");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
