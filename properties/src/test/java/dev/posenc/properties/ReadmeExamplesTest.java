package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README honest: every ```java block that declares a public class is compiled against the
 * library, and those with a {@code main} method are run.
 */
class ReadmeExamplesTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("public (?:final )?class (\\w+)");

    @Test
    void everyJavaExampleInTheReadmeCompilesAndRuns(@TempDir Path dir) throws Exception {
        List<Path> sources = new ArrayList<>();
        Matcher blocks = JAVA_BLOCK.matcher(Files.readString(readme()));
        while (blocks.find()) {
            Matcher name = CLASS_NAME.matcher(blocks.group(1));
            if (name.find()) {
                Path source = dir.resolve(name.group(1) + ".java");
                Files.writeString(source, blocks.group(1));
                sources.add(source);
            }
        }
        assertFalse(sources.isEmpty(), "the README has no Java example");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("-d", dir.toString(), "-classpath", classPath(),
                "--add-modules", "jdk.incubator.vector", "-Xlint:-incubating"));
        sources.forEach(s -> arguments.add(s.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, arguments.toArray(String[]::new));
        assertEquals(0, status, () -> "README examples do not compile:\n" + errors);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            for (Path source : sources) {
                String className = source.getFileName().toString().replace(".java", "");
                Method main = mainOf(loader.loadClass(className));
                if (main != null) {
                    PrintStream original = System.out;
                    ByteArrayOutputStream printed = new ByteArrayOutputStream();
                    System.setOut(new PrintStream(printed, true));
                    try {
                        main.invoke(null, (Object) new String[0]);
                    } finally {
                        System.setOut(original);
                    }
                    assertTrue(printed.size() > 0, className + " printed nothing");
                    original.print("[README " + className + "] " + printed);
                }
            }
        }
    }

    private static Method mainOf(Class<?> type) {
        try {
            return type.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Path readme() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("README.md");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("properties"))) {
                return candidate;
            }
        }
        throw new IOException("README.md not found above " + Path.of("").toAbsolutePath());
    }

    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
