package dev.posenc.bench.extrapolation;

import java.util.List;
import java.util.Locale;

/** The markdown tables of the measurement. */
final class Tables {
    private Tables() {}

    static String markdown(List<Integer> lengths, int queries, List<Measures.Curve> entropy, List<Measures.Curve> decay,
                           List<Measures.AngleRow> angles, double seconds) {
        StringBuilder s = new StringBuilder();
        s.append("# Extrapolation measurement (written by `dev.posenc.bench.extrapolation.Extrapolation`)\n\n");
        s.append(String.format(Locale.ROOT, "d = %d, %d random queries, lengths %d … %d, %.1f s on this machine.%n%n",
                Measures.D, queries, lengths.get(0), lengths.get(lengths.size() - 1), seconds));

        s.append("## Attention entropy of the last query (nats; ln L = uniform attention)\n\n| encoding |");
        lengths.forEach(l -> s.append(' ').append(length(l)).append(" |"));
        s.append(" growth per doubling |\n|---|");
        lengths.forEach(l -> s.append("---:|"));
        s.append("---:|\n| ln L |");
        lengths.forEach(l -> s.append(String.format(Locale.ROOT, " %.2f |", Math.log(l))));
        s.append(String.format(Locale.ROOT, " %.3f |%n", Math.log(2)));
        for (Measures.Curve c : entropy) {
            s.append("| ").append(c.name()).append(" |");
            for (double v : c.y()) {
                s.append(String.format(Locale.ROOT, " %.2f |", v));
            }
            double[] y = c.y();
            double perDoubling = y.length > 1 ? (y[y.length - 1] - y[0]) / (y.length - 1) : 0;
            s.append(String.format(Locale.ROOT, " %.3f |%n", perDoubling));
        }

        s.append("\n## Expected score of an identical key Δ tokens away (÷ value at Δ = 0)\n\n| encoding |");
        int[] shown = {1, 16, 256, 4096, 32768, 131071};
        for (int delta : shown) {
            s.append(" Δ = ").append(length(delta)).append(" |");
        }
        s.append(" first Δ below 0.1 |\n|---|");
        for (int ignored : shown) {
            s.append("---:|");
        }
        s.append("---:|\n");
        for (Measures.Curve c : decay) {
            s.append("| ").append(c.name()).append(" |");
            for (int delta : shown) {
                s.append(String.format(Locale.ROOT, " %.3f |", at(c, delta)));
            }
            double below = Double.NaN;
            for (int i = 0; i < c.x().length; i++) {
                if (c.y()[i] < 0.1) {
                    below = c.x()[i];
                    break;
                }
            }
            s.append(Double.isNaN(below) ? " — |\n" : " " + length((int) below) + " |\n");
        }

        s.append("\n## RoPE angles beyond training (d = 128, θ = 10⁴, trained on ").append(Measures.TRAINED)
                .append(" tokens, factor ").append((int) Measures.FACTOR).append(")\n\n");
        s.append("A pair's angles are *unseen* when at L − 1 it has turned further than at 4095 and had not completed a turn ")
                .append("by then.\n\n| schedule | L | lowest frequency's angle (rad) | trained | unseen pairs of 64 |")
                .append(" largest unseen excess (rad) |\n|---|---:|---:|---:|---:|---:|\n");
        for (Measures.AngleRow r : angles) {
            if (r.length() != Measures.TRAINED && r.length() != 2 * Measures.TRAINED && r.length() != 8 * Measures.TRAINED
                    && r.length() != 32 * Measures.TRAINED) {
                continue;   // the plot shows every length
            }
            s.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %d | %.3f |%n", r.schedule(), length(r.length()),
                    r.lowestAngle(), r.trainedLowestAngle(), r.unseenPairs(), r.largestExcess()));
        }
        return s.toString();
    }

    /** The curve's value at the grid point nearest {@code delta}. */
    private static double at(Measures.Curve c, int delta) {
        int best = 0;
        for (int i = 1; i < c.x().length; i++) {
            if (Math.abs(c.x()[i] - delta) < Math.abs(c.x()[best] - delta)) {
                best = i;
            }
        }
        return c.y()[best];
    }

    private static String length(int n) {
        return n >= 1024 && n % 1024 == 0 ? n / 1024 + "k" : Integer.toString(n);
    }
}
