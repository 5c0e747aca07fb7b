package dev.posenc.bench.extrapolation;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.bias.AlibiBias;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RopeScaling;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.Xpos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The three measurements, each computed with the library's own objects: rotations by its RoPE kernel, ALiBi
 * slopes from {@link AlibiBias}, frequencies from each {@link RopeScaling} schedule, xPos's {@code ζ} from
 * {@link Xpos}. Scores are {@code q·k/√d (+ bias)}, softmax and entropies in double.
 */
final class Measures {
    /** Head dimension of the entropy and decay measurements (the angle table uses 128, Llama's). */
    static final int D = 64;
    /** The context the angle table's model was trained on (Llama 2). */
    static final int TRAINED = 4096;
    /** The scaling factor of every schedule: 4096 → 131072. */
    static final double FACTOR = 32;

    private Measures() {}

    /** A named series. */
    record Curve(String name, double[] x, double[] y) {}

    /** One row of the angle table. */
    record AngleRow(String schedule, int length, double lowestAngle, double trainedLowestAngle, int unseenPairs,
                    double largestExcess) {}

    /**
     * The entropy (nats) of the last query's attention over all {@code L} keys, averaged over {@code queries}
     * random queries; q and k have independent N(0, 1) components scaled to norm √d.
     */
    static List<Curve> entropy(List<Integer> lengths, int queries) {
        int max = lengths.get(lengths.size() - 1);
        float[] keys = gaussianRows(new SplittableRandom(1), max);
        float[][] q = new float[queries][];
        SplittableRandom random = new SplittableRandom(2);
        for (int n = 0; n < queries; n++) {
            q[n] = gaussianRows(random, 1);
        }
        RotaryEmbedding text = RotaryEmbedding.of(D, 10_000, RopeLayout.HALF_SPLIT);
        List<Curve> curves = new ArrayList<>();
        curves.add(entropyCurve("NoPE", lengths, q, (query, length, scores) -> dots(query, keys, length, 1, scores)));
        for (RotaryEmbedding e : new RotaryEmbedding[] {text,
                text.withScaling(new RopeScaling.Linear(FACTOR), TRAINED),
                text.withScaling(RopeScaling.Yarn.of(FACTOR, TRAINED), (int) (TRAINED * FACTOR))}) {
            // The kernel scales q and k by af each (YaRN's temperature): the logits by af².
            float[] rotated = rotateKeys(e, keys, max);
            curves.add(entropyCurve(name(e), lengths, q, (query, length, scores) ->
                    dots(rotateQuery(e, query, length - 1), rotated, length, 1, scores)));
        }
        Xpos xpos = Xpos.of(D);
        float[] xposKeys = rotateKeys(xpos.embedding(), keys, max);
        double[][] decays = xposDecays(xpos, max);
        curves.add(entropyCurve("xPos (γ = 512)", lengths, q, (query, length, scores) ->
                xposScores(rotateQuery(xpos.embedding(), query, length - 1), xposKeys, length, decays, scores)));
        AlibiBias alibi = AlibiBias.of(8);
        for (int head : new int[] {0, 3, 7}) {
            double m = alibi.slope(head);
            curves.add(entropyCurve("ALiBi m = 1/" + Math.round(1 / m), lengths, q, (query, length, scores) -> {
                dots(query, keys, length, 1, scores);
                for (int j = 0; j < length; j++) {
                    scores[j] -= m * (length - 1 - j);
                }
            }));
        }
        return curves;
    }

