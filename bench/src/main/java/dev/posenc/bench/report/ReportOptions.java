package dev.posenc.bench.report;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The report's command line: {@code [--full] [--kernels <regex>] [--out <dir>] [--publish] [--list]}.
 *
 * @param profile quick (default) or full
 * @param kernels selects catalog entries whose name it finds (e.g. {@code softmax|norm}); all if empty
 * @param out     the results folder; {@code results/<date-time>} by default
 * @param publish also copy the results into {@code docs/performance/} and the README's Performance section
 * @param list    only list the catalog
 */
public record ReportOptions(Profile profile, Optional<Pattern> kernels, Path out, boolean publish, boolean list) {
    public static final String USAGE = """
            usage: ./posenc report [--full] [--kernels <regex>] [--out <dir>] [--publish] [--list]
              --full             every parameter, with longer warm-up and measurement
                                 (default: the quick profile, about six minutes on two cores)
              --kernels <regex>  only the kernel families whose name matches, e.g. 'softmax|rope'
              --out <dir>        where to write the results (default: results/<date-time>)
              --publish          then copy them into docs/performance/ and regenerate the README's
                                 Performance tables (run from the repository's root, on a quiet machine)
              --list             list the kernel families and exit""";

    /** Parses the arguments; throws {@link IllegalArgumentException} with a message for the user. */
    public static ReportOptions parse(String... args) {
        Profile profile = Profile.QUICK;
        Optional<Pattern> kernels = Optional.empty();
        Path out = Path.of("results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss")));
        boolean list = false;
        boolean publish = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> profile = Profile.FULL;
                case "--list" -> list = true;
                case "--publish" -> publish = true;
                case "--kernels" -> kernels = Optional.of(regex(value(args, ++i)));
                case "--out" -> out = Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (publish && kernels.isPresent()) {
            throw new IllegalArgumentException("--publish regenerates the whole README section: run it without --kernels");
        }
        return new ReportOptions(profile, kernels, out, publish, list);
    }

    /** The catalog entries selected by {@code --kernels}. */
    public List<KernelEntry> select(List<KernelEntry> catalog) {
        List<KernelEntry> selected = catalog.stream().filter(e -> kernels.map(k -> k.matcher(e.name()).find()).orElse(true))
                .toList();
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("--kernels '" + kernels.orElseThrow() + "' matches none of "
                    + catalog.stream().map(KernelEntry::name).toList());
        }
        return selected;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static Pattern regex(String text) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--kernels '" + text + "' is not a regular expression: " + e.getDescription());
        }
    }
}
