package dev.posenc.bench.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bandwidth curve: out-of-place bandwidth against working set (log scale) with its range per
 * point, the levels read from it as shaded bands, the cache sizes sysfs reports as dashed lines, and
 * each kernel's working set marked on the axis and listed below.
 */
final class CurveChart {
    static final int WIDTH = 1400;
    private static final int LEFT = 80;
    private static final int RIGHT = 40;
    private static final int TOP = 70;
    private static final int PLOT = 420;
    private static final int LINE = 16;

    private CurveChart() {}

    static void write(BandwidthCurve curve, List<KernelRow> rows, String machine, Path file) throws IOException {
        Map<Long, String> marks = new TreeMap<>();
        for (KernelRow row : rows) {
            if (!Double.isNaN(row.workingSet())) {
                marks.merge(Math.round(row.workingSet()), row.kernel() + " " + row.shape(), (a, b) -> a + "; " + b);
            }
        }
        int height = TOP + PLOT + 60 + LINE * (marks.size() + 1);
        Drawing d = new Drawing(WIDTH, height);
        List<BandwidthCurve.Point> points = curve.points();
        double minLog = log2(points.get(0).bytes());
        double maxLog = log2(points.get(points.size() - 1).bytes());
        double maxBandwidth = points.stream().mapToDouble(p -> p.bandwidth().max()).max().orElse(1) * 1.1;
        double x0 = LEFT;
        double x1 = WIDTH - RIGHT;
        double yBase = TOP + PLOT;

        d.text("Single-thread bandwidth by working set (y = a·x, out of place) — " + machine, 10, 22, Drawing.TITLE, Color.BLACK, -1);
        d.text("line: median; error bars: min–max; bands: levels read from the curve; dashed: cache sizes as sysfs reports them; "
                + "▼: the kernels' working sets (listed below)", 10, 42, Drawing.SMALL, Color.DARK_GRAY, -1);
        boolean shade = false;
        for (BandwidthCurve.Level level : curve.levels()) {
            double from = x(level.from(), minLog, maxLog, x0, x1) - 6;
            double to = x(level.to(), minLog, maxLog, x0, x1) + 6;
            d.g.setColor(shade ? new Color(0xF2, 0xF6, 0xFB) : new Color(0xFA, 0xFA, 0xF0));
            d.g.fillRect((int) from, TOP, (int) (to - from), PLOT);
            d.text(level.name() + " ≈ " + Units.BYTES.format(level.bandwidth()), (from + to) / 2, TOP + 14, Drawing.SMALL,
                    Color.DARK_GRAY, 0);
            shade = !shade;
        }
        for (int i = 0; i <= 5; i++) {
            double y = yBase - PLOT * i / 5.0;
            d.line(x0, y, x1, y, Drawing.GRID, Drawing.THIN);
            d.text(Units.BYTES.format(maxBandwidth * i / 5.0), x0 - 6, y + 4, Drawing.SMALL, Color.DARK_GRAY, 1);
        }
        for (BandwidthCurve.Point p : points) {
            d.text(Units.bytes(p.bytes()), x(p.bytes(), minLog, maxLog, x0, x1), yBase + 16, Drawing.SMALL, Color.DARK_GRAY, 0);
        }
        for (SysfsCache cache : curve.sysfs()) {
            if (log2(cache.bytes()) >= minLog && log2(cache.bytes()) <= maxLog) {
                double x = x(cache.bytes(), minLog, maxLog, x0, x1);
                d.line(x, TOP + 20, x, yBase, Color.GRAY, Drawing.DASHED);
                d.text("sysfs L" + cache.level() + " " + Units.bytes(cache.bytes()), x + 4, TOP + 34 + 14 * cache.level(),
                        Drawing.SMALL, Color.GRAY, -1);
            }
        }
        BandwidthCurve.Point previous = null;
        for (BandwidthCurve.Point p : points) {
            double x = x(p.bytes(), minLog, maxLog, x0, x1);
            if (previous != null) {
                d.line(x(previous.bytes(), minLog, maxLog, x0, x1), y(previous.bandwidth().median(), maxBandwidth, yBase),
                        x, y(p.bandwidth().median(), maxBandwidth, yBase), Drawing.VECTOR, Drawing.WHISKER);
            }
            d.line(x, y(p.bandwidth().min(), maxBandwidth, yBase), x, y(p.bandwidth().max(), maxBandwidth, yBase), Color.BLACK,
                    Drawing.WHISKER);
            d.g.setColor(Drawing.VECTOR);
            d.g.fillOval((int) x - 4, (int) y(p.bandwidth().median(), maxBandwidth, yBase) - 4, 8, 8);
            previous = p;
        }
        int index = 1;
        double listY = yBase + 44;
        for (Map.Entry<Long, String> mark : marks.entrySet()) {
            double x = x(mark.getKey(), minLog, maxLog, x0, x1);
            d.text("▼" + index, x, yBase - 4 - 12 * (index % 3), Drawing.SMALL, Drawing.LIMIT, 0);
            d.text(index + ": " + Units.bytes(mark.getKey()) + " (" + curve.levelOf(mark.getKey()) + ") — " + mark.getValue(),
                    x0, listY, Drawing.SMALL, Color.BLACK, -1);
            listY += LINE;
            index++;
        }
        d.save(file);
    }

    private static double log2(double bytes) {
        return Math.log(bytes) / Math.log(2);
    }

    private static double x(double bytes, double minLog, double maxLog, double x0, double x1) {
        return x0 + (log2(bytes) - minLog) / (maxLog - minLog) * (x1 - x0);
    }

    private static double y(double bandwidth, double max, double yBase) {
        return yBase - PLOT * bandwidth / max;
    }
}