    /** The normalised expected score of a key identical to the query at distance Δ (0 … {@code max}). */
    static List<Curve> decay(int max) {
        List<Double> grid = new ArrayList<>();
        for (double delta = 1; delta < max; delta *= 1.12) {
            if (grid.isEmpty() || Math.floor(delta) != grid.get(grid.size() - 1)) {
                grid.add(Math.floor(delta));
            }
        }
        grid.add((double) max - 1);
        double[] x = grid.stream().mapToDouble(Double::doubleValue).toArray();
        RotaryEmbedding text = RotaryEmbedding.of(D, 10_000, RopeLayout.HALF_SPLIT);
        List<Curve> curves = new ArrayList<>();
        for (RotaryEmbedding e : new RotaryEmbedding[] {text, RotaryEmbedding.of(D, 500_000, RopeLayout.HALF_SPLIT),
                text.withScaling(new RopeScaling.Linear(FACTOR), TRAINED),
                text.withScaling(new RopeScaling.Dynamic(FACTOR), TRAINED),
                text.withScaling(RopeScaling.Yarn.of(FACTOR, TRAINED), (int) (TRAINED * FACTOR))}) {
            double[] y = new double[x.length];
            for (int n = 0; n < x.length; n++) {
                // E_q[⟨R(Δ)q, R(0)q⟩]/|q|² = (2/d)·Σ_i cos(Δ·θ_i) = the all-ones score / d; one call, so both rows
                // get the frequencies of this length (dynamic NTK).
                float[] ones = new float[2 * D];
                Arrays.fill(ones, 1f);
                kernel().rotate(e, Positions.of((int) x[n], 0), 1, ones, 0);
                double af = e.frequencies((int) x[n] + 1).attentionFactor();
                y[n] = dot(ones, 0, ones, D) / (D * af * af);
            }
            curves.add(new Curve(name(e), x, y));
        }
        Xpos xpos = Xpos.of(D);
        double[] y = new double[x.length];
        for (int n = 0; n < x.length; n++) {
            float[] query = new float[D];
            float[] key = new float[D];
            Arrays.fill(query, 1f);
            Arrays.fill(key, 1f);
            kernel().rotate(xpos.queries(), Positions.of((int) x[n]), 1, query, 0);
            kernel().rotate(xpos.keys(), Positions.of(0), 1, key, 0);
            y[n] = dot(query, 0, key, 0) / D;
        }
        curves.add(new Curve("xPos (γ = 512)", x, y));
        return curves;
    }

    /** How far each schedule turns the frequencies of a 128-dim head trained on 4096 tokens. */
    static List<AngleRow> angles(List<Integer> lengths) {
        RotaryEmbedding text = RotaryEmbedding.of(128, 10_000, RopeLayout.HALF_SPLIT);
        RopeFrequencies trained = text.frequencies();
        List<AngleRow> rows = new ArrayList<>();
        for (RotaryEmbedding e : new RotaryEmbedding[] {text, text.withScaling(new RopeScaling.Linear(FACTOR), TRAINED),
                text.withScaling(new RopeScaling.Dynamic(FACTOR), TRAINED),
                text.withScaling(RopeScaling.Yarn.of(FACTOR, TRAINED), (int) (TRAINED * FACTOR)),
                text.withScaling(new RopeScaling.Llama3(FACTOR, 1, 4, TRAINED), (int) (TRAINED * FACTOR))}) {
            for (int length : lengths) {
                RopeFrequencies f = e.frequencies(length);
                int last = f.pairs() - 1;
                int unseen = 0;
                double excess = 0;
                for (int i = 0; i < f.pairs(); i++) {
                    double seen = (TRAINED - 1) * trained.invFreq(i);
                    double reached = (length - 1) * f.invFreq(i);
                    if (seen < 2 * Math.PI && reached > seen) {
                        unseen++;
                        excess = Math.max(excess, reached - seen);
                    }
                }
                rows.add(new AngleRow(name(e), length, (length - 1) * f.invFreq(last), (TRAINED - 1) * trained.invFreq(last),
                        unseen, excess));
            }
        }
        return rows;
    }

    /** Fills {@code scores[0 … length)} for one query. */
    @FunctionalInterface
    private interface Scores {
        void of(float[] query, int length, double[] scores);
    }

    private static Curve entropyCurve(String name, List<Integer> lengths, float[][] queries, Scores scores) {
        double[] x = new double[lengths.size()];
        double[] y = new double[lengths.size()];
        double[] s = new double[lengths.get(lengths.size() - 1)];
        for (int l = 0; l < lengths.size(); l++) {
            int length = lengths.get(l);
            x[l] = length;
            for (float[] q : queries) {
                scores.of(q, length, s);
                y[l] += entropy(s, length) / queries.length;
            }
        }
        return new Curve(name, x, y);
    }

