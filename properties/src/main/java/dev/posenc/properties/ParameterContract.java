package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.absolute.PositionTable;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AlibiForm;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.bias.TransformerXlPositions;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.LayoutPermutation;
import dev.posenc.rope.MropeIndex;
import dev.posenc.rope.MropeSections;
import dev.posenc.rope.MultimodalRope;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.VisionRope;
import dev.posenc.rope.Xpos;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * The library's value types (encodings, embeddings, caches, position schemes, options, positions),
 * given the extremes of every parameter: sizes from {@link Integer#MIN_VALUE} to
 * {@link Integer#MAX_VALUE} (and 10⁸, Transformer-XL's 6.4 GB {@code r} that used to be allocated before it
 * was checked), {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE} where the API takes a
 * long, scales from the smallest subnormal to {@code Double.MAX_VALUE}, indexes just outside their
 * range. Each constructor, factory and accessor must return, or throw an
 * {@link IllegalArgumentException} naming the parameter, within {@value #SECONDS} s: never an
 * {@link OutOfMemoryError} (sizes are checked before anything is allocated, up to the largest each type
 * documents), an {@link IndexOutOfBoundsException}, an arithmetic overflow or a hang. What accepted
 * values compute is checked by each kernel family's contract (finite inputs give finite outputs).
 * There is nothing to bind: the types are the library's own.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class ParameterContract {
    /**
     * Long enough that only a hang fails, on a loaded machine too: an accepted call may do millions of steps in its
     * first, interpreted run ({@code MropeIndex.qwen2vl(1).image(1048577, 4, 4)} appends 4.2 M tokens: 0.6–3.4 s alone at
     * load 6 on this project's 2-vCPU VM, and more than the former 5 s once in a full test at load 10).
     */
    static final int SECONDS = 30;
    /** Sizes: both ends of int, each type's documented limits and one past them, and small ones. */
    private static final int[] SIZES = {Integer.MIN_VALUE, -1, 0, 1, 2, 3, 5, 1 << 16, (1 << 16) + 1, 1 << 20,
            (1 << 20) + 1, 100_000_000, (1 << 28) + 1, 1 << 30, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
    /** Scales: zeros, subnormals, the extremes of double and float, non-finite values. */
    private static final double[] SCALES = {-1.0, -0.0, 0.0, Double.MIN_VALUE, 1e-310, 1e-300, 1e-45, 1e-38, 1e-30,
            1e-5, 0.5, 1, 2, 8, 126, 127, 1e30, 3e38, 3.5e38, 1e300, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
            Double.NaN};

    @Test
    public void sizesFromIntMinToIntMaxAreAcceptedOrRejectedByName() {
        List<String> failures = new ArrayList<>();
        float[] small = new float[64];
        for (int s : SIZES) {
            acceptsOrRejects(failures, "SinusoidalEncoding.of(" + s + ")", () -> SinusoidalEncoding.of(s), "dim");
            acceptsOrRejects(failures, "PositionTable.sinusoidal(d = 3, rows = " + s + ")",
                    () -> PositionTable.sinusoidal(SinusoidalEncoding.of(3), s), "rows");
            acceptsOrRejects(failures, "PositionTable.learned(rows = " + s + ")", () -> PositionTable.learned(small, 0, s, 2),
                    "rows", "weights");
            acceptsOrRejects(failures, "PositionTable.learned(dim = " + s + ")", () -> PositionTable.learned(small, 0, 2, s),
                    "dim", "weights");
            acceptsOrRejects(failures, "AlibiBias.of(" + s + ")", () -> AlibiBias.of(s), "heads");
            acceptsOrRejects(failures, "AlibiBias.slopes(" + s + ", 8)", () -> AlibiBias.slopes(s, 8), "heads");
            acceptsOrRejects(failures, "T5Buckets.of(true, " + s + ", 128)", () -> T5Buckets.of(true, s, 128), "numBuckets",
                    "maxDistance");
            acceptsOrRejects(failures, "T5Buckets.of(false, " + s + ", MAX)", () -> T5Buckets.of(false, s, Integer.MAX_VALUE),
                    "numBuckets");
            acceptsOrRejects(failures, "T5Buckets.of(true, 32, " + s + ")", () -> T5Buckets.of(true, 32, s), "maxDistance");
            acceptsOrRejects(failures, "T5RelativeBias.of(heads = " + s + ")",
                    () -> T5RelativeBias.of(T5Buckets.of(true), s, small, 0), "heads", "table");
            acceptsOrRejects(failures, "T5RelativeBias.of(maxDistance = " + s + ")",
                    () -> T5RelativeBias.of(T5Buckets.of(false, 4, s), 1, small, 0), "maxDistance");
            acceptsOrRejects(failures, "ShawRelativePositions.of(clip = " + s + ")",
                    () -> ShawRelativePositions.of(s, 2, small, 0, 2, null, 0), "clip", "keyTable");
            acceptsOrRejects(failures, "ShawRelativePositions.of(headDim = " + s + ")",
                    () -> ShawRelativePositions.of(1, s, small, 0, 2, small, 0), "headDim", "keyTable");
            acceptsOrRejects(failures, "ShawRelativePositions.of(valueDim = " + s + ")",
                    () -> ShawRelativePositions.of(1, 2, small, 0, s, small, 0), "valueDim", "valueTable");
            acceptsOrRejects(failures, "TransformerXlPositions.of(maxDistance = " + s + ")",
                    () -> TransformerXlPositions.of(1, 16, small, 0, small, 0, small, 0, s), "maxDistance", "r");
            acceptsOrRejects(failures, "TransformerXlPositions.of(heads = " + s + ")",
                    () -> TransformerXlPositions.of(s, 4, small, 0, small, 0, small, 0, 1), "heads", "u", "r");
            acceptsOrRejects(failures, "TransformerXlPositions.sinusoidal(modelDim = " + s + ")",
                    () -> TransformerXlPositions.sinusoidal(1, 2, small, 0, small, 0, small, 0, s, 3), "modelDim",
                    "projection");
            acceptsOrRejects(failures, "TransformerXlPositions.sinusoidal(maxDistance = " + s + ")",
                    () -> TransformerXlPositions.sinusoidal(1, 16, small, 0, small, 0, small, 0, 2, s), "maxDistance");
            acceptsOrRejects(failures, "DenseBias.additive(heads = " + s + ")", () -> DenseBias.additive(small, 0, s, 2, 2),
                    "heads", "values");
            acceptsOrRejects(failures, "DenseBias.mask(keys = " + s + ")", () -> DenseBias.mask(new boolean[8], 0, 1, 2, s),
                    "keys", "allowed");
            acceptsOrRejects(failures, "RotaryEmbedding.of(headDim = " + s + ")",
                    () -> RotaryEmbedding.of(s, 10_000, RopeLayout.HALF_SPLIT), "headDim", "rotaryDim");
            acceptsOrRejects(failures, "RotaryEmbedding.of(rotaryDim = " + s + ")",
                    () -> RotaryEmbedding.of(64, s, 10_000, RopeLayout.INTERLEAVED), "rotaryDim");
            // Eight floats a row: accepted counts (up to 2²⁵) are computed within the time limit.
            RotaryEmbedding narrow = RotaryEmbedding.of(8, 10_000, RopeLayout.HALF_SPLIT);
            for (RopeKernel kernel : new RopeKernel[] {Kernels.get().rope(), Kernels.reference().rope()}) {
                acceptsOrRejects(failures, "cache(count = " + s + ") of " + kernel, () -> kernel.cache(narrow, s), "count");
                acceptsOrRejects(failures, "cache(first = " + s + ") of " + kernel, () -> kernel.cache(narrow, s, 2), "first");
            }
            acceptsOrRejects(failures, "AttentionOptions.of(heads = " + s + ")", () -> AttentionOptions.of(s, 1, 4), "heads");
            acceptsOrRejects(failures, "AttentionOptions.of(kvHeads = " + s + ")", () -> AttentionOptions.of(4, s, 4), "kvHeads");
            acceptsOrRejects(failures, "AttentionOptions.withValueDim(" + s + ")", () -> AttentionOptions.of(1, 4).withValueDim(s),
                    "valueDim");
            acceptsOrRejects(failures, "AttentionOptions.withWindow(" + s + ")", () -> AttentionOptions.of(1, 4).withWindow(s),
                    "window");
            acceptsOrRejects(failures, "new AttentionWorkspace(" + s + ")", () -> new AttentionWorkspace(s), "keyTile");
            acceptsOrRejects(failures, "Positions.range(" + s + ", 2)", () -> Positions.range(s, 2), "first", "count");
            acceptsOrRejects(failures, "Positions.range(0, " + s + ")", () -> Positions.range(0, s), "count");
            acceptsOrRejects(failures, "Positions.view(offset = " + s + ")", () -> Positions.view(new int[4], s, 1), "positions");
            acceptsOrRejects(failures, "LayoutPermutation.convert(blocks = " + s + ")", () -> LayoutPermutation.convert(
                    RopeLayout.HALF_SPLIT, RopeLayout.INTERLEAVED, small, 0, new float[64], 0, s, 4, 2, 1), "blocks", "x");
            acceptsOrRejects(failures, "LayoutPermutation.convert(width = " + s + ")", () -> LayoutPermutation.convert(
                    RopeLayout.HALF_SPLIT, RopeLayout.INTERLEAVED, small, 0, new float[64], 0, 1, 4, 2, s), "width", "x");
        }
        for (int s : SIZES) {
            kvCache(failures, s);
            acceptsOrRejects(failures, "Xpos.of(" + s + ")", () -> Xpos.of(s), "headDim", "rotaryDim");
            acceptsOrRejects(failures, "VisionRope.qwen2vl(" + s + ")", () -> VisionRope.qwen2vl(s), "headDim");
            acceptsOrRejects(failures, "AxialPositions.patches(t = " + s + ")", () -> AxialPositions.patches(s, 4, 4, 2), "t");
            acceptsOrRejects(failures, "AxialPositions.patches(h = w = " + s + ")", () -> AxialPositions.patches(1, s, s, 1),
                    "h", "w");
            acceptsOrRejects(failures, "AxialPositions.same(axes = " + s + ")",
                    () -> AxialPositions.same(Positions.range(0, 3), s), "axes");
            acceptsOrRejects(failures, "MropeIndex.text(" + s + ")", () -> MropeIndex.qwen2vl(2).text(s), "count",
                    "MAX_TOKENS", "position");
            acceptsOrRejects(failures, "MropeIndex.image(t = " + s + ")", () -> MropeIndex.qwen2vl(1).image(s, 4, 4), "t",
                    "MAX_TOKENS", "position");
            acceptsOrRejects(failures, "AttentionSinks.of(heads = " + s + ")", () -> AttentionSinks.of(small, 0, s), "heads",
                    "sinks");
            acceptsOrRejects(failures, "StreamingWindow.of(" + s + ", 4)", () -> StreamingWindow.of(s, 4), "sinkTokens");
            acceptsOrRejects(failures, "StreamingWindow.of(4, " + s + ")", () -> StreamingWindow.of(4, s), "window");
            acceptsOrRejects(failures, "ChunkedAttention.of(" + s + ")", () -> ChunkedAttention.of(s), "chunkSize");
            acceptsOrRejects(failures, "DebertaPositions.of(heads = " + s + ")",
                    () -> DebertaPositions.of(s, 1, 8, 64, small, 0, small, 0), "heads", "keyTable");
            acceptsOrRejects(failures, "DebertaPositions.of(headDim = " + s + ")",
                    () -> DebertaPositions.of(1, s, 8, 64, small, 0, small, 0), "headDim", "keyTable");
            acceptsOrRejects(failures, "DebertaPositions.of(positionBuckets = " + s + ")",
                    () -> DebertaPositions.of(1, 1, s, Integer.MAX_VALUE, small, 0, small, 0), "positionBuckets", "keyTable",
                    "maxRelativePositions");
            acceptsOrRejects(failures, "DebertaPositions.of(maxRelativePositions = " + s + ")",
                    () -> DebertaPositions.of(1, 1, 0, s, small, 0, small, 0), "maxRelativePositions", "keyTable");
            acceptsOrRejects(failures, "MultimodalRope(mrope_section = " + s + ", 0, 0)",
                    () -> new MultimodalRope(RotaryEmbedding.of(8, 10_000, RopeLayout.HALF_SPLIT), MropeSections.of(s, 0, 0)),
                    "mrope_section");
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " calls did neither return nor throw an IllegalArgumentException naming the parameter:\n  "
                    + String.join("\n  ", failures));
        }
    }

    /**
     * A KV cache's sizes (its spec, and a heap cache whose rows of 2¹⁶ elements pass an array's limit at 2¹⁵
     * positions: checked before anything is allocated), the rows appended, the positions truncated to, rolled
     * back and read, and the positions a query over it is at. The spec's products are longs, so no int size
     * overflows it; off-heap caches of any accepted size are the arena's to allocate.
     */
    private static void kvCache(List<String> failures, int s) {
        acceptsOrRejects(failures, "KvCacheSpec.of(capacity = " + s + ")", () -> KvCacheSpec.of(s, 8, 128, KvPrecision.F16),
                "capacity");
        acceptsOrRejects(failures, "KvCacheSpec.of(kvHeads = " + s + ")", () -> KvCacheSpec.of(4, s, 128, KvPrecision.BF16),
                "kvHeads");
        acceptsOrRejects(failures, "KvCacheSpec.of(headDim = " + s + ")", () -> KvCacheSpec.of(4, 8, s, KvPrecision.F32),
                "headDim");
        acceptsOrRejects(failures, "KvCacheSpec.withValueDim(" + s + ")",
                () -> KvCacheSpec.of(4, 8, 128, KvPrecision.F16).withValueDim(s), "valueDim");
        acceptsOrRejects(failures, "KvCache.onHeap(capacity = " + s + ", rows of 2^16)",
                () -> KvCache.onHeap(KvCacheSpec.of(s, 1, 1 << 16, KvPrecision.F16)), "capacity", "offHeap");
        MemorySegment rows = MemorySegment.ofArray(new float[64]);
        acceptsOrRejects(failures, "KvCache.append(rows = " + s + ")", () -> threeRows().append(rows, rows, s), "rows");
        acceptsOrRejects(failures, "KvCache.truncate(" + s + ")", () -> threeRows().truncate(s), "position");
        acceptsOrRejects(failures, "KvCache.rollBack(" + s + ")", () -> threeRows().rollBack(s), "rows");
        acceptsOrRejects(failures, "KvCache.slot(" + s + ")", () -> threeRows().slot(s), "position");
        acceptsOrRejects(failures, "KvCache.key(position = " + s + ")", () -> threeRows().key(s, 0, 0), "position");
        acceptsOrRejects(failures, "KvCache.key(kvHead = " + s + ")", () -> threeRows().key(0, s, 0), "kvHead");
        acceptsOrRejects(failures, "KvCache.value(column = " + s + ")", () -> threeRows().value(0, 0, s), "column");
        acceptsOrRejects(failures, "KvCache.keySquaredNorm(kvHead = " + s + ")", () -> threeRows().keySquaredNorm(2, s),
                "kvHead");
        AttentionOptions options = AttentionOptions.of(2, 2, 4);
        float[] q = new float[8];
        for (AttentionKernel kernel : new AttentionKernel[] {Kernels.get().attention(), Kernels.reference().attention()}) {
            acceptsOrRejects(failures, "attend over a cache at position " + s + " of " + kernel, () -> kernel.attend(options,
                    Positions.of(s), null, Tokens.of(q, 1, 2, 4), threeRows(), Tokens.of(new float[8], 1, 2, 4),
                    new AttentionWorkspace()), "position");
        }
    }

    /** A heap cache of 8 positions of 2 kv heads × 4 holding 3 rows. */
    private static KvCache threeRows() {
        KvCache cache = KvCache.onHeap(KvCacheSpec.of(8, 2, 4, KvPrecision.F16));
        float[] rows = new float[3 * 2 * 4];
        cache.append(Tokens.of(rows, 3, 2, 4), Tokens.of(rows, 3, 2, 4));
        return cache;
    }

    /**
     * T5's bucket takes any long distance: {@code −Long.MIN_VALUE} overflows, so negating first would put
     * the farthest past key into bucket 0; every distance from maxDistance on shares its direction's
     * last bucket. The other schemes take int positions, and any two give a valid index or distance.
     */
    @Test
    public void relativePositionsAtTheEndsOfLongAndIntAreInRange() {
        for (boolean bidirectional : new boolean[] {true, false}) {
            for (int[] p : new int[][] {{32, 128}, {4, 3}, {1 << 16, Integer.MAX_VALUE}, {64, 256}}) {
                if (p[1] <= (bidirectional ? p[0] / 4 : p[0] / 2)) {
                    continue;
                }
                T5Buckets t5 = T5Buckets.of(bidirectional, p[0], p[1]);
                long d = t5.maxDistance();
                for (long r : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, Integer.MIN_VALUE, -d - 1}) {
                    assertEquals(t5.bucket(-d), t5.bucket(r), t5 + ": bucket(" + r + ") is the farthest past bucket");
                }
                for (long r : new long[] {Long.MAX_VALUE, Integer.MAX_VALUE, d + 1}) {
                    assertEquals(t5.bucket(d), t5.bucket(r), t5 + ": bucket(" + r + ") is the farthest future bucket");
                }
            }
        }
        assertEquals(15, T5Buckets.of(true).bucket(Long.MIN_VALUE), "T5's defaults, bidirectional");
        assertEquals(31, T5Buckets.of(false).bucket(Long.MIN_VALUE), "T5's defaults, causal");
        int[] ends = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
        AlibiBias alibi = AlibiBias.symmetric(3);
        ShawRelativePositions shaw = ShawRelativePositions.of(3, 1, new float[7], 0, 1, null, 0);
        TransformerXlPositions xl = TransformerXlPositions.of(1, 1, new float[1], 0, new float[1], 0, new float[6], 0, 5);
        KerpleBias kerple = KerpleBias.of(new float[] {1e36f}, new float[] {Float.MAX_VALUE});
        FireBias fire = FireBias.of(1e290, 1, 0, new float[] {1f}, new float[] {0f}, new float[] {1f}, new float[] {0f});
        DebertaPositions deberta = DebertaPositions.of(1, 1, 256, 512, new float[512], 0, new float[512], 0);
        // DeBERTa's buckets are odd and grow past the last one (HF does not clamp); |Long.MIN_VALUE| overflows.
        assertEquals(-deberta.bucket(Long.MAX_VALUE), deberta.bucket(Long.MIN_VALUE), "DeBERTa bucket(Long.MIN_VALUE)");
        for (long r : new long[] {Long.MIN_VALUE + 1, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE}) {
            assertEquals(-deberta.bucket(-r), deberta.bucket(r), "DeBERTa bucket(" + r + ") is odd");
            assertTrue(deberta.bucket(r) * Long.signum(r) > 255, "DeBERTa bucket(" + r + ") = " + deberta.bucket(r) + " past the last");
        }
        for (int i : ends) {
            for (int j : ends) {
                float kb = (float) kerple.bias(0, i, j);
                assertTrue(Float.isFinite(kb) && kb <= 0, "KERPLE bias at " + i + ", " + j + " = " + kb);
                double x = fire.normalisedDistance(i, j);
                assertTrue(Float.isFinite((float) x) && x >= 0 && Float.isFinite((float) (1 / fire.normaliser(i))),
                        "FIRE x at " + i + ", " + j + " = " + x);
                int index = deberta.index(i, j);
                assertTrue(index >= 0 && index < 512, "DeBERTa index at " + i + ", " + j + " = " + index);
                double b = alibi.bias(2, i, j);
                assertTrue(Double.isFinite(b) && b <= 0, "ALiBi symmetric bias at " + i + ", " + j + " = " + b);
                int c = shaw.index(i, j);
                assertTrue(c >= 0 && c <= 6, "Shaw index at " + i + ", " + j + " = " + c);
                int delta = xl.distance(i, j);
                assertTrue(delta >= 0 && delta <= 5, "Transformer-XL distance at " + i + ", " + j + " = " + delta);
            }
        }
    }

    @Test
    public void accessorsRejectIndexesOutsideTheirRangeByName() {
        AlibiBias alibi = AlibiBias.of(4);
        T5RelativeBias t5 = T5RelativeBias.of(T5Buckets.of(true, 8, 20), 2, new float[16], 0);
        ShawRelativePositions shaw = ShawRelativePositions.of(1, 2, new float[6], 0, 3, new float[9], 0);
        TransformerXlPositions xl = TransformerXlPositions.of(2, 3, new float[6], 0, new float[6], 0, new float[12], 0, 1);
        DenseBias dense = DenseBias.additive(new float[12], 0, 2, 2, 3);
        SinusoidalEncoding sinusoidal = SinusoidalEncoding.of(5);
        RotaryEmbedding rope = RotaryEmbedding.of(8, 10_000, RopeLayout.HALF_SPLIT);
        RopeCache cache = Kernels.get().rope().cache(rope, 10, 5);
        PositionTable table = PositionTable.learned(new float[6], 0, 3, 2);
        for (int bad : new int[] {Integer.MIN_VALUE, -1}) {
            rejectsIndex(() -> alibi.slope(bad), "head");
            rejectsIndex(() -> alibi.bias(bad, 0, 0), "head");
            rejectsIndex(() -> t5.table(bad, 0), "head");
            rejectsIndex(() -> t5.table(0, bad), "bucket");
            rejectsIndex(() -> t5.bias(bad, 0, 0), "head");
            rejectsIndex(() -> shaw.keyEmbedding(bad, 0), "index");
            rejectsIndex(() -> shaw.valueEmbedding(0, bad), "column");
            rejectsIndex(() -> xl.contentBias(bad, 0), "head");
            rejectsIndex(() -> xl.positionBias(0, bad), "column");
            rejectsIndex(() -> xl.relativeEmbedding(bad, 0, 0), "distance");
            rejectsIndex(() -> dense.bias(bad, 0, 0), "head");
            rejectsIndex(() -> dense.bias(0, bad, 0), "query");
            rejectsIndex(() -> dense.bias(0, 0, bad), "key");
            rejectsIndex(() -> sinusoidal.frequency(bad), "i");
            rejectsIndex(() -> sinusoidal.sinColumn(bad), "i");
            rejectsIndex(() -> sinusoidal.cosColumn(bad), "i");
            rejectsIndex(() -> rope.frequencies().invFreq(bad), "i");
            rejectsIndex(() -> cache.cos(10, bad), "i");
            rejectsIndex(() -> cache.sin(bad, 0), "position");
            rejectsIndex(() -> table.get(bad, 0), "position");
            rejectsIndex(() -> table.get(0, bad), "column");
            rejectsIndex(() -> Positions.range(0, 3).at(bad), "r");
            rejectsIndex(() -> Positions.of(1, 2).at(bad), "r");
            rejectsIndex(() -> RopeLayout.INTERLEAVED.first(bad, 8), "i");
            rejectsIndex(() -> RopeLayout.HALF_SPLIT.second(bad, 8), "i");
        }
        rejectsIndex(() -> alibi.slope(4), "head");
        rejectsIndex(() -> alibi.bias(4, 0, 0), "head");
        rejectsIndex(() -> t5.table(2, 0), "head");
        rejectsIndex(() -> t5.table(0, 8), "bucket");
        rejectsIndex(() -> shaw.keyEmbedding(3, 0), "index");
        rejectsIndex(() -> shaw.keyEmbedding(0, 2), "column");
        rejectsIndex(() -> shaw.valueEmbedding(3, 0), "index");
        rejectsIndex(() -> xl.contentBias(2, 0), "head");
        rejectsIndex(() -> xl.relativeEmbedding(2, 0, 0), "distance");
        rejectsIndex(() -> xl.relativeEmbedding(0, 0, 3), "column");
        rejectsIndex(() -> dense.bias(2, 0, 0), "head");
        rejectsIndex(() -> dense.bias(0, 2, 0), "query");
        rejectsIndex(() -> dense.bias(0, 0, 3), "key");
        rejectsIndex(() -> sinusoidal.frequency(3), "i");
        rejectsIndex(() -> sinusoidal.cosColumn(2), "i");
        rejectsIndex(() -> rope.frequencies().invFreq(4), "i");
        rejectsIndex(() -> cache.cos(15, 0), "position");
        rejectsIndex(() -> cache.sin(10, 4), "i");
        rejectsIndex(() -> table.get(3, 0), "position");
        rejectsIndex(() -> Positions.range(0, 3).at(3), "r");
        rejectsIndex(() -> Positions.view(new int[] {5, 6, 7}, 1, 1).at(1), "r");
        rejectsIndex(() -> RopeLayout.INTERLEAVED.first(4, 8), "i");
        rejectsIndex(() -> RopeLayout.HALF_SPLIT.first(0, 7), "rotaryDim");
        Xpos xpos = Xpos.of(8);
        MropeSections sections = MropeSections.of(2, 1, 1);
        AxialPositions axial = AxialPositions.patches(1, 2, 2, 1);
        VisionRope vision = VisionRope.qwen2vl(8);
        AttentionSinks sinks = AttentionSinks.of(new float[4], 0, 4);
        KerpleBias kerple = KerpleBias.of(new float[] {1f, 1f, 1f, 1f}, new float[] {1f, 1f, 1f, 1f});
        FireBias fire = FireBias.of(0.1, 16, 0, new float[4], new float[4], new float[16], new float[4]);
        DebertaPositions deberta = DebertaPositions.of(4, 4, 0, 2, new float[64], 0, new float[64], 0);
        for (int bad : new int[] {Integer.MIN_VALUE, -1, 4, Integer.MAX_VALUE}) {
            rejectsIndex(() -> sinks.sink(bad), "head");
            rejectsIndex(() -> kerple.r1(bad), "head");
            rejectsIndex(() -> kerple.bias(bad, 0, 0), "head");
            rejectsIndex(() -> fire.inputWeight(bad), "k");
            rejectsIndex(() -> fire.outputWeight(bad, 0), "head");
            rejectsIndex(() -> fire.outputWeight(0, bad), "k");
            rejectsIndex(() -> fire.bias(bad, 0, 0), "head");
            rejectsIndex(() -> deberta.keyEmbedding(bad, 0, 0), "head");
            rejectsIndex(() -> deberta.queryEmbedding(0, bad, 0), "index");
            rejectsIndex(() -> deberta.keyEmbedding(0, 0, bad), "column");
            rejectsIndex(() -> xpos.zeta(bad), "i");
            rejectsIndex(() -> xpos.scale(bad, 0), "i");
            rejectsIndex(() -> sections.axisOf(bad), "i");
            rejectsIndex(() -> vision.axisOf(bad), "pair");
            rejectsIndex(() -> axial.at(bad - 2, 0), "a");
            rejectsIndex(() -> axial.axis(bad - 2), "a");
            rejectsIndex(() -> axial.at(0, bad), "r");
        }
    }

    /**
     * Scales, slopes and caps that kernels apply in float must be positive normal floats once accepted:
     * ALiBi's every slope ({@code 2^(−maxBias·k/n)}), attention's scale and soft cap. (Bases and RoPE
     * factors are covered by the absolute-position and RoPE contracts, which run the kernels on them.)
     */
    @Test
    public void scalesFromSubnormalToHugeAreAcceptedOnlyWhereFloatsHoldThem() {
        for (double v : SCALES) {
            for (int heads : new int[] {1, 6, 64}) {
                try {
                    AlibiBias alibi = AlibiBias.of(heads, v, AlibiForm.CAUSAL);
                    for (double slope : alibi.slopes()) {
                        assertTrue((float) slope >= Float.MIN_NORMAL && slope <= 1, () -> alibi + ": slope " + slope);
                    }
                    assertTrue(Double.isFinite(alibi.bias(heads - 1, Integer.MAX_VALUE, Integer.MIN_VALUE)), alibi::toString);
                } catch (IllegalArgumentException e) {
                    assertTrue(e.getMessage().contains("maxBias"), e.getMessage());
                }
            }
            try {
                double gamma = Xpos.of(RotaryEmbedding.of(8, 10_000, RopeLayout.INTERLEAVED), v).scaleBase();
                assertTrue(gamma > 0 && Double.isFinite(gamma), "xPos scale_base " + v);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("scaleBase"), e.getMessage());
            }
            try {
                AttentionTemperature t = AttentionTemperature.of(v, 0.1);
                assertTrue(Float.isFinite((float) t.queryScale(Integer.MAX_VALUE)), "temperature floorScale " + v);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("floorScale"), e.getMessage());
            }
            try {
                float tau = (float) AttentionTemperature.of(1, v).queryScale(Integer.MAX_VALUE);
                assertTrue(Float.isFinite(tau) && tau >= 1, "temperature attnScale " + v + ": τ = " + tau);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("attnScale"), e.getMessage());
            }
            try {
                float r = (float) v;
                float b = (float) KerpleBias.of(new float[] {r}, new float[] {r}).bias(0, Integer.MIN_VALUE, Integer.MAX_VALUE);
                assertTrue(Float.isFinite(b), "KERPLE r1 = r2 = " + v + ": bias " + b);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("r1") || e.getMessage().contains("r2"), e.getMessage());
            }
            for (int which = 0; which < 3; which++) {
                double c = which == 0 ? v : 0.1;
                double threshold = which == 1 ? v : 512;
                double eps = which == 2 ? v : 0;
                try {
                    FireBias fire = FireBias.of(c, threshold, eps, new float[] {1f}, new float[] {0f}, new float[] {1f},
                            new float[] {0f});
                    for (int p : new int[] {0, 1, Integer.MAX_VALUE}) {
                        float x = (float) fire.normalisedDistance(p, 0);
                        float inverse = (float) (1 / fire.normaliser(p));
                        assertTrue(Float.isFinite(x) && Float.isFinite(inverse) && inverse > 0, fire + ": x = " + x + " at " + p);
                    }
                } catch (IllegalArgumentException e) {
                    String name = which == 0 ? "c" : which == 1 ? "threshold" : "eps";
                    assertTrue(e.getMessage().contains(name) || e.getMessage().contains("normaliser"), e.getMessage());
                }
            }
            try {
                float scale = (float) AttentionOptions.of(2, 4).withScale(v).scale();
                assertTrue(scale >= Float.MIN_NORMAL && scale <= Float.MAX_VALUE, "attention scale " + v);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("scale"), e.getMessage());
            }
            try {
                float cap = (float) AttentionOptions.of(2, 4).withSoftCap(v).softCap();
                assertTrue(cap >= Float.MIN_NORMAL && cap <= Float.MAX_VALUE, "soft cap " + v);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("softCap"), e.getMessage());
            }
        }
    }

    /**
     * Runs {@code call}: it must return, or throw an IllegalArgumentException naming one of {@code names},
     * within {@value #SECONDS} s; otherwise adds what happened to {@code failures}.
     */
    private static void acceptsOrRejects(List<String> failures, String what, Executable call, String... names) {
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(SECONDS), call);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            if (Arrays.stream(names).noneMatch(message::contains)) {
                failures.add(what + ": the message '" + message + "' names none of " + String.join(", ", names));
            }
        } catch (AssertionError timedOut) {
            failures.add(what + " took more than " + SECONDS + " s");
        } catch (Throwable t) {
            failures.add(what + " threw " + t);
        }
    }

    private static void rejectsIndex(Executable call, String name) {
        BadInput.rejects(call, null, name);
    }
}
