package dev.posenc.bench.extrapolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measured look at the extrapolation claim (issue 10): what each position encoding of the library does
 * to attention over lengths 512 … 128k, with random queries and keys at a fixed norm, no trained weights.
 * It writes {@code extrapolation.md} (three tables) and {@code entropy.png}, {@code decay.png},
 * {@code angles.png} into the output folder; {@code docs/extrapolation.md} discusses them.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.posenc.bench.extrapolation.Extrapolation [--out DIR]
 *      [--max-length N] [--queries Q]</pre>
 * Defaults: {@code docs/extrapolation}, 131072, 16 (about half a minute on one core). Part of the bench
 * module, never of the published library jars.
 */
public final class Extrapolation {
    private Extrapolation() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of("docs/extrapolation");
        int maxLength = 131_072;
        int queries = 16;
        for (int a = 0; a < args.length; a += 2) {
            String value = a + 1 < args.length ? args[a + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[a] + " needs a value");
            }
            switch (args[a]) {
                case "--out" -> out = Path.of(value);
                case "--max-length" -> maxLength = Integer.parseInt(value);
                case "--queries" -> queries = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[a]
                        + " (expected --out DIR, --max-length N, --queries Q)");
            }
        }
        run(out, maxLength, queries);
    }

    /** Measures and writes everything for lengths 512 … {@code maxLength} (doubling) into {@code out}. */
    public static void run(Path out, int maxLength, int queries) throws IOException {
        if (maxLength < 512 || Integer.bitCount(maxLength) != 1) {
            throw new IllegalArgumentException("--max-length must be a power of two >= 512, was " + maxLength);
        }
        List<Integer> lengths = new ArrayList<>();
        for (int length = 512; length <= maxLength; length *= 2) {
            lengths.add(length);
        }
        long start = System.nanoTime();
        List<Measures.Curve> entropy = Measures.entropy(lengths, queries);
        List<Measures.Curve> decay = Measures.decay(maxLength);
        List<Measures.AngleRow> angles = Measures.angles(lengths);
        Files.createDirectories(out);
        Charts.write(entropy, decay, angles, out);
        Files.writeString(out.resolve("extrapolation.md"), Tables.markdown(lengths, queries, entropy, decay, angles,
                (System.nanoTime() - start) / 1e9));
        System.out.printf(Locale.ROOT, "wrote %s (%d lengths, %d queries, %.1f s)%n", out, lengths.size(), queries,
                (System.nanoTime() - start) / 1e9);
    }
}
