package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.Kernels;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The layers of {@code docs/architecture.md}, checked on the compiled classes of both library modules:
 * a class refers only to classes of its own layer or of layers below it, so no arrow runs back up.
 * The root package {@code dev.posenc} holds three roles and is split by class: the entry point
 * ({@code Kernels}) on top, the provider interface above the families, the shared value type
 * ({@code Positions}) below them.
 */
@Tag("once")
class PackageLayersTest {
    /** Top to bottom; a class belongs to the first layer one of whose prefixes its name starts with. */
    private static final List<List<String>> LAYERS = List.of(
            List.of("dev/posenc/Kernels"),
            List.of("dev/posenc/vector/"),
            List.of("dev/posenc/reference/"),
            List.of("dev/posenc/spi/"),
            List.of("dev/posenc/KernelProvider"),
            List.of("dev/posenc/attention/"),
            List.of("dev/posenc/bias/"),
            List.of("dev/posenc/absolute/", "dev/posenc/rope/", "dev/posenc/norm/", "dev/posenc/softmax/"),
            List.of("dev/posenc/Positions", "dev/posenc/package-info"),
            List.of("dev/posenc/internal/"));
    /**
     * Upward references still in the code (see docs/architecture.md): remove an entry when its
     * reference goes.
     */
    private static final Set<String> KNOWN = Set.of(
            // PositionTable.sinusoidal fills its rows with Kernels.get() (the absolute family).
            "dev/posenc/absolute/PositionTable -> dev/posenc/Kernels",
            "dev/posenc/absolute/PositionTable -> dev/posenc/KernelProvider");
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L(dev/posenc/[\\w/$]+)[;<]");

    @Test
    void noClassRefersToALayerAboveIts() throws Exception {
        List<ClassModel> classes = new ArrayList<>();
        classes.addAll(classesBeside(Kernels.class.getResource("Kernels.class")));
        classes.addAll(classesBeside(ClassLoader.getSystemResource("dev/posenc/vector/Lanes.class")));
        assertTrue(classes.size() > 50, "found the classes of both modules: " + classes.size());
        Set<String> upward = new TreeSet<>();
        Set<String> known = new TreeSet<>();
        for (ClassModel c : classes) {
            String from = c.thisClass().asInternalName();
            for (String to : references(c)) {
                if (layer(to) < layer(from)) {
                    String edge = outer(from) + " -> " + outer(to);
                    (KNOWN.contains(edge) ? known : upward).add(edge);
                }
            }
        }
        assertEquals(Set.of(), upward, "references to a higher layer");
        assertEquals(KNOWN, known, "KNOWN lists references that no longer exist: remove them");
    }

    private static int layer(String className) {
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String prefix : LAYERS.get(i)) {
                if (className.startsWith(prefix)) {
                    return i;
                }
            }
        }
        throw new AssertionError(className + " is in no layer: add its package to LAYERS and docs/architecture.md");
    }

    private static String outer(String className) {
        int nested = className.indexOf('$');
        return nested < 0 ? className : className.substring(0, nested);
    }

    /** Every library class that {@code c} names: in class entries, descriptors and signatures. */
    private static Set<String> references(ClassModel c) {
        Set<String> names = new TreeSet<>();
        for (PoolEntry entry : c.constantPool()) {
            if (entry instanceof ClassEntry ce) {
                String name = ce.asInternalName();
                Matcher m = DESCRIPTOR_CLASS.matcher(name);
                if (name.startsWith("dev/posenc/")) {
                    names.add(name);
                } else if (m.find()) {
                    names.add(m.group(1));
                }
            } else if (entry instanceof Utf8Entry utf8) {
                Matcher m = DESCRIPTOR_CLASS.matcher(utf8.stringValue());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** The classes of the directory or jar that holds the class file at {@code url}. */
    private static List<ClassModel> classesBeside(URL url) throws IOException, URISyntaxException {
        String name = url.toString();
        if (name.startsWith("jar:")) {
            Path jar = Path.of(URI.create(name.substring(4, name.indexOf("!/"))));
            try (FileSystem fs = FileSystems.newFileSystem(jar)) {
                return parseAll(fs.getPath("/"));
            }
        }
        Path root = Path.of(url.toURI());
        for (String ignored : url.getPath().substring(url.getPath().indexOf("dev/posenc/")).split("/")) {
            root = root.getParent();
        }
        return parseAll(root);
    }

    private static List<ClassModel> parseAll(Path root) throws IOException {
        List<ClassModel> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String file = p.toString();
                if (file.endsWith(".class") && !file.endsWith("module-info.class")) {
                    classes.add(ClassFile.of().parse(Files.readAllBytes(p)));
                }
            }
        }
        return classes;
    }
}
