package dev.posenc.bench.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HorizontalBarChart;
import org.knowm.xchart.style.Styler;

/**
 * The report's chart (XChart, drawn headless to PNG): per kernel row, the vector implementation's
 * speed-up over the reference, and the fraction of the machine limit each implementation reaches.
 */
final class ReportChart {
    private static final Color REFERENCE = new Color(0x9E, 0x9E, 0x9E);
    private static final Color VECTOR = new Color(0x1F, 0x77, 0xB4);
    private static final int WIDTH = 1200;

    private ReportChart() {}

    /** Writes {@code file} (PNG). */
    static void write(List<KernelRow> rows, Machine machine, Path file) throws IOException {
        List<String> kernels = new ArrayList<>();
        List<String> kernelsAndLimits = new ArrayList<>();
        List<Double> speedups = new ArrayList<>();
        List<Double> referencePercent = new ArrayList<>();
        List<Double> vectorPercent = new ArrayList<>();
        for (KernelRow row : rows) {
            kernels.add(row.kernel() + " " + row.shape());
            kernelsAndLimits.add(row.kernel() + " " + row.shape() + " [" + row.limit().name() + "]");
            speedups.add(row.speedup().orElse(0));
            referencePercent.add(row.reference().map(s -> 100 * s.fractionOf(row.limit())).orElse(0.0));
            vectorPercent.add(row.vector().map(s -> 100 * s.fractionOf(row.limit())).orElse(0.0));
        }
        int height = 150 + 44 * rows.size();

        HorizontalBarChart speedup = chart("Vector speed-up over the scalar reference — " + machine.oneLine(),
                "vector ÷ reference (×)", height);
        speedup.addSeries("vector ÷ reference", speedups, kernels).setFillColor(VECTOR);
        speedup.getStyler().setLegendVisible(false);

        HorizontalBarChart fraction = chart("Fraction of this machine's limit reached (FMA peak or memory bandwidth)",
                "% of limit", height);
        fraction.addSeries("reference", referencePercent, kernelsAndLimits).setFillColor(REFERENCE);
        fraction.addSeries("vector", vectorPercent, kernelsAndLimits).setFillColor(VECTOR);

        BitmapEncoder.saveBitmap(List.of(speedup, fraction), 2, 1, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static HorizontalBarChart chart(String title, String valueAxis, int height) {
        HorizontalBarChart chart = new HorizontalBarChart(WIDTH, height);
        chart.setTitle(title);
        chart.setXAxisTitle(valueAxis);
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        // The category axis of a horizontal bar chart takes the X hint: below the row pitch, so every row is labelled.
        styler.setXAxisTickMarkSpacingHint(36);
        styler.setLabelsVisible(true);
        styler.setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setXAxisDecimalPattern("#,##0.#");
        styler.setXAxisMin(0.0);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return chart;
    }
}
