package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportChartTest {

    @Test
    void drawsOneBarPerRowHeadless(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<KernelRow> rows = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Limits.Limit limit = new Limits.Limit("L3 bandwidth", 100e9, Units.BYTES, 4 << 20, dev.posenc.bench.MemoryLevel.L3);
            rows.add(new KernelRow("kernel" + i, "512×" + (64 << (i % 6)), Units.ELEMENTS,
                    Optional.of(new KernelRow.Side(1e8, 8e8, OptionalDouble.of(0))),
                    Optional.of(new KernelRow.Side(1e8 * (1 + i), 8e8 * (1 + i), OptionalDouble.of(0))), limit));
        }
        Machine machine = new Machine("Test CPU", "2", "avx2", "L2 1 MiB", "1 GiB", "256-bit vectors (8 float lanes)",
                "JDK", "OS", "vector-256", "abc", "0.1", ZonedDateTime.now());
        Path file = dir.resolve("chart.png");
        ReportChart.write(rows, machine, file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(1200, image.getWidth());
        assertTrue(image.getHeight() > 2 * 24 * 40, "about 44 pixels per row in each of the two charts");
        Files.copy(file, Path.of("target", "chart-test.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
