package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.attention.KeyRotation;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.MropeIndex;
import dev.posenc.rope.MropeSections;
import dev.posenc.rope.MultimodalRope;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * M-RoPE composed with attention: a text + image + text prompt rotated at HF's {@code get_rope_index}
 * positions, then one decode step. The new token's rope position is the prompt's largest position + 1 on all
 * three axes (HF: cache position + {@code rope_deltas}), while its attention position is its index in the
 * sequence (explicit query position {@code S} over {@code S + 1} keys): the decode row must equal the last
 * row of a causal prefill over the whole sequence.
 */
class MultimodalDecodeTest {
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 64;
    private static final MultimodalRope MROPE = new MultimodalRope(
            RotaryEmbedding.of(HEAD_DIM, 1_000_000, RopeLayout.HALF_SPLIT), MropeSections.of(8, 12, 12));

    /** Qwen2-VL's positions of 3 text tokens, a 2 × 3 image (4 × 6 patches merged by 2), 4 text tokens. */
    private static MropeIndex prompt() {
        return MropeIndex.qwen2vl(2).text(3).image(1, 4, 6).text(4);
    }

    /** The prompt's (t, h, w) positions and the next token's, its largest position + 1 on every axis. */
    private static AxialPositions withNextToken(MropeIndex index) {
        AxialPositions p = index.positions();
        int next = index.nextPosition();
        return AxialPositions.of(append(p, 0, next), append(p, 1, next), append(p, 2, next));
    }

    @Test
    void decodeStepAfterAnImageEqualsPrefill() {
        MropeIndex index = prompt();
        int s = index.tokens();
        int next = index.nextPosition();
        assertEquals(13, s);
        assertEquals(10, next, "the text after a 2 × 3 image resumes at its largest position + 1");
        AxialPositions all = withNextToken(index);
        MultimodalRope mrope = MROPE;

        float[] q = new FloatFill(FloatKind.NORMAL, 1).array(0, (s + 1) * HEADS * HEAD_DIM, 0);
        float[] k = new FloatFill(FloatKind.NORMAL, 2).array(0, (s + 1) * KV_HEADS * HEAD_DIM, 0);
        float[] v = new FloatFill(FloatKind.NORMAL, 3).array(0, (s + 1) * KV_HEADS * HEAD_DIM, 0);
        float[] decodeQuery = Arrays.copyOfRange(q, s * HEADS * HEAD_DIM, (s + 1) * HEADS * HEAD_DIM);
        RopeKernel rope = Kernels.get().rope();
        rope.rotate(mrope, all, HEADS, q, 0);
        rope.rotate(mrope, all, KV_HEADS, k, 0);
        rope.rotate(mrope, AxialPositions.same(Positions.range(next, 1), 3), HEADS, decodeQuery, 0);
        assertArrayEquals(Arrays.copyOfRange(q, s * HEADS * HEAD_DIM, q.length), decodeQuery,
                "the decode query rotated alone at (next, next, next) is the prefill's last row");

        AttentionKernel attention = Kernels.get().attention();
        AttentionOptions options = AttentionOptions.of(HEADS, KV_HEADS, HEAD_DIM);
        float[] prefill = new float[(s + 1) * HEADS * HEAD_DIM];
        attention.attend(options.withCausal(CausalMask.TOP_LEFT), s + 1, s + 1, q, k, v, prefill);
        float[] decoded = new float[HEADS * HEAD_DIM];
        attention.attend(options.withCausal(CausalMask.BOTTOM_RIGHT), 1, s + 1, Positions.of(s), null, decodeQuery, 0, k, 0,
                v, 0, decoded, 0, new AttentionWorkspace());

        // README conformance tolerance for attention out, against float64: 1e−6·max(1, max|v|).
        double[] exact = exactLastRow(q, k, v, s + 1);
        Approx.Bound bound = Approx.Bound.of(1e-6 * Math.max(1, maxAbs(v)), 0);
        Approx.assertClose("decode", decoded, 0, exact, bound);
        Approx.assertClose("prefill's last row", prefill, s * HEADS * HEAD_DIM, exact, bound);
    }

