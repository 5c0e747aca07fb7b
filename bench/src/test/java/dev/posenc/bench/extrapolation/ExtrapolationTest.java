package dev.posenc.bench.extrapolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke run of the extrapolation tool at small lengths, and the facts its page rests on. */
class ExtrapolationTest {

    @Test
    void writesTheTablesAndPlots(@TempDir Path dir) throws Exception {
        Extrapolation.run(dir, 2048, 2);
        for (String file : new String[] {"extrapolation.md", "entropy.png", "decay.png", "angles.png"}) {
            assertTrue(Files.size(dir.resolve(file)) > 0, file);
        }
        String md = Files.readString(dir.resolve("extrapolation.md"));
        for (String row : new String[] {"| NoPE |", "| RoPE θ = 10⁴ |", "| xPos (γ = 512) |", "| ALiBi m = 1/2 |",
                "RoPE θ = 10⁴, YaRN ×32"}) {
            assertTrue(md.contains(row), row);
        }
    }

    @Test
    void entropyOfEqualLogitsIsLnN() {
        double[] s = new double[1000];
        assertEquals(Math.log(1000), Measures.entropy(s, 1000), 1e-12);
        s[0] = 1000;
        assertEquals(0, Measures.entropy(s, 1000), 1e-12);
    }

    @Test
    void aliBiEntropyStopsGrowingWhileNopeGrowsByLn2PerDoubling() {
        List<Measures.Curve> curves = Measures.entropy(List.of(512, 1024, 2048), 4);
        Measures.Curve nope = curves.get(0);
        Measures.Curve alibi = curves.stream().filter(c -> c.name().equals("ALiBi m = 1/2")).findFirst().orElseThrow();
        // NoPE: softmax of ~N(0, 1) logits over L keys: entropy ≈ ln L − 1/2, so +ln 2 per doubling (± sampling).
        assertEquals(Math.log(2), (nope.y()[2] - nope.y()[0]) / 2, 0.05);
        // ALiBi m = 1/2: keys beyond ~30 tokens weigh < e^−15; the entropy is the same at every length.
        assertEquals(alibi.y()[0], alibi.y()[2], 0.3);
    }
}
