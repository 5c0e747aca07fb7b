package dev.posenc.bench.extrapolation;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The three plots (XChart, headless PNG), lengths and distances on a log axis. */
final class Charts {
    private Charts() {}

    static void write(List<Measures.Curve> entropy, List<Measures.Curve> decay, List<Measures.AngleRow> angles, Path out)
            throws IOException {
        XYChart e = chart("Attention entropy of the last query over L keys (random q, k; mean of the queries)",
                "sequence length L", "entropy (nats)");
        Measures.Curve first = entropy.get(0);
        double[] uniform = new double[first.x().length];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = Math.log(first.x()[i]);
        }
        plain(e.addSeries("ln L (uniform attention)", first.x(), uniform), Color.LIGHT_GRAY);
        entropy.forEach(c -> e.addSeries(c.name(), c.x(), c.y()));
        save(e, out.resolve("entropy.png"));

        XYChart d = chart("Expected score of a key equal to the query, Δ tokens away (÷ its value at Δ = 0)",
                "distance Δ", "E[q·R(Δ)q] / |q|²");
        d.getStyler().setYAxisMin(-0.3);
        decay.forEach(c -> d.addSeries(c.name(), c.x(), c.y()).setMarker(SeriesMarkers.NONE));
        save(d, out.resolve("decay.png"));

        XYChart a = chart("Angle turned by the lowest RoPE frequency at position L − 1 (d = 128, θ = 10⁴, trained on 4096)",
                "sequence length L", "radians");
        angles.stream().map(Measures.AngleRow::schedule).distinct().forEach(name -> {
            List<Measures.AngleRow> rows = angles.stream().filter(r -> r.schedule().equals(name)).toList();
            a.addSeries(name, rows.stream().mapToDouble(Measures.AngleRow::length).toArray(),
                    rows.stream().mapToDouble(Measures.AngleRow::lowestAngle).toArray());
        });
        double trained = angles.get(0).trainedLowestAngle();
        double[] lengths = angles.stream().filter(r -> r.schedule().equals(angles.get(0).schedule()))
                .mapToDouble(Measures.AngleRow::length).toArray();
        double[] line = new double[lengths.length];
        java.util.Arrays.fill(line, trained);
        plain(a.addSeries("largest angle seen in training", lengths, line), Color.GRAY);
        a.getStyler().setYAxisLogarithmic(true);
        save(a, out.resolve("angles.png"));
    }

    /** A reference line: grey, no markers. */
    private static void plain(XYSeries series, Color color) {
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChart(1000, 600);
        chart.setTitle(title);
        chart.setXAxisTitle(x);
        chart.setYAxisTitle(y);
        var styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        styler.setXAxisLogarithmic(true);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setMarkerSize(5);
        return chart;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
