package dev.posenc.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table whose columns are padded to line up, so that it reads as well in a terminal. */
final class MarkdownTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    MarkdownTable add(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    @Override
    public String toString() {
        int[] widths = new int[header.size()];
        for (List<String> row : concat()) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(Math.max(3, width)));
        }
        line(out, rule, widths);
        rows.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private List<List<String>> concat() {
        List<List<String>> all = new ArrayList<>(rows);
        all.add(header);
        return all;
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int c = 0; c < widths.length; c++) {
            out.append(' ').append(cells.get(c)).append(" ".repeat(widths[c] - cells.get(c).length())).append(" |");
        }
        out.append('\n');
    }
}
