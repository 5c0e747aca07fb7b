package dev.posenc.properties.verify;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The outcome of one run of the kit: every property, grouped by family. */
public record KitReport(List<PropertyOutcome> outcomes, long seed) {
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ more)");

    /** Families in the order they ran. */
    public List<FamilyResult> families() {
        Map<String, List<PropertyOutcome>> byFamily = new LinkedHashMap<>();
        for (PropertyOutcome o : outcomes) {
            byFamily.computeIfAbsent(o.family(), f -> new ArrayList<>()).add(o);
        }
        return byFamily.entrySet().stream().map(e -> new FamilyResult(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    /** Whether anything ran and everything passed (an empty run is a failure: it proved nothing). */
    public boolean passed() {
        return !outcomes.isEmpty() && outcomes.stream().allMatch(PropertyOutcome::passed);
    }

    /** The outcome of the property (test method) of that name, if it ran. */
    public Optional<PropertyOutcome> property(String name) {
        return outcomes.stream().filter(o -> o.property().equals(name)).findFirst();
    }

    /** One line per family (properties passed, examples, time, PASS/FAIL), then each failure in full. */
    public void printTo(PrintStream out) {
        String format = "  %-22s %12s %10s %9s   %s%n";
        out.printf(format, "family", "properties", "examples", "seconds", "result");
        for (FamilyResult f : families()) {
            out.printf(format, f.family(), f.passedCount() + "/" + f.properties().size() + " pass", f.examples(),
                    String.format("%.1f", f.time().toMillis() / 1000.0), f.passed() ? "PASS" : "FAIL");
        }
        if (outcomes.isEmpty()) {
            out.println("  no suites ran: nothing was verified");
        }
        for (PropertyOutcome o : outcomes) {
            if (!o.passed()) {
                out.println();
                out.println("  FAILED " + o.family() + "." + o.property() + " (seed " + seed + "):");
                out.println(indent(o.failure().map(KitReport::describe).orElse("(no cause reported)")));
            }
        }
    }

    /**
     * The failure's type and message without stack frames. For a property the message holds the seed,
     * the shrunk counterexample and its cause, in that order.
     */
    private static String describe(Throwable t) {
        String text = (t.getClass().getName() + ": " + t.getMessage()).lines()
                .filter(line -> !STACK_FRAME.matcher(line).find())
                .collect(Collectors.joining("\n"));
        return t.getCause() == null ? text : text + "\ncaused by " + describe(t.getCause());
    }

    private static String indent(String text) {
        return "    " + text.strip().replace("\n", "\n    ");
    }
}
