package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.fail;

import dev.posenc.attention.AttentionOptions;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.PositionScheme;
import dev.posenc.bias.RelativeBias;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.TransformerXlPositions;

/**
 * Attention computed independently of the library's kernels, in double, from the schemes' public
 * accessors, together with the error bound a float32 implementation must meet at each output.
 *
 * <p>The schemes' visibility (Llama 4 chunks, StreamingLLM's gap), temperature τ(p), DeBERTa's terms and
 * the gpt-oss sink are computed here from their parameters; the biases of {@link RelativeBias} and
 * {@link FireBias} and the indices of Shaw and DeBERTa come from the schemes' own formulas, which their
 * conformance tests check.
 *
 * <p>Bound (u = 2⁻²⁴). For a visible key j let {@code A_j} be s·τ(p) times the sum of the absolute values of
 * every product in its dot products ({@code Σ|q_c k_c|}, plus {@code Σ|q_c aK_c|} for Shaw, plus
 * {@code Σ|q_c + u_c||k_c| + Σ|q_c + v_c||r_c|} for Transformer-XL, plus {@code Σ|q_c Kr_c| + Σ|k_c Qr_c|}
 * for DeBERTa) and {@code b_j} its additive bias (position scheme and dense). A float implementation
 * that forms q·s·τ, the sums over the head width d, the soft cap and the sum with the bias in float
 * errs on the logit by at most
 * <pre>  δ_j = γ_{d+6}·A_j + 4u·|b_j| + 4u·cap,   γ_n = n·u/(1 − n·u)</pre>
 * except that FIRE's bias, an MLP of width w that a kernel may evaluate in float, adds
 * {@code γ_{w+6}·(|B2_h| + Σ_k |W2_hk|·(|W1_k|·|x| + |B1_k|))}. A sink logit σ_h counts as one more
 * visible key in n below.
 * Softmax is invariant to a common shift, so each weight's relative error is at most
 * {@code e^{2Δ} − 1} with {@code Δ = max_j δ_j}, plus {@code 2u} per exponential, per rescale of a
 * streaming softmax (at most one per key) and per sum of n terms: in all
 * <pre>  |out_c − exact_c| ≤ expm1(2Δ + (4n + 2m + 16)·u) · Σ_j p_j·(|v_jc| + |aV_jc|) + 2⁻¹²⁶</pre>
 * with n the number of visible keys and m = 2k + 1 Shaw value embeddings (0 without them: a kernel may
 * sum the weights per distance index first). A double implementation meets
 * {@code u·|exact_c| + 2⁻⁴⁰·Σ_j p_j·(|v_jc| + |aV_jc|)}.
 */
public final class AttentionOracle {
    private static final double U = 0x1p-24;

    private final AttentionCase.Inputs in;
    private final double[] expected;
    private final double[] magnitude;
    private final double[] delta;
    private final int[] visible;
    private final boolean[] nanRow;
    private final double[] sinkShare;

    private AttentionOracle(AttentionCase.Inputs in) {
        this.in = in;
        AttentionOptions o = in.options();
        int rows = in.queries() * o.heads();
        expected = new double[rows * o.valueDim()];
        magnitude = new double[rows * o.valueDim()];
        delta = new double[rows];
        visible = new int[rows];
        nanRow = new boolean[rows];
        sinkShare = new double[rows];
        for (int i = 0; i < in.queries(); i++) {
            for (int h = 0; h < o.heads(); h++) {
                row(h, i);
            }
        }
    }

    /** The oracle of one call. */
    public static AttentionOracle of(AttentionCase.Inputs inputs) {
        return new AttentionOracle(inputs);
    }

    /** The exact output {@code [queries × heads × valueDim]}. */
    public double[] expected() {
        return expected.clone();
    }

    /** Whether key j is visible to query row i of head h (causal mask, window, scheme, dense mask). */
    public static boolean visible(AttentionCase.Inputs in, int h, int i, int j) {
        AttentionOptions o = in.options();
        long p = in.position(i);
        boolean causalOk = o.causal() == dev.posenc.attention.CausalMask.NONE || j <= p;
        boolean windowOk = !o.hasWindow() || (j >= p - o.window() && (o.causal() != dev.posenc.attention.CausalMask.NONE
                || j <= p + o.window()));
        boolean schemeOk = switch (o.scheme()) {
            case ChunkedAttention c -> Math.floorDiv(j, c.chunkSize()) == Math.floorDiv(p, c.chunkSize());
            case StreamingWindow w -> j < w.sinkTokens() || j >= p - w.window();
            case null, default -> true;
        };
        boolean denseOk = in.dense() == null || in.dense().bias(h, i, j) != Double.NEGATIVE_INFINITY;
        return causalOk && windowOk && schemeOk && denseOk;
    }

