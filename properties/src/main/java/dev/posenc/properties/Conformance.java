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

/**
 * The conformance data: one {@code <family>.json} per family, values computed with PyTorch and
 * HuggingFace's own functions (see the README beside the data for sources and format). By default it
 * is read from this jar ({@value #RESOURCE_DIR}); the system property {@value #DIR_PROPERTY} names a
 * folder holding files of the same names and format to run instead. Missing data fails the test:
 * conformance is never skipped silently.
 */
public final class Conformance {
    /** System property naming a folder that replaces the packaged data. */
    public static final String DIR_PROPERTY = "posenc.conformance.dir";
    /** Where the data lives in the kit's jar. */
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
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null) {
            Path path = Path.of(configured).resolve(file);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("-D" + DIR_PROPERTY + "=" + configured + " has no " + file);
            }
            return Files.newInputStream(path);
        }
        InputStream packaged = Conformance.class.getResourceAsStream(RESOURCE_DIR + file);
        if (packaged == null) {
            throw new IllegalStateException("conformance data " + RESOURCE_DIR + file
                    + " is not on the class path (is the posenc-properties jar complete?)");
        }
        return packaged;
    }
}
