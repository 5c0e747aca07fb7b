package dev.posenc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicationTest {
    static final String README = "# x\n\n## Performance\n\nHand-written intro.\n\n" + Publication.START + "\nold table\n"
            + Publication.END + "\n\nHand-written notes.\n";

    @Test
    void onlyTheGeneratedPartOfTheReadmeChanges() {
        String spliced = Publication.splice(README, "new table\n");
        assertEquals("# x\n\n## Performance\n\nHand-written intro.\n\n" + Publication.START + "\nnew table\n" + Publication.END
                + "\n\nHand-written notes.\n", spliced);
        assertEquals(spliced, Publication.splice(spliced, "new table"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Publication.splice("# no markers", "t"))
                .getMessage().contains(Publication.START));
    }

    @Test
    void publishingCopiesEveryReportFile(@TempDir Path dir) throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        for (String file : Publication.FILES) {
            Files.writeString(results.resolve(file), file);
        }
        Path readme = Files.writeString(dir.resolve("README.md"), README);
        Publication.publish(results, dir.resolve("docs/performance"), readme, "generated");
        for (String file : Publication.FILES) {
            assertEquals(file, Files.readString(dir.resolve("docs/performance").resolve(file)));
        }
        assertTrue(Files.readString(readme).contains(Publication.START + "\ngenerated\n" + Publication.END));
    }
}
