package dev.posenc.bench.report;

import dev.posenc.bench.Implementation;
import java.awt.Color;
import java.awt.Polygon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The report's chart: per row, the vector side's median as a fraction of the row's ceiling (a bar),
 * its range over every iteration of every fork (error bars), the plain-Java baseline and the peer as
 * markers, the 100% line (the ceiling), and the speed-up over plain Java as text.
 */
final class KernelChart {
    static final int WIDTH = 1400;
    private static final int LABELS = 520;
    private static final int RIGHT = 150;
    private static final int TOP = 70;
    private static final int ROW = 26;
    private static final int BOTTOM = 60;

    private KernelChart() {}

    static void write(List<KernelRow> rows, String machine, Path file) throws IOException {
        int height = TOP + ROW * rows.size() + BOTTOM;
        Drawing d = new Drawing(WIDTH, height);
        double x0 = LABELS;
        double x1 = WIDTH - RIGHT;
        double maxPercent = Math.max(110, rows.stream().flatMap(r -> maxPercent(r).stream()).mapToDouble(p -> p).max().orElse(0));
        maxPercent = Math.min(200, Math.ceil(maxPercent / 10) * 10);
        double scale = (x1 - x0) / maxPercent;

        d.text("Each kernel against its ceiling (% of the lowest ceiling measured for its row) — " + machine, 10, 22, Drawing.TITLE,
                Color.BLACK, -1);
        d.text("bar: vector median; error bar: min–max over every iteration of every fork; ◆ plain Java; ▲ Jlama; "
                + "red line: 100% = the row's ceiling; right: vector ÷ plain Java", 10, 42, Drawing.SMALL, Color.DARK_GRAY, -1);
        for (int p = 0; p <= maxPercent; p += 25) {
            double x = x0 + p * scale;
            d.line(x, TOP - 8, x, TOP + ROW * rows.size(), Drawing.GRID, Drawing.THIN);
            d.text(p + "%", x, TOP + ROW * rows.size() + 16, Drawing.SMALL, Color.DARK_GRAY, 0);
        }
        for (int i = 0; i < rows.size(); i++) {
            KernelRow row = rows.get(i);
            double y = TOP + ROW * i + ROW / 2.0;
            String ceiling = row.ceiling().map(Ceiling::name).orElse("no ceiling");
            d.text(row.kernel() + " " + row.shape() + " [" + ceiling + "]", x0 - 8, y + 4, Drawing.SMALL,
                    row.aboveCeiling(Implementation.vector) ? Drawing.LIMIT : Color.BLACK, 1);
            Optional<Ceiling> c = row.ceiling();
            Optional<KernelRow.Side> vector = row.side(Implementation.vector);
            if (c.isPresent() && vector.isPresent()) {
                Rate r = vector.get().throughput().times(100 / c.get().perSecond());
                d.g.setColor(Drawing.VECTOR);
                d.g.fillRect((int) x0, (int) (y - 8), (int) Math.round(Math.min(r.median(), maxPercent) * scale), 16);
                d.whisker(x0 + Math.min(r.min(), maxPercent) * scale, x0 + Math.min(r.max(), maxPercent) * scale, y, 5, Color.BLACK);
                marker(d, row, Implementation.plain, c.get(), x0, scale, maxPercent, y, Drawing.PLAIN, false);
                marker(d, row, Implementation.jlama, c.get(), x0, scale, maxPercent, y, Drawing.PEER, true);
            }
            row.ratio(Implementation.vector, Implementation.plain).ifPresent(s ->
                    d.text(Units.times(s) + " vs plain", x1 + 8, y + 4, Drawing.SMALL, Color.BLACK, -1));
        }
        d.line(x0 + 100 * scale, TOP - 12, x0 + 100 * scale, TOP + ROW * rows.size(), Drawing.LIMIT, Drawing.DASHED);
        d.text("100% = ceiling", x0 + 100 * scale, TOP - 14, Drawing.SMALL, Drawing.LIMIT, 0);
        d.text("% of the row's ceiling (bars past " + (int) maxPercent + "% are cut; a row whose every iteration beats its ceiling "
                + "by more than the probe's spread is labelled in red: a measurement problem)", x0, height - 16, Drawing.SMALL, Color.DARK_GRAY, -1);
        d.save(file);
    }

    private static Optional<Double> maxPercent(KernelRow row) {
        return row.ceiling().flatMap(c -> row.side(Implementation.vector).map(s -> 100 * s.throughput().max() / c.perSecond()));
    }

    private static void marker(Drawing d, KernelRow row, Implementation impl, Ceiling c, double x0, double scale, double max,
                               double y, Color color, boolean triangle) {
        row.side(impl).ifPresent(s -> {
            int x = (int) Math.round(x0 + Math.min(100 * s.throughput().median() / c.perSecond(), max) * scale);
            int cy = (int) Math.round(y);
            Polygon shape = new Polygon();
            if (triangle) {
                shape.addPoint(x, cy - 6);
                shape.addPoint(x + 6, cy + 5);
                shape.addPoint(x - 6, cy + 5);
            } else {
                shape.addPoint(x, cy - 6);
                shape.addPoint(x + 6, cy);
                shape.addPoint(x, cy + 6);
                shape.addPoint(x - 6, cy);
            }
            d.g.setColor(color);
            d.g.fillPolygon(shape);
            d.g.setColor(Color.WHITE);
            d.g.drawPolygon(shape);
        });
    }
}
