package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bench.AccessPattern;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportOptionsTest {
    static final List<KernelEntry> CATALOG = List.of(
            KernelEntry.of("softmax", Object.class, Cost.memory(AccessPattern.OUT_OF_PLACE)),
            KernelEntry.of("rope", Object.class, Cost.memory(AccessPattern.IN_PLACE)),
            KernelEntry.of("attention", Object.class, Cost.flops(1)));

    @Test
    void theDefaultIsTheQuickProfileOfEveryKernelIntoADatedResultsFolder() {
        ReportOptions options = ReportOptions.parse();
        assertEquals(Profile.QUICK, options.profile());
        assertEquals(CATALOG, options.select(CATALOG));
        assertEquals(Path.of("results"), options.out().getParent());
        assertTrue(options.out().getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d"));
    }

    @Test
    void optionsSelectTheProfileKernelsAndFolder() {
        ReportOptions options = ReportOptions.parse("--full", "--kernels", "rope|att", "--out", "here");
        assertEquals(Profile.FULL, options.profile());
        assertEquals(List.of(CATALOG.get(1), CATALOG.get(2)), options.select(CATALOG));
        assertEquals(Path.of("here"), options.out());
        assertTrue(!options.publish() && ReportOptions.parse("--publish").publish());
    }

    @Test
    void mistakesAreExplained() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportOptions.parse("--fast"))
                .getMessage().contains("--fast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportOptions.parse("--kernels"))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportOptions.parse("--kernels", "("))
                .getMessage().contains("not a regular expression"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportOptions.parse("--kernels", "nope").select(CATALOG))
                .getMessage().contains("[softmax, rope, attention]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReportOptions.parse("--publish", "--kernels", "rope"))
                .getMessage().contains("without --kernels"));
    }
}
