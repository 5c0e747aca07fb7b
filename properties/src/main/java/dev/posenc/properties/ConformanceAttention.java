package dev.posenc.properties;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.PositionScheme;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.util.ArrayList;
import java.util.List;

/**
 * One case of {@code attention.json} (or an ALiBi probability case of {@code alibi.json}) turned into
 * attention calls: its tensors transposed from the file's {@code [heads, seq, dim]} to the library's
 * {@code [seq, heads, dim]} (and rotated by RoPE first where the case says so), and every way the
 * library can express its mask and bias (causal mask
 * with explicit and with default positions, a dense mask, the ALiBi or T5 scheme, the dense bias).
 * Each variant must reproduce {@code out} (tolerance {@code 1e−6·max(1, max|v|)}) and, through a
 * one-hot V whose output is the probability matrix, {@code probs} (tolerance 1e−6). Fully masked rows
 * follow the library's "safe" convention ({@code out_safe}, {@code probs_safe}).
 */
final class ConformanceAttention {
    private record Variant(String name, AttentionOptions options, Positions positions, DenseBias dense) {}

    private final String name;
    private final int heads;
    private final int kvHeads;
    private final int queries;
    private final int keys;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final double[] out;
    private final double[] probs;
    private final List<Variant> variants = new ArrayList<>();

    private ConformanceAttention(String name, int heads, int kvHeads, int queries, int keys, float[] q, float[] k,
                                 float[] v, double[] out, double[] probs) {
        this.name = name;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.queries = queries;
        this.keys = keys;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.probs = probs;
    }

    static ConformanceAttention of(ConformanceCase c) {
        int heads = c.intParam("num_q_heads");
        int kvHeads = c.intParam("num_kv_heads");
        int queries = c.intParam("q_len");
        int keys = c.intParam("k_len");
        int d = c.intParam("head_dim");
        int dv = c.intParam("v_dim");
        String out = c.has("expected.out_safe") ? "expected.out_safe" : "expected.out";
        String probs = c.has("expected.probs_safe") ? "expected.probs_safe" : "expected.probs";
        float[] q = toSequenceFirst(c.floats("inputs.q"), heads, queries, d);
        float[] k = toSequenceFirst(c.floats("inputs.k"), kvHeads, keys, d);
        int[] positions = c.has("inputs.query_positions") ? c.ints("inputs.query_positions") : null;
        if (c.has("params.rope_theta")) {
            // RoPE first (HF rotate_half; queries and keys both at the case's positions, e.g. 3 … 8), with
            // the library's scalar reference RoPE: only the attention kernel is under test here. The
            // attention that follows is causal over the keys' indices 0 … keys − 1.
            RotaryEmbedding rope = RotaryEmbedding.of(d, c.param("rope_theta"), RopeLayout.HALF_SPLIT);
            Kernels.reference().rope().rotate(rope, Positions.of(positions), heads, q, 0);
            Kernels.reference().rope().rotate(rope, Positions.of(positions), kvHeads, k, 0);
            positions = java.util.stream.IntStream.range(keys - queries, keys).toArray();
        }
        ConformanceAttention a = new ConformanceAttention(c.toString(), heads, kvHeads, queries, keys, q, k,
                toSequenceFirst(c.floats("inputs.v"), kvHeads, keys, dv), toSequenceFirst(c.doubles(out), heads, queries, dv),
                toSequenceFirst(c.doubles(probs), heads, queries, keys));
        AttentionOptions base = AttentionOptions.of(heads, kvHeads, d).withValueDim(dv).withScale(c.param("scale"));
        boolean[] allowed = c.has("inputs.allowed") ? booleans(c.ints("inputs.allowed")) : null;
        boolean causal = positions != null && isCausal(allowed, positions, keys);
        PositionScheme scheme = scheme(c, heads);
        // A case with a bias is checked with the scheme that makes it (and, below, with the bias itself).
        List<AttentionOptions> options = List.of(c.has("inputs.bias") ? base.withScheme(scheme) : base);
        for (AttentionOptions o : options) {
            String what = o.scheme() == null ? "" : " with " + o.scheme();
            if (causal) {
                a.variants.add(new Variant("causal, explicit positions" + what, o.withCausal(CausalMask.TOP_LEFT),
                        Positions.of(positions), null));
                if (positions[0] == keys - queries) {
                    a.variants.add(new Variant("causal bottom-right" + what, o.withCausal(CausalMask.BOTTOM_RIGHT), null, null));
                }
            } else if (allowed != null) {
                a.variants.add(new Variant("dense mask" + what, o, positions == null ? null : Positions.of(positions),
                        DenseBias.mask(allowed, 0, 1, queries, keys)));
            } else {
                a.variants.add(new Variant("unmasked" + what, o, positions == null ? null : Positions.of(positions), null));
            }
        }
        if (c.has("inputs.bias")) {
            float[] bias = c.floats("inputs.bias");
            for (int i = 0; i < bias.length; i++) {
                if (allowed != null && !allowed[i % (queries * keys)]) {
                    bias[i] = Float.NEGATIVE_INFINITY;
                }
            }
            a.variants.add(new Variant("dense additive bias", base, null, DenseBias.additive(bias, 0, heads, queries, keys)));
        }
        return a;
    }

