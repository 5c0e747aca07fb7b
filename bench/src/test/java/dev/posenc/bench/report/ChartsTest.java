package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.AccessPattern;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both charts draw headless from fake rows; the kernel chart has its 100% line. */
class ChartsTest {

    static List<KernelRow> rows(int n) {
        KernelEntry entry = KernelEntry.of("softmax", Object.class, Cost.memory(AccessPattern.OUT_OF_PLACE)).shape(p -> p.get("cols"));
        List<FakeMeasurement> measurements = new ArrayList<>();
        Map<Probe, Rate> probes = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> shape = Map.of("cols", String.valueOf(64 << (i % 12)));
            double elements = 512.0 * (64 << (i % 12));
            measurements.add(FakeMeasurement.of("softmax", "vector", shape, "elements", new Rate(1e9 * (1 + i % 5), 0.9e9 * (1 + i % 5), 1.1e9 * (1 + i % 5)), elements));
            measurements.add(FakeMeasurement.of("softmax", "plain", shape, "elements", Rate.of(0.3e9), elements));
            probes.put(Probe.memory(AccessPattern.OUT_OF_PLACE, Math.round(elements * 8)), Rate.of(40e9));
        }
        ProbeResults results = new ProbeResults(Rate.of(1e11), probes);
        return RowGroup.of(entry, List.copyOf(measurements)).stream().map(g -> KernelRow.of(g, results)).toList();
    }

    @Test
    void theKernelChartHasARowPerKernelAndARedHundredPercentLine(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path file = dir.resolve("chart.png");
        KernelChart.write(rows(12), "Test CPU", file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(KernelChart.WIDTH, image.getWidth());
        assertTrue(image.getHeight() >= 12 * 26, "a row each");
        long red = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                red += new Color(image.getRGB(x, y)).equals(Drawing.LIMIT) ? 1 : 0;
            }
        }
        assertTrue(red > 100, "the 100% line is drawn in the limit colour (" + red + " pixels)");
        Files.copy(file, Path.of("target", "chart-test.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theCurveChartMarksTheKernelsWorkingSets(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        BandwidthCurve curve = BandwidthCurveTest.curve(32 << 10, 1 << 20, 16 << 20,
                List.of(BandwidthCurveTest.cache(1, 48 << 10), BandwidthCurveTest.cache(2, 2 << 20)));
        Path file = dir.resolve("bandwidth.png");
        CurveChart.write(curve, rows(12), "Test CPU", file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(CurveChart.WIDTH, image.getWidth());
        Files.copy(file, Path.of("target", "bandwidth-test.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
