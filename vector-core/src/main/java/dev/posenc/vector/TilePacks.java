package dev.posenc.vector;

import dev.posenc.attention.KvPrecision;
import dev.posenc.reference.AttentionCall;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed key and value rows of the tile being processed: each of the blocks of a {@link WideBand} takes
 * the rows of the keys it may see from here ({@link #keys}, {@link #values}), and they are packed ({@link #pack})
 * when the first block asks, for every block of the band ({@link #startTile}). The band's blocks walk the same
 * tiles in the same order, so that each key and value row is read from memory once per band instead of once per
 * block (a kv head's 4096 keys × 128 are 4 MiB of K/V, more than L2); a block takes the first rows of what is
 * packed. That took packing from 12% to 8% of the benchmark's ALiBi prefill samples; the rest of it is the first
 * read of each row from L3, 4 KiB apart. What packing costs is the memory's latency, not the copy: with the rows'
 * misses hidden (a timing mock) the prefill ran only 1.048× as fast. Value rows an odd number of cache lines apart,
 * tiles of 120 or 144 keys, the next tile's rows read ahead, each row copied whole, and f32 rows read from the heap
 * array behind the segment ran 0.950–0.997× as fast: left out. Measurements: docs/experiments/prefill.md,
 * "TilePacks".
 *
 * <p>{@link #pack} loads f32 rows through the segment cast to the class of its kind, as the decode kernels do
 * ({@link NarrowProducts}' {@code OFF_HEAP} for off-heap rows, {@code HEAP_FLOATS} for heap rows over a
 * {@code float[]}): the JDK's profile of {@code FloatVector} segment loads is shared by the whole JVM, and in one that
 * has also packed rows of arrays (prefill over arrays wraps them in heap segments) C2 checked the segment's class, its
 * {@code float[]}, size and session at each load of an off-heap cache's prefill, 44 instructions per 16 floats; with
 * the cast the off-heap loop takes 16. In such a JVM the cast made the off-heap prefill chunk 1.131× as fast (0.890×
 * the other way round); in one that ran only the chunk, and over arrays, it changed nothing. The heap cast made prefill
 * over arrays 1.03× and a heap cache's chunk 1.05× as fast in a JVM that had also run an off-heap cache's decode. The
 * same operations, so the same bits. Measurements: docs/experiments/prefill.md, "Off-heap rows loaded through the
 * cast"; docs/experiments/decode.md, "Heap loads cast to HEAP_FLOATS".
 */
final class TilePacks {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final VectorSpecies<Short> H = Lanes.SHORT;
    private static final int L = F.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Floats of eight key columns interleaved by six ({@link #interleave}). */
    private static final int SIX_MAP = 48;

    private float[] keys = new float[0];
    private float[] interleaved = new float[0];
    /** Whether {@link #interleaved} holds the packed {@link #keys} (not yet since they were packed: false). */
    private boolean sixesPacked;
    /** Where each of the 48 floats of eight interleaved columns comes from in six packed rows of {@code sixMapWidth}. */
    private final int[] sixMap = new int[SIX_MAP];
    private int sixMapWidth = -1;
    private float[] values = new float[0];
    /** The end of the tile's keys that some block of the band may see. */
    private int limit;
    /** The keys packed, {@code [keysFrom, keysTo)}, and the values, {@code [valuesFrom, valuesTo)} at {@code valueScale}. */
    private int keysFrom = -1;
    private int keysTo;
    private int valuesFrom = -1;
    private int valuesTo;
    private float valueScale;
    /** The largest norm of the first {@code normKeys} packed key rows (−1: none computed since they were packed). */
    private int normKeys = -1;
    private double keyNorm;

    /** A new tile whose keys the band's blocks may see end before {@code limit}; nothing of it is packed yet. */
    void startTile(int limit) {
        this.limit = limit;
        keysFrom = -1;
        normKeys = -1;
        valuesFrom = -1;
    }

    /**
     * Key rows {@code [j0, j1)} of kv head {@code kvHead} packed (rows of {@code headDim} floats, zero rows
     * after them up to a multiple of {@link TileProducts#ROWS}), packed up to where the tile's run ends for the
     * band unless they are already (interleaved by six on demand, {@link #keySixes}); a tile holds at most the
     * workspace's tile size of keys.
     */
    float[] keys(AttentionCall call, int kvHead, int j0, int j1) {
        if (j0 != keysFrom || j1 > keysTo) {
            int d = call.headDim();
            int to = Math.max(j1, Math.min(limit, call.runEnd(j0)));
            if (keys.length < padded(to - j0) * d) {
                keys = new float[padded(to - j0) * d];
            }
            pack(call.keyRows(), call.keyHalves(), call.keyAt(j0, kvHead), call.keyRowBytes(), call.precision(), 1f, to - j0, d, d,
                    keys, TileProducts.ROWS);
            keysFrom = j0;
            keysTo = to;
            normKeys = -1;
            sixesPacked = false;
        }
        return keys;
    }

    /**
     * The first {@code rows} (a multiple of 6) packed key rows of width d interleaved by six ({@link #sixes}), eight
     * columns (48 floats) at a time by gathers ({@link #SIX_MAP}): the prefill ran 1.031× as fast as with a scalar
     * copy column by column ({@link #sixes} alone). Packing the keys straight into this layout, without the rows, would
     * save at most this method's 1.3–1.4% of the samples and the norms' 0.45% ({@link #keyNorm}, which reads the rows):
     * gathers or scatters against the K/V rows themselves would wait on their misses, and the rows would still be
     * needed by partial panels; not tried. Measurements: docs/experiments/prefill.md, "interleave".
     */
    private void interleave(int rows, int d) {
        if (sixMapWidth != d) {
            for (int p = 0; p < SIX_MAP; p++) {
                sixMap[p] = p % 6 * d + p / 6;
            }
            sixMapWidth = d;
        }
        int whole = d - d % 8;
        for (int r = 0; r < rows; r += 6) {
            int base = r * d;
            for (int c = 0; c < whole; c += 8) {
                for (int m = 0; m < SIX_MAP; m += L) {
                    FloatVector.fromArray(F, keys, base + c, sixMap, m).intoArray(interleaved, base + 6 * c + m);
                }
            }
            sixes(keys, base, d, 6, whole, d, interleaved, base);
        }
    }

    /**
     * The key rows of width d that {@link #keys} returned last, interleaved by six ({@link #sixes}) when a full panel
     * first asks (a block of fewer than four query vectors reads the rows alone).
     */
    float[] keySixes(int d) {
        if (!sixesPacked) {
            if (interleaved.length < keys.length) {
                interleaved = new float[keys.length];
            }
            interleave(padded(keysTo - keysFrom), d);
            sixesPacked = true;
        }
        return interleaved;
    }

    /**
     * The largest norm of the first {@code n} key rows that {@link #keys} returned last, of width d
     * ({@link LogitGuard#largestNorm}): once per tile for the blocks of a band that see as many of its keys, where
     * each block took it alone before (0.7% of the benchmark's ALiBi prefill samples, two blocks a band).
     */
    double keyNorm(LogitGuard guard, int n, int d) {
        if (n != normKeys) {
            keyNorm = guard.largestNorm(keys, n, d);
            normKeys = n;
        }
        return keyNorm;
    }

    /**
     * Value rows {@code [j0, j1)} of kv head {@code kvHead} packed as {@link #keys} are, in rows of
     * {@code paddedWidth} floats (zero-padded), multiplied by {@code scale} (the block's values' scale,
     * {@link OnlineSoftmax#valueScale}).
     */
    float[] values(AttentionCall call, int kvHead, int j0, int j1, int paddedWidth, float scale) {
        if (j0 != valuesFrom || j1 > valuesTo || scale != valueScale) {
            int to = Math.max(j1, Math.min(limit, call.runEnd(j0)));
            if (values.length < padded(to - j0) * paddedWidth) {
                values = new float[padded(to - j0) * paddedWidth];
            }
            pack(call.valueRows(), call.valueHalves(), call.valueAt(j0, kvHead), call.valueRowBytes(), call.precision(), scale, to - j0,
                    call.valueDim(), paddedWidth, values, TileProducts.STEP);
            valuesFrom = j0;
            valuesTo = to;
            valueScale = scale;
        }
        return values;
    }

    /** {@code n} rounded up to a multiple of {@link TileProducts#ROWS}. */
    static int padded(int n) {
        return (n + TileProducts.ROWS - 1) / TileProducts.ROWS * TileProducts.ROWS;
    }

    /**
     * Copies {@code rows} rows of {@code width} floats, {@code stride} apart in {@code x} from {@code at},
     * into {@code packed} as rows of {@code packedWidth} (zero-padded), followed by zero rows up to a
     * multiple of {@code multiple}; returns that multiple. The copy runs one vector column at a time
     * across all rows, so that the rows' cache misses (each row of a kv head is in its own 4 KiB page
     * when heads × width floats apart, out of reach of the prefetchers) overlap instead of following one
     * another. Packed rows also keep the kernels off that 4 KiB stride, whose lines would compete for
     * one L1 set.
     */
    static int pack(float[] x, int at, int stride, int rows, int width, int packedWidth, float[] packed, int multiple) {
        int c = 0;
        for (int bound = F.loopBound(width); c < bound; c += L) {
            for (int r = 0; r < rows; r++) {
                FloatVector.fromArray(F, x, at + r * stride + c).intoArray(packed, r * packedWidth + c);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int i = c; i < width; i++) {
                packed[r * packedWidth + i] = x[at + r * stride + i];
            }
        }
        return padRows(rows, width, packedWidth, packed, multiple);
    }

    /**
     * As {@link #pack(float[], int, int, int, int, int, float[], int)} from rows of {@code precision} elements
     * in memory, {@code stride} bytes apart from byte {@code at}, converted to float as they are read
     * ({@link HalfPrecision}) and multiplied by {@code scale}, a power of two (the values' scale of
     * {@link OnlineSoftmax}; 1 for keys). Half-precision rows are read from {@code xh}, the heap array behind
     * {@code x}, when it is not {@code null} (see {@link NarrowProducts}).
     */
    static int pack(MemorySegment x, short[] xh, long at, long stride, KvPrecision precision, float scale, int rows, int width,
                    int packedWidth, float[] packed, int multiple) {
        int bytes = precision.bytes();
        boolean f32 = precision == KvPrecision.F32;
        boolean bf16 = precision == KvPrecision.BF16;
        // An off-heap x as such (NarrowProducts.OFF_HEAP), else null: its f32 loads need no profile of the segments' kinds.
        MemorySegment offHeap = NarrowProducts.OFF_HEAP.isInstance(x) ? NarrowProducts.OFF_HEAP.cast(x) : null;
        // Else f32 rows are a heap segment over a float[] (arrays, heap caches): as such (NarrowProducts.HEAP_FLOATS).
        MemorySegment floats = offHeap == null && f32 ? NarrowProducts.HEAP_FLOATS.cast(x) : null;
        int c = 0;
        for (int bound = F.loopBound(width); c < bound; c += L) {
            for (int r = 0; r < rows; r++) {
                long o = at + r * stride + (long) c * bytes;
                int to = r * packedWidth + c;
                if (f32) {
                    (offHeap != null ? FloatVector.fromMemorySegment(F, offHeap, o, NATIVE)
                            : FloatVector.fromMemorySegment(F, floats, o, NATIVE))
                            .mul(scale).intoArray(packed, to);
                    continue;
                }
                IntVector h = (IntVector) (xh != null ? ShortVector.fromArray(H, xh, (int) ((o) >>> 1)) : ShortVector.fromMemorySegment(H, x, o, NATIVE)).convertShape(VectorOperators.S2I, I, 0);
                if (bf16) {
                    h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().mul(scale).intoArray(packed, to);
                    continue;
                }
                IntVector a = h.lanewise(VectorOperators.LSHL, 13).and(HalfPrecision.FIELDS).add(HalfPrecision.REBIAS);
                FloatVector f = a.reinterpretAsFloats();
                FloatVector lead = a.and(HalfPrecision.LEAD).reinterpretAsFloats();
                f.blend(f.sub(lead).mul(2f), lead.abs().lt(HalfPrecision.SUBNORMAL)).mul(scale).intoArray(packed, to);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int i = c; i < width; i++) {
                packed[r * packedWidth + i] = precision.read(x, at + r * stride + (long) i * bytes) * scale;
            }
        }
        return padRows(rows, width, packedWidth, packed, multiple);
    }

    /**
     * Columns {@code [c0, d)} of rows {@code r < n} ({@code n ≤ 6}), {@code stride} apart in x from {@code at},
     * interleaved into {@code out} from {@code outAt}: element c of row r at {@code outAt + 6c + r}, rows n to 5 zeros
     * (the layout of {@link TileProducts}' 4 × 6 score tiles).
     */
    static void sixes(float[] x, int at, int stride, int n, int c0, int d, float[] out, int outAt) {
        for (int c = c0, to = outAt + 6 * c0; c < d; c++, to += 6) {
            for (int r = 0, from = at + c; r < 6; r++, from += stride) {
                out[to + r] = r < n ? x[from] : 0f;
            }
        }
    }

    /** Zeros after each packed row's {@code width} floats and the rows up to a multiple of {@code multiple}; returns it. */
    private static int padRows(int rows, int width, int packedWidth, float[] packed, int multiple) {
        for (int r = 0; r < rows && width < packedWidth; r++) {
            Arrays.fill(packed, r * packedWidth + width, (r + 1) * packedWidth, 0f);
        }
        int all = (rows + multiple - 1) / multiple * multiple;
        Arrays.fill(packed, rows * packedWidth, all * packedWidth, 0f);
        return all;
    }
}
