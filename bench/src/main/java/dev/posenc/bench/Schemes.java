package dev.posenc.bench;

import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.CausalMask;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.RelativeBias;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import java.util.SplittableRandom;

/**
 * The position schemes the attention benchmarks compare ({@code none}, {@code alibi}, {@code t5}):
 * posenc's options, causal bottom-right with the default scale 1/√d for every scheme (T5's own scale
 * is 1; one scale keeps the logits' range equal across schemes), and the same bias as the plain
 * baseline's table by distance.
 */
final class Schemes {
    private Schemes() {}

    static AttentionOptions options(String scheme, int heads, int kvHeads, int headDim) {
        AttentionOptions options = AttentionOptions.of(heads, kvHeads, headDim).withCausal(CausalMask.BOTTOM_RIGHT);
        return switch (scheme) {
            case "none" -> options;
            case "alibi" -> options.withBias(AlibiBias.of(heads));
            case "t5" -> {
                float[] table = new float[heads * 32];
                SplittableRandom random = new SplittableRandom(7);
                for (int i = 0; i < table.length; i++) {
                    table[i] = (float) (random.nextDouble() * 4 - 2);
                }
                yield options.withBias(T5RelativeBias.of(T5Buckets.of(false), heads, table, 0));
            }
            default -> throw new IllegalArgumentException("scheme must be none, alibi or t5, was " + scheme);
        };
    }

    /**
     * The bias of {@code options} as the plain baseline reads it, {@code [heads × (2·keys − 1)]} by
     * distance {@code j − i} from {@code −(keys − 1)}, or null without a bias.
     */
    static float[] biasByDistance(AttentionOptions options, int keys) {
        if (!(options.bias() instanceof RelativeBias bias)) {
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
}