    /** The scheme whose bias the case's {@code inputs.bias} holds, or {@code null}. */
    private static PositionScheme scheme(ConformanceCase c, int heads) {
        if (c.has("inputs.t5_table")) {
            T5Buckets buckets = T5Buckets.of(c.name().contains("bidirectional"), c.intParam("t5_num_buckets"),
                    c.intParam("t5_max_distance"));
            return T5RelativeBias.of(buckets, heads, c.floats("inputs.t5_table"), 0);
        }
        return c.name().contains("alibi") ? AlibiBias.of(heads) : null;
    }

    /**
     * One case of {@code attention_modern.json} (gpt-oss sinks, StreamingLLM, Llama 4 chunks and
     * temperature, KERPLE), or {@code null} for a temperature case whose query positions lie past its keys
     * (there only τ is checked, {@link #temperatureScales}). Checked as the case's scheme with explicit
     * positions under a causal mask (and bottom-right where that is the same), with the file's window
     * where it has one; the temperature cases allow every key (the positions only set τ), so no mask.
     */
    static ConformanceAttention modern(ConformanceCase c) {
        ConformanceAttention a = fromShapes(c);
        int[] positions = c.ints("inputs.query_positions");
        if (positions[positions.length - 1] >= a.keys) {
            return null;
        }
        int d = c.shape("inputs.q")[2];
        boolean unmasked = c.kind().equals("temperature");
        AttentionOptions base = AttentionOptions.of(a.heads, a.kvHeads, d).withValueDim(c.shape("inputs.v")[2])
                .withScale(c.param("scale")).withCausal(unmasked ? CausalMask.NONE : CausalMask.TOP_LEFT);
        for (int allowed : c.ints("inputs.allowed")) {
            if (unmasked && allowed == 0) {
                throw new IllegalStateException(c + ": a temperature case with a mask");
            }
        }
        AttentionOptions options = switch (c.kind()) {
            case "sinks" -> {
                AttentionOptions sinks = base.withScheme(AttentionSinks.of(c.floats("inputs.sinks"), 0, a.heads));
                // gpt-oss's sliding_window W is t > p − W: window W − 1 here.
                yield c.node("params.sliding_window").isNull() ? sinks : sinks.withWindow(c.intParam("sliding_window") - 1);
            }
            // The file's window counts the query (p − t < window): StreamingWindow's w is window − 1.
            case "streaming_sinks" -> base.withScheme(StreamingWindow.of(c.intParam("sink_tokens"), c.intParam("window") - 1));
            case "chunked" -> base.withScheme(ChunkedAttention.of(c.intParam("attention_chunk_size")));
            case "temperature" -> base.withScheme(AttentionTemperature.of(c.param("floor_scale"), c.param("attn_scale")));
            case "kerple_log" -> base.withScheme(KerpleBias.of(c.floats("inputs.r1"), c.floats("inputs.r2")));
            default -> throw new IllegalArgumentException(c + ": unknown kind " + c.kind());
        };
        a.variants.add(new Variant("explicit positions with " + options.scheme(), options, Positions.of(positions), null));
        if (!unmasked && positions[0] == a.keys - a.queries) {
            a.variants.add(new Variant("bottom-right with " + options.scheme(), options.withCausal(CausalMask.BOTTOM_RIGHT),
                    null, null));
        }
        return a;
    }

    /**
     * A {@code deberta.json} attention case: {@link DebertaPositions} from the file's projected relative
     * embeddings, unmasked, default positions, the file's scale 1/√(3d).
     */
    static ConformanceAttention deberta(ConformanceCase c) {
        ConformanceAttention a = fromShapes(c);
        a.variants.add(new Variant("DeBERTa " + c.name(), AttentionOptions.of(a.heads, c.intParam("head_dim"))
                .withScale(c.param("scale")).withScheme(debertaPositions(c)), null, null));
        return a;
    }

    /** The case's {@link DebertaPositions}, its tables {@code [H, 2·span, D]} as the file holds them. */
    static DebertaPositions debertaPositions(ConformanceCase c) {
        return DebertaPositions.of(c.intParam("num_heads"), c.intParam("head_dim"), c.intParam("position_buckets"),
                c.intParam("max_relative_positions"), c.floats("inputs.pos_key"), 0, c.floats("inputs.pos_query"), 0);
    }

    /** A temperature case's τ(p) against {@code expected.attn_scales}, and q·τ against {@code q_scaled}. */
    static void temperatureScales(ConformanceCase c) {
        AttentionTemperature t = AttentionTemperature.of(c.param("floor_scale"), c.param("attn_scale"));
        int[] positions = c.ints("inputs.query_positions");
        double[] scales = c.doubles("expected.attn_scales");
        float[] q = c.floats("inputs.q");
        double[] scaled = c.doubles("expected.q_scaled");
        int d = c.shape("inputs.q")[2];
        for (int i = 0; i < positions.length; i++) {
            // The same formula in double: a few ulps.
            Approx.assertClose(c + " τ(" + positions[i] + ")", t.queryScale(positions[i]), scales[i], 4 * Math.ulp(scales[i]));
        }
        for (int e = 0; e < q.length; e++) {
            int p = positions[e / d % positions.length];
            Approx.assertClose(c + " q_scaled[" + e + "]", q[e] * t.queryScale(p), scaled[e], 4 * Math.ulp(scaled[e]));
        }
    }