    /** Llama 4's τ(p) from the temperature's parameters (1 for other schemes and negative positions). */
    static double temperature(AttentionOptions o, int p) {
        return o.scheme() instanceof AttentionTemperature t && p >= 0
                ? Math.log(Math.floor((p + 1.0) / t.floorScale()) + 1) * t.attnScale() + 1 : 1;
    }

    /** σ_h, or −∞ without sinks. */
    static double sink(AttentionOptions o, int h) {
        return o.scheme() instanceof AttentionSinks sinks ? sinks.sink(h) : Double.NEGATIVE_INFINITY;
    }

    private void row(int h, int i) {
        AttentionOptions o = in.options();
        int d = o.headDim();
        int dv = o.valueDim();
        int g = h / o.group();
        int p = in.position(i);
        int keys = in.keys();
        double[] z = new double[keys];
        double[] a = new double[keys];
        double[] b = new double[keys];
        double[] biasError = new double[keys];
        double sink = sink(o, h);
        double tau = temperature(o, p);
        double max = sink;
        int r = i * o.heads() + h;
        for (int j = 0; j < keys; j++) {
            z[j] = Double.NEGATIVE_INFINITY;
            if (!visible(in, h, i, j)) {
                continue;
            }
            double[] dot = dot(o, h, g, i, p, j);
            double x = o.scale() * tau * dot[0];
            a[j] = o.scale() * tau * dot[1];
            if (o.softCap() > 0) {
                x = o.softCap() * Math.tanh(x / o.softCap());
            }
            PositionScheme bias = o.scheme();
            double schemeBias = bias instanceof RelativeBias || bias instanceof FireBias ? bias.bias(h, p, j) : 0;
            b[j] = schemeBias + (in.dense() == null ? 0 : in.dense().bias(h, i, j));
            // The bias's own rounding: 4u·|b|, plus FIRE's MLP bound.
            biasError[j] = 4 * U * Math.abs(b[j]) + (bias instanceof FireBias fire ? fireBound(fire, h, p, j) : 0);
            z[j] = x + b[j];
            nanRow[r] |= Double.isNaN(z[j]) || z[j] == Double.POSITIVE_INFINITY;
            max = Math.max(max, z[j]);
        }
        int out = r * dv;
        if (nanRow[r] || max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(expected, out, out + dv, nanRow[r] ? Double.NaN : 0.0);
            return;
        }
        double sum = sink == Double.NEGATIVE_INFINITY ? 0 : Math.exp(sink - max);
        sinkShare[r] = sum;
        visible[r] += sink == Double.NEGATIVE_INFINITY ? 0 : 1;
        double[] weights = new double[keys];
        for (int j = 0; j < keys; j++) {
            weights[j] = z[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(z[j] - max);
            sum += weights[j];
        }
        sinkShare[r] /= sum;
        for (int j = 0; j < keys; j++) {
            if (z[j] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double w = weights[j] / sum;
            visible[r]++;
            double dj = gamma(d + 6) * a[j] + biasError[j] + 4 * U * o.softCap();
            delta[r] = Math.max(delta[r], dj);
            for (int c = 0; c < dv; c++) {
                double value = in.v()[in.offset() + (j * o.kvHeads() + g) * dv + c];
                double embedding = valueEmbedding(o, p, j, c);
                expected[out + c] += w * (value + embedding);
                // An implementation may sum Σ p·v and Σ p·aV apart (the fused kernel does): bound by both parts.
                magnitude[out + c] += w * (Math.abs(value) + Math.abs(embedding));
            }
        }
    }

    /** {@code {Σ products, Σ |products|}} of every dot product in the logit, before the scale. */
    private double[] dot(AttentionOptions o, int h, int g, int i, int p, int j) {
        int d = o.headDim();
        int q = in.offset() + (i * o.heads() + h) * d;
        int k = in.offset() + (j * o.kvHeads() + g) * d;
        double sum = 0;
        double abs = 0;
        for (int c = 0; c < d; c++) {
            double qc = in.q()[q + c];
            double kc = in.k()[k + c];
            if (o.scheme() instanceof TransformerXlPositions xl) {
                double r = xl.relativeEmbedding(xl.distance(p, j), h, c);
                double content = qc + xl.contentBias(h, c);
                double position = qc + xl.positionBias(h, c);
                sum += content * kc + position * r;
                abs += Math.abs(content * kc) + Math.abs(position * r);
            } else {
                sum += qc * kc;
                abs += Math.abs(qc * kc);
            }
            if (o.scheme() instanceof ShawRelativePositions shaw) {
                double e = shaw.keyEmbedding(shaw.index(p, j), c);
                sum += qc * e;
                abs += Math.abs(qc * e);
            }
            if (o.scheme() instanceof DebertaPositions deberta) {
                int index = deberta.index(p, j);
                double c2p = qc * deberta.keyEmbedding(h, index, c);
                double p2c = kc * deberta.queryEmbedding(h, index, c);
                sum += c2p + p2c;
                abs += Math.abs(c2p) + Math.abs(p2c);
            }
        }
        return new double[] {sum, abs};
    }

    private static double valueEmbedding(AttentionOptions o, int p, int j, int c) {
        return o.scheme() instanceof ShawRelativePositions shaw ? shaw.valueEmbedding(shaw.index(p, j), c) : 0;
    }

    /** FIRE's MLP in float: {@code γ_{w+6}·(|B2_h| + Σ_k |W2_hk|·(|W1_k|·|x| + |B1_k|))} (see the class comment). */
    private static double fireBound(FireBias fire, int h, int p, int j) {
        double x = Math.abs(fire.normalisedDistance(p, j));
        double m = Math.abs(fire.outputBias(h));
        for (int k = 0; k < fire.width(); k++) {
            m += Math.abs(fire.outputWeight(h, k)) * (Math.abs(fire.inputWeight(k)) * x + Math.abs(fire.inputBias(k)));
        }
        return gamma(fire.width() + 6) * m;
    }

    /** The exact share of output row {@code r}'s softmax that the sink logit takes (0 without sinks). */
    public double sinkShare(int r) {
        return sinkShare[r];
    }

    private static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /** The relative bound {@code expm1(2Δ + (4n + 2m + 16)·u)} of output row {@code r = query·heads + head}. */
    public double rowBound(int r) {
        return rowBound(r, 1);
    }

    private double rowBound(int r, double logitFactor) {
        return Math.expm1(2 * logitFactor * delta[r] + (4.0 * visible[r] + 2.0 * valueTerms() + 16) * U);
    }

    /** Shaw's value embeddings may be summed per distance index: 2k + 1 more terms (0 otherwise). */
    private int valueTerms() {
        return in.options().scheme() instanceof ShawRelativePositions shaw && shaw.hasValues() ? 2 * shaw.clip() + 1 : 0;
    }

    /** Asserts that a float32 implementation's output meets the bound of the class comment. */
    public void assertFloatClose(String what, float[] out, int outOffset) {
        assertFloatClose(what, out, outOffset, 1);
    }

    /**
     * As {@link #assertFloatClose(String, float[], int)} with every logit bound δ_j multiplied by
     * {@code logitFactor}, for outputs of inputs that differ from this oracle's by rounding.
     */
    public void assertFloatClose(String what, float[] out, int outOffset, double logitFactor) {
        assertClose(what, out, outOffset, false, logitFactor);
    }

    /** Asserts that a double-accumulating implementation's output is within one rounding. */
    public void assertDoubleClose(String what, float[] out, int outOffset) {
        assertClose(what, out, outOffset, true, 1);
    }

    private void assertClose(String what, float[] out, int outOffset, boolean exact, double logitFactor) {
        int dv = in.options().valueDim();
        for (int e = 0; e < expected.length; e++) {
            int r = e / dv;
            double actual = out[outOffset + e];
            double bound = exact
                    ? U * Math.abs(expected[e]) + 0x1p-40 * magnitude[e] + Float.MIN_NORMAL
                    : (magnitude[e] == 0 ? 0 : rowBound(r, logitFactor) * magnitude[e]) + Float.MIN_NORMAL;
            if (nanRow[r] ? !Double.isNaN(actual) : !(Math.abs(actual - expected[e]) <= bound)) {
                int row = r / in.options().heads();
                fail(what + ": out[query " + row + ", head " + r % in.options().heads() + ", " + e % dv + "] = " + actual
                        + " but expected " + expected[e] + " (error " + Math.abs(actual - expected[e]) + " > bound " + bound
                        + "; position " + in.position(row) + ", " + visible[r] + " visible keys, logit bound " + delta[r] + ")");
            }
        }
    }
}
