package dev.posenc.bench;

import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.CausalMask;
import dev.posenc.bench.plain.PlainAttention;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.PositionScheme;
import dev.posenc.bias.RelativeBias;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.bias.TransformerXlPositions;
import java.util.SplittableRandom;

/**
 * The position schemes the attention benchmarks compare: posenc's options, causal bottom-right with the
 * default scale 1/√d for every scheme (T5's own scale is 1; one scale keeps the logits' range equal
 * across schemes; DeBERTa's 1/√(3d) is its own), with the models' own settings where they have them:
 * <ul>
 *   <li>{@code none}, {@code alibi}, {@code t5} (32 causal buckets), {@code kerple} (r1, r2 in (0, 2]):
 *       a bias by distance, the plain baseline's table;
 *   <li>{@code sinks} (gpt-oss), {@code streaming} (StreamingLLM, 4 sink tokens and 1020 recent keys),
 *       {@code chunked} (Llama 4's local chunks, of 1024 here: 8192 would cover the benchmarks' keys),
 *       {@code temperature} (Llama 4's NoPE layers: attn_scale 0.1, floor_scale 1024 here like the chunks:
 *       Llama 4's 8192 leaves τ = 1 below position 8191, every query of a 4096-key benchmark), {@code deberta}
 *       (DeBERTa-v3: 256 buckets, 512 relative positions), {@code fire} (FIRE: width 32, c = 0.1, L = 512,
 *       ε = 1e−6), {@code shaw} (Shaw et al.: clip 16, key and value embeddings, the paper's form), {@code xl}
 *       (Transformer-XL: u, v and r_δ, clamp_len 1000): for the plain baseline, {@link PlainAttention.Terms} that
 *       call the scheme's formula (Shaw's value embeddings too).
 * </ul>
 * No report target or guard uses {@code shaw} or {@code xl}; the full profile's prefill rows list them.
 */
final class Schemes {
    /** Every scheme name. */
    static final String[] NAMES = {"none", "alibi", "t5", "sinks", "streaming", "chunked", "temperature", "deberta", "kerple",
            "fire", "shaw", "xl"};

    /** Shaw's clipping distance k. */
    private static final int SHAW_CLIP = 16;
    /** The largest |aV| of Shaw's value embeddings. */
    static final double SHAW_VALUES = 0.5;
    /** Transformer-XL's clamp_len: the authors' WikiText-103 evaluation of the large model. */
    private static final int XL_CLAMP = 1000;

    private Schemes() {}

    static AttentionOptions options(String scheme, int heads, int kvHeads, int headDim) {
        AttentionOptions options = AttentionOptions.of(heads, kvHeads, headDim).withCausal(CausalMask.BOTTOM_RIGHT);
        SplittableRandom random = new SplittableRandom(7);
        return switch (scheme) {
            case "none" -> options;
            case "alibi" -> options.withScheme(AlibiBias.of(heads));
            case "t5" -> options.withScheme(T5RelativeBias.of(T5Buckets.of(false), heads, uniform(random, heads * 32, 2), 0));
            case "sinks" -> options.withScheme(AttentionSinks.of(uniform(random, heads, 2), 0, heads));
            case "streaming" -> options.withScheme(StreamingWindow.of(4, 1020));
            case "chunked" -> options.withScheme(ChunkedAttention.of(1024));
            case "temperature" -> options.withScheme(AttentionTemperature.of(1024, 0.1));
            case "deberta" -> {
                int size = heads * 2 * 256 * headDim;
                yield options.withScale(1 / Math.sqrt(3.0 * headDim)).withScheme(DebertaPositions.of(heads, headDim, 256, 512,
                        uniform(random, size, 1), 0, uniform(random, size, 1), 0));
            }
            case "kerple" -> options.withScheme(KerpleBias.of(positive(random, heads), positive(random, heads)));
            case "fire" -> options.withScheme(FireBias.of(0.1, 512, 1e-6, uniform(random, 32, 2), uniform(random, 32, 1),
                    uniform(random, heads * 32, 1), uniform(random, heads, 1)));
            case "shaw" -> {
                int rows = 2 * SHAW_CLIP + 1;
                yield options.withScheme(ShawRelativePositions.of(SHAW_CLIP, headDim, uniform(random, rows * headDim, 1), 0, headDim,
                        uniform(random, rows * headDim, SHAW_VALUES), 0));
            }
            case "xl" -> {
                int width = heads * headDim;
                yield options.withScheme(TransformerXlPositions.of(heads, headDim, uniform(random, width, 0.5), 0,
                        uniform(random, width, 0.5), 0, uniform(random, (XL_CLAMP + 1) * width, 1), 0, XL_CLAMP));
            }
            default -> throw new IllegalArgumentException("scheme must be one of " + String.join(", ", NAMES) + ", was " + scheme);
        };
    }

    private static float[] uniform(SplittableRandom random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static float[] positive(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (0.01 + random.nextDouble() * 2);
        }
        return a;
    }

    /**
     * The bias of {@code options} as the plain baseline reads it, {@code [heads × (2·keys − 1)]} by
     * distance {@code j − i} from {@code −(keys − 1)}, or null without a bias.
     */
    static float[] biasByDistance(AttentionOptions options, int keys) {
        if (!(options.scheme() instanceof RelativeBias bias)) {
            return null;
        }
        int distances = 2 * keys - 1;
        float[] table = new float[options.heads() * distances];
        for (int h = 0; h < options.heads(); h++) {
            for (int d = -(keys - 1); d < keys; d++) {
                int query = Math.max(0, -d);
                table[h * distances + d + keys - 1] = (float) bias.bias(h, query, query + d);
            }
        }
        return table;
    }

    /** The plain baseline's terms of a scheme that is not a bias by distance: its formula, per call. */
    static PlainAttention.Terms terms(AttentionOptions options) {
        PositionScheme scheme = options.scheme();
        if (scheme == null || scheme instanceof RelativeBias) {
            return null;
        }
        double ownScale = options.scale() * Math.sqrt(options.headDim());
        return new PlainAttention.Terms() {
            @Override
            public float queryScale(int position) {
                return (float) (ownScale * scheme.queryScale(position));
            }

            @Override
            public int firstKey(int position) {
                return scheme.firstVisibleKey(position);
            }

            @Override
            public float sink(int head) {
                return (float) scheme.sinkLogit(head);
            }

            @Override
            public boolean hasValues() {
                return scheme.hasValueTerms();
            }

            @Override
            public float value(int head, int position, int key, int column) {
                return (float) scheme.valueTerm(head, position, key, column);
            }

            @Override
            public float logit(int head, int position, int key, float[] q, int qi, float[] k, int kj, float scale) {
                double b = scheme.bias(head, position, key);
                return b == Double.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY
                        : (float) (scale * scheme.logitTerm(head, position, key, q, qi, k, kj) + b);
            }
        };
    }

    /** The keys a bottom-right causal query at {@code position} sees under the options' scheme. */
    static int visibleKeys(AttentionOptions options, int position) {
        return switch (options.scheme()) {
            case ChunkedAttention c -> position - c.firstVisibleKey(position) + 1;
            case StreamingWindow s -> {
                int windowStart = Math.max(0, position - s.window());
                yield Math.min(s.sinkTokens(), windowStart) + position - windowStart + 1;
            }
            case null, default -> position + 1;
        };
    }
}