    /**
     * The same prompt and step through a {@link KvCache}: keys appended unrotated, the cache rotating them on
     * append by M-RoPE at the (t, h, w) positions of their sequence indices (a {@link KeyRotation} lambda, as the
     * KvCache javadoc shows), the prompt first, then the new token; the decode step reads the cache.
     */
    @Test
    void decodeStepThroughACacheRotatingKeysByMropeEqualsPrefill() {
        MropeIndex index = prompt();
        int s = index.tokens();
        AxialPositions all = withNextToken(index);
        MultimodalRope mrope = MROPE;
        float[] q = new FloatFill(FloatKind.NORMAL, 1).array(0, (s + 1) * HEADS * HEAD_DIM, 0);
        float[] k = new FloatFill(FloatKind.NORMAL, 2).array(0, (s + 1) * KV_HEADS * HEAD_DIM, 0);
        float[] v = new FloatFill(FloatKind.NORMAL, 3).array(0, (s + 1) * KV_HEADS * HEAD_DIM, 0);
        float[] rotatedKeys = k.clone();
        RopeKernel rope = Kernels.get().rope();
        rope.rotate(mrope, all, HEADS, q, 0);
        rope.rotate(mrope, all, KV_HEADS, rotatedKeys, 0);

        KeyRotation byMrope = (positions, heads, keys, at) -> rope.rotate(mrope, rows(all, positions), heads, keys, at);
        KvCache cache = KvCache.onHeap(KvCacheSpec.of(s + 1, KV_HEADS, HEAD_DIM, KvPrecision.F32));
        cache.append(Tokens.of(k, s, KV_HEADS, HEAD_DIM), Tokens.of(v, s, KV_HEADS, HEAD_DIM), byMrope);
        cache.append(Tokens.of(k, s * KV_HEADS * HEAD_DIM, 1, KV_HEADS, HEAD_DIM),
                Tokens.of(v, s * KV_HEADS * HEAD_DIM, 1, KV_HEADS, HEAD_DIM), byMrope);
        for (int j = 0; j <= s; j++) {
            for (int g = 0; g < KV_HEADS; g++) {
                for (int c = 0; c < HEAD_DIM; c++) {
                    assertEquals(rotatedKeys[(j * KV_HEADS + g) * HEAD_DIM + c], cache.key(j, g, c),
                            "key " + j + ", head " + g + ", column " + c + ": rotated on append as the whole sequence is");
                }
            }
        }

        float[] decoded = new float[HEADS * HEAD_DIM];
        Kernels.get().attention().attend(AttentionOptions.of(HEADS, KV_HEADS, HEAD_DIM).withCausal(CausalMask.BOTTOM_RIGHT),
                Tokens.of(q, s * HEADS * HEAD_DIM, 1, HEADS, HEAD_DIM), cache, Tokens.of(decoded, 1, HEADS, HEAD_DIM),
                new AttentionWorkspace());
        // README conformance tolerance for attention out, against float64: 1e−6·max(1, max|v|).
        Approx.assertClose("decode over the cache", decoded, 0, exactLastRow(q, rotatedKeys, v, s + 1),
                Approx.Bound.of(1e-6 * Math.max(1, maxAbs(v)), 0));
    }

    /** The (t, h, w) positions of {@code all}'s rows at the given sequence indices. */
    private static AxialPositions rows(AxialPositions all, Positions indices) {
        int[][] axes = new int[3][indices.count()];
        for (int r = 0; r < indices.count(); r++) {
            for (int axis = 0; axis < 3; axis++) {
                axes[axis][r] = all.at(axis, indices.at(r));
            }
        }
        return AxialPositions.of(Positions.of(axes[0]), Positions.of(axes[1]), Positions.of(axes[2]));
    }

    private static Positions append(AxialPositions p, int axis, int last) {
        int[] a = new int[p.count() + 1];
        for (int r = 0; r < p.count(); r++) {
            a[r] = p.at(axis, r);
        }
        a[p.count()] = last;
        return Positions.of(a);
    }

    /** Softmax attention of the last query over every key, in double (HF {@code repeat_kv} for GQA). */
    private static double[] exactLastRow(float[] q, float[] k, float[] v, int n) {
        double[] out = new double[HEADS * HEAD_DIM];
        for (int h = 0; h < HEADS; h++) {
            int kv = h / (HEADS / KV_HEADS);
            double[] logits = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int c = 0; c < HEAD_DIM; c++) {
                    dot += (double) q[((n - 1) * HEADS + h) * HEAD_DIM + c] * k[(j * KV_HEADS + kv) * HEAD_DIM + c];
                }
                logits[j] = dot / Math.sqrt(HEAD_DIM);
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                logits[j] = Math.exp(logits[j] - max);
                sum += logits[j];
            }
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < HEAD_DIM; c++) {
                    out[h * HEAD_DIM + c] += logits[j] / sum * v[(j * KV_HEADS + kv) * HEAD_DIM + c];
                }
            }
        }
        return out;
    }

    private static double maxAbs(float[] x) {
        double m = 0;
        for (float f : x) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