    /** The entropy of softmax(s[0 … n)), in nats. */
    static double entropy(double[] s, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        double weighted = 0;
        for (int j = 0; j < n; j++) {
            double z = s[j] - max;
            double e = Math.exp(z);
            sum += e;
            weighted += e * z;
        }
        return Math.log(sum) - weighted / sum;
    }

    /** {@code scores[j] = k·q_j·(q·k_j)/√d} for the first {@code length} keys. */
    private static void dots(float[] q, float[] keys, int length, double k, double[] scores) {
        for (int j = 0; j < length; j++) {
            scores[j] = k * dot(q, 0, keys, j * D) / Math.sqrt(D);
        }
    }

    /** xPos scores in its relative form: per pair, the rotated pair product times {@code ζ_i^(Δ/γ)}. */
    private static void xposScores(float[] q, float[] keys, int length, double[][] decays, double[] scores) {
        for (int j = 0; j < length; j++) {
            double[] z = decays[length - 1 - j];
            double s = 0;
            for (int i = 0; i < D / 2; i++) {
                s += z[i] * ((double) q[2 * i] * keys[j * D + 2 * i] + (double) q[2 * i + 1] * keys[j * D + 2 * i + 1]);
            }
            scores[j] = s / Math.sqrt(D);
        }
    }

    /** {@code ζ_i^(Δ/γ)} for every distance below {@code max}: the xPos scales of a query and a key Δ apart. */
    private static double[][] xposDecays(Xpos xpos, int max) {
        double[][] z = new double[max][D / 2];
        for (int delta = 0; delta < max; delta++) {
            for (int i = 0; i < D / 2; i++) {
                z[delta][i] = Math.pow(xpos.zeta(i), delta / xpos.scaleBase());
            }
        }
        return z;
    }

    /** The first {@code count} key rows rotated at positions 0 … count − 1. */
    private static float[] rotateKeys(RotaryEmbedding e, float[] keys, int count) {
        float[] out = new float[count * D];
        kernel().rotate(e, Positions.range(0, count), 1, keys, 0, out, 0);
        return out;
    }

    /** One query row rotated at {@code position}. */
    private static float[] rotateQuery(RotaryEmbedding e, float[] query, int position) {
        float[] out = new float[D];
        kernel().rotate(e, Positions.range(position, 1), 1, query, 0, out, 0);
        return out;
    }

    private static RopeKernel kernel() {
        return Kernels.get().rope();
    }

    private static double dot(float[] a, int aOffset, float[] b, int bOffset) {
        double s = 0;
        for (int c = 0; c < D; c++) {
            s += (double) a[aOffset + c] * b[bOffset + c];
        }
        return s;
    }

    /** {@code rows} rows of D independent N(0, 1) values, each scaled to norm √D. */
    private static float[] gaussianRows(SplittableRandom random, int rows) {
        float[] x = new float[rows * D];
        for (int r = 0; r < rows; r++) {
            double norm = 0;
            double[] g = new double[D];
            for (int c = 0; c < D; c++) {
                g[c] = random.nextGaussian();
                norm += g[c] * g[c];
            }
            for (int c = 0; c < D; c++) {
                x[r * D + c] = (float) (g[c] * Math.sqrt(D / norm));
            }
        }
        return x;
    }

    private static String name(RotaryEmbedding e) {
        String base = e.base() == 10_000 ? "θ = 10⁴" : "θ = " + (long) e.base();
        return switch (e.scaling()) {
            case RopeScaling.Linear l -> "RoPE " + base + ", PI ×" + (long) l.factor();
            case RopeScaling.Dynamic d -> "RoPE " + base + ", dynamic NTK ×" + (long) d.factor();
            case RopeScaling.Yarn y -> "RoPE " + base + ", YaRN ×" + (long) y.factor();
            case RopeScaling.Llama3 l -> "RoPE " + base + ", Llama 3 ×" + (long) l.factor();
            default -> "RoPE " + base;
        };
    }
}