    /** The tensors of a case whose q, k, v are {@code [heads, seq, dim]}, with {@code expected.out} and {@code probs}. */
    private static ConformanceAttention fromShapes(ConformanceCase c) {
        int[] q = c.shape("inputs.q");
        int[] k = c.shape("inputs.k");
        int[] v = c.shape("inputs.v");
        return new ConformanceAttention(c.toString(), q[0], k[0], q[1], k[1], toSequenceFirst(c.floats("inputs.q"), q[0], q[1], q[2]),
                toSequenceFirst(c.floats("inputs.k"), k[0], k[1], k[2]), toSequenceFirst(c.floats("inputs.v"), v[0], v[1], v[2]),
                toSequenceFirst(c.doubles("expected.out"), q[0], q[1], v[2]),
                toSequenceFirst(c.doubles("expected.probs"), q[0], q[1], k[1]));
    }

    /**
     * ALiBi's {@code probs = softmax(logits + m·(j − i))} under a causal mask, as attention: q is the row
     * of logits, k the identity (so {@code q·k_j = logit_j}), scale 1.
     */
    static ConformanceAttention alibiProbabilities(ConformanceCase c) {
        int heads = c.intParam("num_heads");
        int len = c.intParam("seq_len");
        float[] q = toSequenceFirst(c.floats("inputs.logits"), heads, len, len);
        float[] identity = new float[len * heads * len];
        for (int j = 0; j < len; j++) {
            for (int h = 0; h < heads; h++) {
                identity[(j * heads + h) * len + j] = 1f;
            }
        }
        double[] probs = toSequenceFirst(c.doubles("expected.probs"), heads, len, len);
        ConformanceAttention a = new ConformanceAttention(c.toString(), heads, heads, len, len, q, identity,
                identity.clone(), probs, probs);
        a.variants.add(new Variant("ALiBi causal", AttentionOptions.of(heads, len).withScale(1.0)
                .withCausal(CausalMask.TOP_LEFT).withScheme(AlibiBias.of(heads)), null, null));
        return a;
    }

    void check(AttentionKernel kernel) {
        double maxV = 1;
        for (float x : v) {
            maxV = Math.max(maxV, Math.abs(x));
        }
        int dv = v.length / (keys * kvHeads);
        float[] oneHot = new float[keys * kvHeads * keys];
        for (int j = 0; j < keys; j++) {
            for (int g = 0; g < kvHeads; g++) {
                oneHot[(j * kvHeads + g) * keys + j] = 1f;
            }
        }
        for (Variant variant : variants) {
            float[] result = new float[queries * heads * dv];
            kernel.attend(variant.options(), queries, keys, variant.positions(), variant.dense(), q, 0, k, 0, v, 0,
                    result, 0, new AttentionWorkspace());
            Approx.assertClose(name + " out, " + variant.name(), result, 0, out, Approx.Bound.of(1e-6 * maxV, 0));
            float[] p = new float[queries * heads * keys];
            kernel.attend(variant.options().withValueDim(keys), queries, keys, variant.positions(), variant.dense(), q, 0,
                    k, 0, oneHot, 0, p, 0, new AttentionWorkspace());
            Approx.assertClose(name + " probs, " + variant.name(), p, 0, probs, Approx.Bound.of(1e-6, 0));
        }
    }

    private static boolean isCausal(boolean[] allowed, int[] positions, int keys) {
        for (int i = 0; i < positions.length; i++) {
            for (int j = 0; j < keys; j++) {
                if (allowed[i * keys + j] != (j <= positions[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean[] booleans(int[] bits) {
        boolean[] b = new boolean[bits.length];
        for (int i = 0; i < bits.length; i++) {
            b[i] = bits[i] != 0;
        }
        return b;
    }

    /** {@code [heads, seq, dim]} to {@code [seq, heads, dim]}. */
    static float[] toSequenceFirst(float[] x, int heads, int seq, int dim) {
        float[] y = new float[x.length];
        for (int h = 0; h < heads; h++) {
            for (int s = 0; s < seq; s++) {
                System.arraycopy(x, (h * seq + s) * dim, y, (s * heads + h) * dim, dim);
            }
        }
        return y;
    }

    private static double[] toSequenceFirst(double[] x, int heads, int seq, int dim) {
        double[] y = new double[x.length];
        for (int h = 0; h < heads; h++) {
            for (int s = 0; s < seq; s++) {
                System.arraycopy(x, (h * seq + s) * dim, y, (s * heads + h) * dim, dim);
            }
        }
        return y;
    }
}
