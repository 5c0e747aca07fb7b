package dev.posenc.bench;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.PositionScheme;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Attention with a position bias fused in, float32, layout {@code [seq, heads, dim]}:
 * <ul>
 *   <li>{@code prefill}: 8 heads of width 128, 512 queries (the last positions) over 4096 keys, causal
 *       bottom-right, with ALiBi or T5 buckets (T5's scale 1 replaced by 1/√128 so both see the same
 *       logits' range);
 *   <li>{@code prefillTwoThreads}: the same on the calling thread and one pool thread;
 *   <li>{@code decode}: one query at position 4095, 32 query heads over 8 kv heads (GQA), width 128,
 *       4096 cached keys.
 * </ul>
 * FLOPs are counted as ggml counts them, {@code 4·heads·queries·keys·headDim} for every pair whether
 * the causal mask hides it or not. The scalar reference computes only the last {@value #REFERENCE_ROWS}
 * query rows of prefill (each sees nearly every key) and its FLOPs count those rows, so that an
 * iteration stays short; the two sides are measured in the same run.
 */
public class AttentionBenchmark extends KernelBenchmark {
    static final int REFERENCE_ROWS = 8;
    private static final int HEAD_DIM = 128;
    private static final int KEYS = 4096;
    private static final int PREFILL_HEADS = 8;
    private static final int PREFILL_QUERIES = 512;
    private static final int DECODE_HEADS = 32;
    private static final int DECODE_KV_HEADS = 8;

    @Param({"alibi", "t5"})
    public String scheme;

    private AttentionKernel kernel;
    private AttentionOptions prefill;
    private AttentionOptions decode;
    private int prefillQueries;
    private Positions prefillPositions;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private float[] decodeQ;
    private float[] decodeK;
    private float[] decodeV;
    private float[] decodeOut;
    private final AttentionWorkspace workspace = new AttentionWorkspace();
    private final AttentionWorkspace[] twoWorkspaces = {new AttentionWorkspace(), new AttentionWorkspace()};
    private ExecutorService pool;

    @Setup
    public void setUp() {
        kernel = impl.provider().attention();
        prefill = options(PREFILL_HEADS, PREFILL_HEADS);
        decode = options(DECODE_HEADS, DECODE_KV_HEADS);
        prefillQueries = impl == Implementation.reference ? REFERENCE_ROWS : PREFILL_QUERIES;
        int firstRow = PREFILL_QUERIES - prefillQueries;
        prefillPositions = Positions.range(KEYS - PREFILL_QUERIES + firstRow, prefillQueries);
        SplittableRandom random = new SplittableRandom(42);
        q = normal(random, prefillQueries * PREFILL_HEADS * HEAD_DIM);
        k = normal(random, KEYS * PREFILL_HEADS * HEAD_DIM);
        v = normal(random, KEYS * PREFILL_HEADS * HEAD_DIM);
        out = new float[q.length];
        decodeQ = normal(random, DECODE_HEADS * HEAD_DIM);
        decodeK = normal(random, KEYS * DECODE_KV_HEADS * HEAD_DIM);
        decodeV = normal(random, KEYS * DECODE_KV_HEADS * HEAD_DIM);
        decodeOut = new float[decodeQ.length];
        pool = Executors.newSingleThreadExecutor();
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
    }

    private AttentionOptions options(int heads, int kvHeads) {
        PositionScheme bias = switch (scheme) {
            case "alibi" -> AlibiBias.of(heads);
            case "t5" -> {
                float[] table = new float[heads * 32];
                SplittableRandom random = new SplittableRandom(7);
                for (int i = 0; i < table.length; i++) {
                    table[i] = (float) (random.nextDouble() * 4 - 2);
                }
                yield T5RelativeBias.of(T5Buckets.of(false), heads, table, 0);
            }
            default -> throw new IllegalArgumentException("scheme must be alibi or t5, was " + scheme);
        };
        return AttentionOptions.of(heads, kvHeads, HEAD_DIM).withCausal(CausalMask.BOTTOM_RIGHT).withScheme(bias);
    }

    private static float[] normal(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    @Benchmark
    public float[] prefill(Elements elements, Flops flops) {
        kernel.attend(prefill, prefillQueries, KEYS, prefillPositions, null, q, 0, k, 0, v, 0, out, 0, workspace);
        count(elements, flops, PREFILL_HEADS, prefillQueries);
        return out;
    }

    @Benchmark
    public float[] prefillTwoThreads(Elements elements, Flops flops) {
        kernel.attend(prefill, prefillQueries, KEYS, prefillPositions, null, q, 0, k, 0, v, 0, out, 0, pool, twoWorkspaces);
        count(elements, flops, PREFILL_HEADS, prefillQueries);
        return out;
    }

    @Benchmark
    public float[] decode(Elements elements, Flops flops) {
        kernel.attend(decode, 1, KEYS, null, null, decodeQ, 0, decodeK, 0, decodeV, 0, decodeOut, 0, workspace);
        count(elements, flops, DECODE_HEADS, 1);
        return decodeOut;
    }

    /** Elements: query rows × heads; FLOPs: ggml's 4·heads·queries·keys·headDim. */
    private static void count(Elements elements, Flops flops, int heads, int queries) {
        elements.elements += (long) heads * queries;
        flops.flops += 4L * heads * queries * KEYS * HEAD_DIM;
    }
}
