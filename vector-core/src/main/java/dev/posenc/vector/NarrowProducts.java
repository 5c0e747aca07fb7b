package dev.posenc.vector;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvPrecision;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of a narrow block (at most one vector of entries: decode), along the head width
 * instead of along the entries, so that every lane does useful work. Key and value rows are read where
 * they are (an array, or a cache in any {@link KvPrecision}: half precision converted in registers as each
 * vector is loaded, {@link HalfPrecision}):
 * <ul>
 *   <li>{@link #scores}: {@code S[j][e] = Σ_c q_e[c]·k_j[c]} for four entries and four keys at a time,
 *       each key row loaded once per four entries and each query row once per four keys; the sixteen
 *       lanewise sums are folded together ({@link PairSums}), which leaves lane {@code 4·key + entry}
 *       holding that total. A row at least L wide whose width is not a multiple of L takes its last
 *       vector as the row's last L columns, the lanes of the columns already summed made +0 in the
 *       query and in the key; in a row narrower than L the columns are added in order after the fold;
 *   <li>{@link #accumulate}: {@code T[e][c] += p_{j,e}·v_j[c]} over a run of keys, each value vector
 *       loaded once per four entries and sixteen output vectors (four entries × four columns) held in
 *       registers across the run; rows row-major {@code [entries × valueDim]}. The block sums a tile's keys
 *       into T from zero and adds T to its output once per tile ({@link CompensatedSums#rows}).
 * </ul>
 * {@code accumulate} performs the same fused multiply-adds in the same order as
 * {@link TileProducts#accumulate} (per output, over the tile's keys), so outputs match a wide block's bit
 * for bit given the same weights; the logits' lane tree sums in another order than the wide
 * kernels' chains ({@code ⌈d/L⌉} fused multiply-adds per lane, then {@code log₂L} pairwise sums; for rows
 * narrower than L the columns one by one), within the same error bound {@code γ_d}. Every operation here is
 * exact IEEE arithmetic in a fixed order, so the results do not depend on the JIT tier.
 *
 * <p>Half-precision rows of a heap cache are loaded from its {@code short[]} ({@code kh}, {@code vh}; {@code null}
 * off-heap), not through its segment: C2 compiles a vector load from a heap segment only when the JDK's shared
 * load path has seen one array type, and the {@code float[]} of f32 rows and arrays beside the {@code short[]}
 * of half caches made it fall back to allocating copies (a forked {@code -Xbatch} JVM running every family,
 * AllocationContract: 3968 B per decode call).
 *
 * <p>{@code scoresF32}, {@code accumulateF32} and {@link #accumulate4}'s f32 columns load an off-heap segment through
 * the segment cast to {@code OFF_HEAP}, the class of off-heap segments, and any other through the segment cast to
 * {@code HEAP_FLOATS}, that of heap segments over a {@code float[]} (f32 rows are one or the other: arrays, heap F32
 * caches, converted F16 rows): C2 types the cast of a constant class as that class, so the JDK's load path needs no
 * receiver profile of the segments' kinds, which every {@code FloatVector} segment load in the JVM shares. Without the
 * first, in a JVM that had also run attention over arrays or a heap F32 cache, C2 checked the segment at every load
 * (192 instructions per 16 fused multiply-adds instead of 51; the cast: 1.316× as fast); without the second, heap F32
 * decode in a JVM that had also run an off-heap cache's was 1.23–1.30× slower. One test per load: with the heap cast
 * as a third branch beside the uncast load, the off-heap loop lost what the heap one gained. Measurements:
 * docs/experiments/decode.md, "Off-heap loads cast to OFF_HEAP", "Heap loads cast to HEAP_FLOATS".
 *
 * <p>In the values too, a row at least L wide whose width is not a multiple of L takes its last vector as its last L
 * columns, the lanes already summed ANDed to +0 ({@code KEEP}): the same bits as a scalar tail. The logits blend those
 * lanes to +0 in both the query and the key (0·∞ is NaN). No masked load or store: with them C1 gave up on the kernel
 * ("out of virtual registers") and its vectors allocated. The two logits kernels' loop heads are written twice: the
 * package's rule forbids a helper that returns vectors. At width 72 an f32 decode ran 1.61×, then 2.14× as fast.
 * Measurements: docs/experiments/decode.md, "Head widths that are not a multiple of L", "The logits' column tail".
 *
 * <p>The logits' kernels fold their sixteen sums in registers (0.80–0.82 of the time of storing and reloading them),
 * read rows through the segment, not through slices of their own, which C2 did not always scalar-replace (1.6 MB per
 * decode call), and count their loop by the constant {@code L}, the rows' byte offset advanced in a long of its own by
 * {@code lanes} (L, passed in), so that C2 hoists the query rows' bounds checks out of the loop and checks each key
 * load with one compare instead of building the range-check nest of long offsets at every call (BF16 1.100× as fast;
 * f32 no gain). Each takes every quad of a pass in one call, whose totals {@link #place} puts in the tile once per pass
 * ({@code scoresF32} 1.031× and {@link #scoresHalf} 1.062× as fast as a call and masked stores per quad); {@code
 * scoresF32} loads the fold's index vectors before its quad loop (as static constants, C2 converted them quad after
 * quad). BF16 rows through {@code scoresF32} boxed its vectors in a JVM running every family. The F32 logits passes
 * need not compute the rows a half-precision pass repeats ({@code row1}, {@code row2} of {@link #scores}).
 * Measurements: docs/experiments/decode.md, "The fold in registers", "Where the time goes once the rows are not in L2",
 * "The counted loop with an offset of its own", "C2's code of the decode kernels", "What the counted loop gained",
 * "BF16 rows through scoresF32", "The half-precision logits", "The counted loop's cost before scoresF32 left it",
 * "Masked stores of 128-bit parts", "F32 rows: one call per pass", "The fold's index vectors".
 *
 * <p>{@link #accumulate} calls {@code accumulateF32} per quad and group of four vectors of whole F32 columns from a
 * loop of its own, without the per-quad dispatch, which was the cost, not the calls; half rows go to {@link
 * #accumulateHalf}, one kernel for both, its key loop counted by the weights' index (no key counter). Measurements:
 * docs/experiments/decode.md, "The half-precision values", "F32 values without the dispatch".
 *
 * <p>Keys in lanes (K in column-interleaved blocks of keys: no fold) would make a step about 1.02× (f32) to 1.1× (BF16,
 * F16) as fast, and change the documented {@link KvCache#keys()} and every reader of key rows: not landed.
 * Measurements: docs/experiments/decode.md, "Key-in-lanes logits".
 */
final class NarrowProducts {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final VectorSpecies<Short> H = Lanes.SHORT;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /**
     * The class of off-heap segments ({@link MemorySegment#NULL}'s): a segment cast to it by this constant is typed as
     * one for C2, so that its loads are compiled for native memory whatever kinds of segment the JVM has loaded from
     * (class comment; {@link TilePacks#pack} uses it too).
     */
    static final Class<? extends MemorySegment> OFF_HEAP = MemorySegment.NULL.getClass();
    /**
     * The class of heap segments over a {@code float[]}, as f32 rows are where they are not off-heap (arrays, heap F32
     * caches, converted F16 rows): a segment cast to it by this constant is typed as one for C2, as {@link #OFF_HEAP}
     * types native ones (class comment; {@link TilePacks#pack} uses it too).
     */
    static final Class<? extends MemorySegment> HEAP_FLOATS = MemorySegment.ofArray(new float[0]).getClass();
    /** Keys whose logits {@link #scores} computes per pass over the head width. */
    static final int KEYS = 4;
    /** At most how many keys apart one pass's key rows lie ({@link #scores}). */
    private static final int SPREAD = 2;
    /** The memory page: a pass reads rows from as many pages as it can ({@link #scores}). */
    private static final long PAGE = 4096;
    /** The fold's permute indices ({@link PairSums}), loaded into vectors once per call by the logits' kernels. */
    private static final float[] EVEN_LANES = PairSums.EVEN.toArray();
    private static final float[] ODD_LANES = PairSums.ODD.toArray();
    /**
     * Two-vector indices of four-lane blocks ({@link #place}): at 16 lanes blocks 0 and 1 of a and b interleaved
     * ({@code a0 b0 a1 b1}), then 2 and 3; at 8 lanes block 0 of a and of b, then block 1.
     */
    private static final FloatVector LOW_BLOCKS = L == 16 ? blocks(0, 16, 4, 20) : blocks(0, 8);
    private static final FloatVector HIGH_BLOCKS = L == 16 ? blocks(8, 24, 12, 28) : blocks(4, 12);
    /** Two-vector indices of four-lane blocks ({@link #place}, 16 lanes): blocks 0 and 1 of a then of b, then 2 and 3. */
    private static final FloatVector LOW_HALVES = blocks(0, 4, 16, 20);
    private static final FloatVector HIGH_HALVES = blocks(8, 12, 24, 28);
    /** L zeros, then L all-ones lanes: from index {@code L − n}, the bits that keep the lanes from n ({@link #accumulate4}). */
    private static final int[] KEEP = new int[2 * L];

    static {
        Arrays.fill(KEEP, L, 2 * L, -1);
    }

    private NarrowProducts() {}

    /**
     * Where a loop over the columns of a row of width d in vectors of L stops: past the last partial vector ({@code d}
     * rounded up to a multiple of L) for rows at least L wide, whose last vector is the row's last L columns with the
     * lanes of the columns already summed made +0; at {@code F.loopBound(d)}, 0, for narrower rows, whose columns a
     * scalar loop takes.
     */
    private static int columnVectors(int d) {
        return d >= L ? (d + L - 1) / L * L : F.loopBound(d);
    }

    /** Lanes {@code 4b … 4b + 3} take elements {@code first[b] …} of two vectors (lanes past {@code 4·first.length}: 0). */
    private static FloatVector blocks(int... first) {
        float[] lanes = new float[L];
        for (int lane = 0; lane < Math.min(L, 4 * first.length); lane++) {
            lanes[lane] = first[lane / 4] + lane % 4;
        }
        return FloatVector.fromArray(F, lanes, 0);
    }

    /**
     * {@code s[at + (j − first)·PANEL + e] = Σ_c q[e·d + c]·k_g[j][c]} for the {@code keys} key rows of
     * {@code precision} elements from byte {@code kRow} of {@code k}, {@code kStride} bytes apart, and
     * {@code e < 4·quads} (q row-major, padded with zero rows to whole quads), where entry e reads kv head
     * {@code g = e / (4·quadsPerHead)}, whose rows are {@code g·kHead} bytes further (and whose flags, a cache's
     * {@link KvCache#subnormalRows()} or null, are at {@code flagAt + j·flagStride + g} for key j; a pass of F16 rows
     * of which one holds a subnormal half is converted into {@code converted}, {@value #KEYS} rows of d, whose segment
     * is {@code convertedRows}, and computed as f32's: {@link #scoresHalf}; every precision's products leave each quad's
     * logits of a pass in {@code passTotals}, {@code 16·quads} floats, placed once per pass); unless {@code norms} is
     * null (F32 rows only), {@code norms[normsAt + g·normsStride + j − first] = Σ_c k_g[j][c]²}, each key row's squared
     * norm in float (the logit guard's input, computed from the rows already loaded).
     *
     * <p>A pass's four key rows lie in four memory pages where they can: when a position's rows take less than a
     * page ({@code kStride} below {@value #PAGE} bytes: F16 and BF16 caches of 8 kv heads × 128), the keys of a run of
     * {@code 4·}{@value #SPREAD} are taken as passes of every {@value #SPREAD}nd key ({@code j, j+2, j+4, j+6}, then
     * {@code j+1, …}). Each logit is computed by the same operations as with neighbouring keys, so the bits do not
     * change. The hardware prefetchers follow a page's lines, so a pass over rows of 2 pages kept too few misses in
     * flight: BF16 at 32768 keys ran 1.15–1.21× as fast; a pass over one page (one key's rows of a part's four kv
     * heads) ran 0.56× as fast at 4096 keys. Measurements: docs/experiments/decode.md, "Passes over pages", "Each side
     * of a pairing holds its own cache".
     */
    static void scores(float[] q, int quads, int quadsPerHead, int d, MemorySegment k, short[] kh, long kRow, long kStride,
                       long kHead, KvPrecision precision, MemorySegment flags, long flagAt, int flagStride, float[] converted,
                       MemorySegment convertedRows, float[] passTotals, int keys, float[] s, int at, float[] norms,
                       int normsAt, int normsStride) {
        // No long division where rows take a page or more (f32 caches of 8 kv heads × 128; docs/experiments/decode.md).
        int spread = kStride >= PAGE ? 1 : (int) Math.min(SPREAD, PAGE / kStride);
        // Where the columns left to the scalar loop start: none for rows at least L wide (the kernels' last vector takes
        // their tail, columnVectors), all for narrower rows, whose columns are added in order after the kernels.
        int whole = d >= L ? d : 0;
        for (int j = 0; j < keys; ) {
            int apart = keys - j >= KEYS * spread ? spread : 1;
            for (int r = 0; r < apart; r++) {
                int count = Math.min(KEYS, keys - j - r);
                long step = apart * kStride;
                long row = kRow + (j + r) * kStride;
                if (precision == KvPrecision.F32) {
                    // F32 rows: every quad's products in one call.
                    scoresF32(q, 0, quads, quadsPerHead, d, k, row, step, kHead, passTotals, 0, count, norms, normsAt + j + r,
                            normsStride, apart, L);
                } else {
                    // Half rows: every quad in one call, but with F16 rows a quad whose kv head's rows hold a subnormal
                    // half first, its rows converted the other exact way, then f32's products. The quad's kv head
                    // counted, not divided (an integer division per quad; docs/experiments/decode.md).
                    int done = 0;
                    for (int quad = 0, head = 0, inHead = 0; precision == KvPrecision.F16 && quad < quads; quad++, inHead++) {
                        if (inHead == quadsPerHead) {
                            head++;
                            inHead = 0;
                        }
                        if (flagged(flags, flagAt + (long) (j + r) * flagStride + head, (long) apart * flagStride, count,
                                KvCache.KEY_SUBNORMAL)) {
                            TilePacks.pack(k, kh, row + head * kHead, step, precision, 1f, count, d, d, converted, 1);
                            scoresF32(q, 4 * quad * d, 1, 1, d, convertedRows, 0, 4L * d, 0, passTotals, 4 * KEYS * quad, count,
                                    null, 0, 0, apart, L);
                            done |= 1 << quad;
                        }
                    }
                    scoresHalf(q, quads, quadsPerHead, d, k, kh, row, step, kHead, count, precision == KvPrecision.BF16, done,
                            passTotals, L);
                }
                // Every quad's logits of the pass placed at once (their sixteen totals each, unmasked in passTotals).
                place(passTotals, quads, count, s, at + (j + r) * PANEL, apart * PANEL);
                if (whole == d) {
                    continue;
                }
                for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++) {
                    if (inHead == quadsPerHead) {
                        head++;
                        inHead = 0;
                    }
                    long shift = head * kHead;
                    boolean first = inHead == 0;
                    int n0 = normsAt + head * normsStride + j + r;
                    for (int key = 0; key < count; key++) {
                        long o = row + shift + key * step;
                        for (int e = 0; e < 4; e++) {
                            int out = at + (j + r + key * apart) * PANEL + 4 * quad + e;
                            s[out] = tail(q, (4 * quad + e) * d, k, o, precision, whole, d, s[out]);
                        }
                        if (first && norms != null) {
                            float norm = norms[n0 + key * apart];
                            for (int i = whole; i < d; i++) {
                                float x = precision.read(k, o + (long) i * precision.bytes());
                                norm += x * x;
                            }
                            norms[n0 + key * apart] = norm;
                        }
                    }
                }
            }
            j += apart > 1 ? KEYS * apart : KEYS;
        }
    }

    /**
     * Each of {@code quads} quads' four entries' dot products (quad i's query rows from {@code q0 + 4·i·d}; its kv head
     * {@code g = i / quadsPerHead}, whose rows are {@code g·kHead} bytes further) with four key rows from byte
     * {@code row}, {@code rowStep} bytes apart (rows past the {@code count}th repeat it), over the head width in vectors
     * ({@link #columnVectors}: the last vector of a row at least L wide whose width is not a multiple of L is its last L
     * columns, the lanes of the columns already summed blended to +0 in the query and the key, so that {@code fma(+0,
     * +0, sum)} leaves those sums as they were, whatever the key or query held there; no masked load: class comment), for
     * float rows (arrays, F32 caches), with the squared norms of each kv head's rows unless
     * {@code norms} is null (kv head g's row i at {@code norms[normsFrom + g·normsStride + i·normsStep]}): per quad,
     * sixteen lanewise accumulators folded in registers and stored whole into {@code totals[totalsAt + 16·i …]} (lane
     * {@code 4·key + entry}), which {@link #scores} places once per pass ({@link #place}); the rows' offset is advanced
     * by {@code lanes} (L, passed in: class comment).
     */
    private static void scoresF32(float[] q, int q0, int quads, int quadsPerHead, int d, MemorySegment k, long row, long rowStep,
                                  long kHead, float[] totals, int totalsAt, int count, float[] norms, int normsFrom,
                                  int normsStride, int normsStep, int lanes) {
        long last = (count - 1) * rowStep;
        long step1 = Math.min(rowStep, last);
        long step2 = Math.min(2 * rowStep, last);
        // An off-heap k as such (OFF_HEAP), else null: its loads below need no profile of the segments' kinds.
        MemorySegment kn = OFF_HEAP.isInstance(k) ? OFF_HEAP.cast(k) : null;
        // Else float rows are a heap segment over a float[] (arrays, heap caches, converted rows): as such (HEAP_FLOATS).
        MemorySegment kf = kn == null ? HEAP_FLOATS.cast(k) : null;
        int end = columnVectors(d);
        boolean tailed = end > d;
        // The fold's indices loaded here, not unboxed from the constants at each use: there, in the quad loop, C2 converted
        // their float lanes to int indices quad after quad.
        FloatVector even = FloatVector.fromArray(F, EVEN_LANES, 0);
        FloatVector odd = FloatVector.fromArray(F, ODD_LANES, 0);
        for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++, q0 += 4 * d) {
            if (inHead == quadsPerHead) {
                head++;
                inHead = 0;
            }
            long row0 = row + head * kHead;
            long row1 = row0 + step1;
            long row2 = row0 + step2;
            long row3 = row0 + last;
            int normsAt = normsFrom + head * normsStride;
            boolean withNorms = norms != null && inHead == 0;
            FloatVector zero = FloatVector.zero(F);
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector n0 = a0, n1 = a0, n2 = a0, n3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
            long o = 0;
            // The whole vectors, then, in a row at least L wide with a column tail, its last L columns: the back lanes,
            // already summed, blended to +0 in the query and the key, so that their sums do not change. A JVM that has
            // run whole-vector widths only compiles the untaken branch as a trap: back is 0, the loop main's (class
            // comment). Each key's norm after its products: a blended key as a receiver before them boxed vectors.
            for (int c = 0; c < end; c += L, o += 4L * lanes) {
                int back = 0;
                if (tailed) {
                    back = Math.max(0, c + L - d);
                }
                int col = c - back;
                VectorMask<Float> drop = VectorMask.fromLong(F, (1L << back) - 1);
                long ko = o - 4L * back;
                FloatVector x0 = FloatVector.fromArray(F, q, q0 + col);
                FloatVector x1 = FloatVector.fromArray(F, q, q0 + d + col);
                FloatVector x2 = FloatVector.fromArray(F, q, q0 + 2 * d + col);
                FloatVector x3 = FloatVector.fromArray(F, q, q0 + 3 * d + col);
                if (back != 0) {
                    x0 = x0.blend(zero, drop);
                    x1 = x1.blend(zero, drop);
                    x2 = x2.blend(zero, drop);
                    x3 = x3.blend(zero, drop);
                }
                FloatVector k0 = kn != null ? FloatVector.fromMemorySegment(F, kn, row0 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, kf, row0 + ko, NATIVE);
                if (back != 0) {
                    k0 = k0.blend(zero, drop);
                }
                a0 = FMA ? x0.fma(k0, a0) : x0.mul(k0).add(a0);
                a1 = FMA ? x1.fma(k0, a1) : x1.mul(k0).add(a1);
                a2 = FMA ? x2.fma(k0, a2) : x2.mul(k0).add(a2);
                a3 = FMA ? x3.fma(k0, a3) : x3.mul(k0).add(a3);
                if (withNorms) {
                    n0 = FMA ? k0.fma(k0, n0) : k0.mul(k0).add(n0);
                }
                FloatVector k1 = kn != null ? FloatVector.fromMemorySegment(F, kn, row1 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, kf, row1 + ko, NATIVE);
                if (back != 0) {
                    k1 = k1.blend(zero, drop);
                }
                b0 = FMA ? x0.fma(k1, b0) : x0.mul(k1).add(b0);
                b1 = FMA ? x1.fma(k1, b1) : x1.mul(k1).add(b1);
                b2 = FMA ? x2.fma(k1, b2) : x2.mul(k1).add(b2);
                b3 = FMA ? x3.fma(k1, b3) : x3.mul(k1).add(b3);
                if (withNorms) {
                    n1 = FMA ? k1.fma(k1, n1) : k1.mul(k1).add(n1);
                }
                FloatVector k2 = kn != null ? FloatVector.fromMemorySegment(F, kn, row2 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, kf, row2 + ko, NATIVE);
                if (back != 0) {
                    k2 = k2.blend(zero, drop);
                }
                c0 = FMA ? x0.fma(k2, c0) : x0.mul(k2).add(c0);
                c1 = FMA ? x1.fma(k2, c1) : x1.mul(k2).add(c1);
                c2 = FMA ? x2.fma(k2, c2) : x2.mul(k2).add(c2);
                c3 = FMA ? x3.fma(k2, c3) : x3.mul(k2).add(c3);
                if (withNorms) {
                    n2 = FMA ? k2.fma(k2, n2) : k2.mul(k2).add(n2);
                }
                FloatVector k3 = kn != null ? FloatVector.fromMemorySegment(F, kn, row3 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, kf, row3 + ko, NATIVE);
                if (back != 0) {
                    k3 = k3.blend(zero, drop);
                }
                e0 = FMA ? x0.fma(k3, e0) : x0.mul(k3).add(e0);
                e1 = FMA ? x1.fma(k3, e1) : x1.mul(k3).add(e1);
                e2 = FMA ? x2.fma(k3, e2) : x2.mul(k3).add(e2);
                e3 = FMA ? x3.fma(k3, e3) : x3.mul(k3).add(e3);
                if (withNorms) {
                    n3 = FMA ? k3.fma(k3, n3) : k3.mul(k3).add(n3);
                }
            }
            if (withNorms) {
                // The key rows' squared norms: lanes [i·L/4, (i + 1)·L/4) hold row i's partials, halved to lane i.
                FloatVector n01 = even.selectFrom(n0, n1).add(odd.selectFrom(n0, n1));
                FloatVector n23 = even.selectFrom(n2, n3).add(odd.selectFrom(n2, n3));
                FloatVector squares = even.selectFrom(n01, n23).add(odd.selectFrom(n01, n23));
                for (int span = L / 4; span > 1; span /= 2) {
                    squares = even.selectFrom(squares, squares).add(odd.selectFrom(squares, squares));
                }
                if (normsStep == 1) {
                    squares.intoArray(norms, normsAt, VectorMask.fromLong(F, (1L << count) - 1));
                } else {
                    for (int i = 0; i < count; i++) {
                        norms[normsAt + i * normsStep] = squares.lane(i);
                    }
                }
            }
            // Folded level by level (PairSums): after log2(L) levels, lane 4·key + entry of the 16 / L results
            // holds that dot product's total.
            FloatVector h0 = even.selectFrom(a0, a1).add(odd.selectFrom(a0, a1));
            FloatVector h1 = even.selectFrom(a2, a3).add(odd.selectFrom(a2, a3));
            FloatVector h2 = even.selectFrom(b0, b1).add(odd.selectFrom(b0, b1));
            FloatVector h3 = even.selectFrom(b2, b3).add(odd.selectFrom(b2, b3));
            FloatVector h4 = even.selectFrom(c0, c1).add(odd.selectFrom(c0, c1));
            FloatVector h5 = even.selectFrom(c2, c3).add(odd.selectFrom(c2, c3));
            FloatVector h6 = even.selectFrom(e0, e1).add(odd.selectFrom(e0, e1));
            FloatVector h7 = even.selectFrom(e2, e3).add(odd.selectFrom(e2, e3));
            FloatVector key0 = even.selectFrom(h0, h1).add(odd.selectFrom(h0, h1));
            FloatVector key1 = even.selectFrom(h2, h3).add(odd.selectFrom(h2, h3));
            FloatVector key2 = even.selectFrom(h4, h5).add(odd.selectFrom(h4, h5));
            FloatVector key3 = even.selectFrom(h6, h7).add(odd.selectFrom(h6, h7));
            // The quad's sixteen totals, lane 4·key + entry, unmasked into totals[16·quad …]; placed after the loop.
            int t0 = totalsAt + 4 * KEYS * quad;
            if (L == 4) {
                key0.intoArray(totals, t0);
                key1.intoArray(totals, t0 + 4);
                key2.intoArray(totals, t0 + 8);
                key3.intoArray(totals, t0 + 12);
                continue;
            }
            FloatVector keys01 = even.selectFrom(key0, key1).add(odd.selectFrom(key0, key1));
            FloatVector keys23 = even.selectFrom(key2, key3).add(odd.selectFrom(key2, key3));
            if (L == 8) {
                keys01.intoArray(totals, t0);
                keys23.intoArray(totals, t0 + 8);
                continue;
            }
            even.selectFrom(keys01, keys23).add(odd.selectFrom(keys01, keys23)).intoArray(totals, t0);
        }
    }

    /**
     * Key i's logits of every quad, {@code totals[16·quad + 4·i + e]}, to {@code s[at + i·step + 4·quad + e]} for
     * {@code i < count}, one store per key of the part's quads' lanes (at most L / 4 quads: a part's entries fill at most
     * one vector): at 16 lanes a transpose of the four quads' four-lane blocks (two levels of two-vector permutes), at 8
     * one level over the two quads' halves, at 4 a copy.
     */
    private static void place(float[] totals, int quads, int count, float[] s, int at, int step) {
        VectorMask<Float> mine = VectorMask.fromLong(F, (1L << 4 * quads) - 1);
        FloatVector key0, key1, key2, key3;
        if (L == 16) {
            FloatVector t0 = FloatVector.fromArray(F, totals, 0);
            FloatVector t1 = FloatVector.fromArray(F, totals, L);
            FloatVector t2 = FloatVector.fromArray(F, totals, 2 * L);
            FloatVector t3 = FloatVector.fromArray(F, totals, 3 * L);
            FloatVector low01 = LOW_BLOCKS.selectFrom(t0, t1);
            FloatVector low23 = LOW_BLOCKS.selectFrom(t2, t3);
            FloatVector high01 = HIGH_BLOCKS.selectFrom(t0, t1);
            FloatVector high23 = HIGH_BLOCKS.selectFrom(t2, t3);
            key0 = LOW_HALVES.selectFrom(low01, low23);
            key1 = HIGH_HALVES.selectFrom(low01, low23);
            key2 = LOW_HALVES.selectFrom(high01, high23);
            key3 = HIGH_HALVES.selectFrom(high01, high23);
        } else if (L == 8) {
            FloatVector keys01 = FloatVector.fromArray(F, totals, 0);
            FloatVector keys23 = FloatVector.fromArray(F, totals, L);
            FloatVector next01 = FloatVector.fromArray(F, totals, 2 * L);
            FloatVector next23 = FloatVector.fromArray(F, totals, 3 * L);
            key0 = LOW_BLOCKS.selectFrom(keys01, next01);
            key1 = HIGH_BLOCKS.selectFrom(keys01, next01);
            key2 = LOW_BLOCKS.selectFrom(keys23, next23);
            key3 = HIGH_BLOCKS.selectFrom(keys23, next23);
        } else {
            key0 = FloatVector.fromArray(F, totals, 0);
            key1 = FloatVector.fromArray(F, totals, L);
            key2 = FloatVector.fromArray(F, totals, 2 * L);
            key3 = FloatVector.fromArray(F, totals, 3 * L);
        }
        key0.intoArray(s, at, mine);
        if (count > 1) {
            key1.intoArray(s, at + step, mine);
        }
        if (count > 2) {
            key2.intoArray(s, at + 2 * step, mine);
        }
        if (count > 3) {
            key3.intoArray(s, at + 3 * step, mine);
        }
    }

    /**
     * {@link #scoresF32}'s products (without norms) for half-precision rows, converted as they are loaded
     * ({@link HalfPrecision}): BF16 rows if {@code bf16}, else F16 rows that hold no subnormal half, by a multiply; for
     * the quads whose bit of {@code done} is clear; the last vector of a row with a column tail as there (the key's
     * lanes already summed blended to +0 after the conversion). A quad whose F16 rows hold one
     * ({@link KvCache#subnormalRows()}) {@link #scores} computes first: {@link TilePacks#pack} converts them the other exact way into floats and
     * {@link #scoresF32} runs over those, the same fused multiply-adds in the same order.
     *
     * <p>F16's multiply (four operations instead of eight) gives the same bits: 9666 attention outputs (every precision,
     * heap and off-heap, linear and ring caches after roll-back, one and two threads, Gaussian, tiny, zero, −0,
     * subnormal, NaN and infinite elements, 512 and 256 bits; a throw-away harness) hashed equal to the code before.
     * Measurements: docs/experiments/decode.md, "F16's multiply".
     */
    private static void scoresHalf(float[] q, int quads, int quadsPerHead, int d, MemorySegment k, short[] kh, long row,
                                   long rowStep, long kHead, int count, boolean bf16, int done, float[] totals, int lanes) {
        long last = (count - 1) * rowStep;
        long step1 = Math.min(rowStep, last);
        long step2 = Math.min(2 * rowStep, last);
        // The fold's indices loaded here, as scoresF32's.
        FloatVector even = FloatVector.fromArray(F, EVEN_LANES, 0);
        FloatVector odd = FloatVector.fromArray(F, ODD_LANES, 0);
        int end = columnVectors(d);
        boolean tailed = end > d;
        for (int quad = 0, head = 0, inHead = 0, q0 = 0; quad < quads; quad++, inHead++, q0 += 4 * d) {
            if (inHead == quadsPerHead) {
                head++;
                inHead = 0;
            }
            if ((done >>> quad & 1) != 0) {
                continue;
            }
            long row0 = row + head * kHead;
            long row1 = row0 + step1;
            long row2 = row0 + step2;
            long row3 = row0 + last;
            int t0 = 4 * KEYS * quad;
            FloatVector zero = FloatVector.zero(F);
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
            int i0 = (int) (row0 >>> 1), i1 = (int) (row1 >>> 1), i2 = (int) (row2 >>> 1), i3 = (int) (row3 >>> 1);
            long o = 0;
            // The whole vectors, then the last L columns of a row with a column tail, as in scoresF32.
            for (int c = 0; c < end; c += L, o += 2L * lanes) {
                int back = 0;
                if (tailed) {
                    back = Math.max(0, c + L - d);
                }
                int col = c - back;
                VectorMask<Float> drop = VectorMask.fromLong(F, (1L << back) - 1);
                long ko = o - 2L * back;
                FloatVector x0 = FloatVector.fromArray(F, q, q0 + col);
                FloatVector x1 = FloatVector.fromArray(F, q, q0 + d + col);
                FloatVector x2 = FloatVector.fromArray(F, q, q0 + 2 * d + col);
                FloatVector x3 = FloatVector.fromArray(F, q, q0 + 3 * d + col);
                if (back != 0) {
                    x0 = x0.blend(zero, drop);
                    x1 = x1.blend(zero, drop);
                    x2 = x2.blend(zero, drop);
                    x3 = x3.blend(zero, drop);
                }
                IntVector k0Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i0 + col) : ShortVector.fromMemorySegment(H, k, row0 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k0 = bf16 ? k0Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k0Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k0 = k0.blend(zero, drop);
                }
                a0 = FMA ? x0.fma(k0, a0) : x0.mul(k0).add(a0);
                a1 = FMA ? x1.fma(k0, a1) : x1.mul(k0).add(a1);
                a2 = FMA ? x2.fma(k0, a2) : x2.mul(k0).add(a2);
                a3 = FMA ? x3.fma(k0, a3) : x3.mul(k0).add(a3);
                IntVector k1Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i1 + col) : ShortVector.fromMemorySegment(H, k, row1 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k1 = bf16 ? k1Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k1Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k1 = k1.blend(zero, drop);
                }
                b0 = FMA ? x0.fma(k1, b0) : x0.mul(k1).add(b0);
                b1 = FMA ? x1.fma(k1, b1) : x1.mul(k1).add(b1);
                b2 = FMA ? x2.fma(k1, b2) : x2.mul(k1).add(b2);
                b3 = FMA ? x3.fma(k1, b3) : x3.mul(k1).add(b3);
                IntVector k2Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i2 + col) : ShortVector.fromMemorySegment(H, k, row2 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k2 = bf16 ? k2Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k2Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k2 = k2.blend(zero, drop);
                }
                c0 = FMA ? x0.fma(k2, c0) : x0.mul(k2).add(c0);
                c1 = FMA ? x1.fma(k2, c1) : x1.mul(k2).add(c1);
                c2 = FMA ? x2.fma(k2, c2) : x2.mul(k2).add(c2);
                c3 = FMA ? x3.fma(k2, c3) : x3.mul(k2).add(c3);
                IntVector k3Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i3 + col) : ShortVector.fromMemorySegment(H, k, row3 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k3 = bf16 ? k3Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k3Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k3 = k3.blend(zero, drop);
                }
                e0 = FMA ? x0.fma(k3, e0) : x0.mul(k3).add(e0);
                e1 = FMA ? x1.fma(k3, e1) : x1.mul(k3).add(e1);
                e2 = FMA ? x2.fma(k3, e2) : x2.mul(k3).add(e2);
                e3 = FMA ? x3.fma(k3, e3) : x3.mul(k3).add(e3);
            }
            // Folded level by level (PairSums): after log2(L) levels, lane 4·key + entry of the 16 / L results
            // holds that dot product's total.
            FloatVector h0 = even.selectFrom(a0, a1).add(odd.selectFrom(a0, a1));
            FloatVector h1 = even.selectFrom(a2, a3).add(odd.selectFrom(a2, a3));
            FloatVector h2 = even.selectFrom(b0, b1).add(odd.selectFrom(b0, b1));
            FloatVector h3 = even.selectFrom(b2, b3).add(odd.selectFrom(b2, b3));
            FloatVector h4 = even.selectFrom(c0, c1).add(odd.selectFrom(c0, c1));
            FloatVector h5 = even.selectFrom(c2, c3).add(odd.selectFrom(c2, c3));
            FloatVector h6 = even.selectFrom(e0, e1).add(odd.selectFrom(e0, e1));
            FloatVector h7 = even.selectFrom(e2, e3).add(odd.selectFrom(e2, e3));
            FloatVector key0 = even.selectFrom(h0, h1).add(odd.selectFrom(h0, h1));
            FloatVector key1 = even.selectFrom(h2, h3).add(odd.selectFrom(h2, h3));
            FloatVector key2 = even.selectFrom(h4, h5).add(odd.selectFrom(h4, h5));
            FloatVector key3 = even.selectFrom(h6, h7).add(odd.selectFrom(h6, h7));
            // The sixteen totals, lane 4·key + entry, unmasked into totals[t0 …], as scoresF32's.
            if (L == 4) {
                key0.intoArray(totals, t0);
                key1.intoArray(totals, t0 + 4);
                key2.intoArray(totals, t0 + 8);
                key3.intoArray(totals, t0 + 12);
                continue;
            }
            FloatVector keys01 = even.selectFrom(key0, key1).add(odd.selectFrom(key0, key1));
            FloatVector keys23 = even.selectFrom(key2, key3).add(odd.selectFrom(key2, key3));
            if (L == 8) {
                keys01.intoArray(totals, t0);
                keys23.intoArray(totals, t0 + 8);
                continue;
            }
            even.selectFrom(keys01, keys23).add(odd.selectFrom(keys01, keys23)).intoArray(totals, t0);
        }
    }

    private static float tail(float[] q, int q0, MemorySegment k, long kRow, KvPrecision precision, int from, int d,
                              float sum) {
        for (int c = from; c < d; c++) {
            sum = fma(q[q0 + c], precision.read(k, kRow + (long) c * precision.bytes()), sum);
        }
        return sum;
    }

    /**
     * {@code t[e·dv + c] = fma(s[at + j·PANEL + e], v[j][c], t[e·dv + c])} for {@code e < 4·quads},
     * {@code c < dv} and keys {@code j < keys} in order, the value rows of {@code precision} elements from byte
     * {@code vRow} of {@code v}, {@code vStride} bytes apart (entry e's kv head {@code g = e / (4·quadsPerHead)} times
     * {@code vHead} bytes further, its flags at {@code flagAt + j·flagStride + g} as in {@link #scores}), each multiplied
     * by {@code 2^−scale} as it is read (the values' scale of {@link OnlineSoftmax}; for F16 in the conversion, at no
     * cost): a run of keys' contributions to every entry's row of the tile's sums. F16 rows of a kv head of which one
     * holds a subnormal half are converted into {@code converted} first (at most its length ÷ dv keys), as in
     * {@link #scores}.
     */
    static void accumulate(float[] s, int at, int quads, int quadsPerHead, MemorySegment v, short[] vh, long vRow, long vStride,
                           long vHead, KvPrecision precision, MemorySegment flags, long flagAt, int flagStride, float[] converted,
                           MemorySegment convertedRows, int scale, int keys, int dv, float[] t) {
        if (precision == KvPrecision.F32 && dv % (4 * L) == 0) {
            // F32 rows of whole groups of four vectors: the kernel for each quad and group, no dispatch (class comment).
            for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++) {
                if (inHead == quadsPerHead) {
                    head++;
                    inHead = 0;
                }
                for (int c = 0; c < dv; c += 4 * L) {
                    accumulateF32(s, at + 4 * quad, v, vRow + head * vHead + 4L * c, vStride, scale, keys, dv, t, 4 * quad * dv + c);
                }
            }
            return;
        }
        // Rows with a column tail, or half rows (accumulateHalf for each quad and group, its factor computed here once);
        // F16 rows of a quad whose kv head's rows hold a subnormal half converted the other exact way, then f32's products.
        int whole = dv - dv % (4 * L);
        boolean bf16 = precision == KvPrecision.BF16;
        float factor = Math.scalb(bf16 ? 1f : HalfPrecision.WIDEN, -scale);
        for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++) {
            if (inHead == quadsPerHead) {
                head++;
                inHead = 0;
            }
            MemorySegment rows = v;
            short[] halves = vh;
            long headRow = vRow + head * vHead;
            long stride = vStride;
            KvPrecision read = precision;
            if (precision == KvPrecision.F16 && flagged(flags, flagAt + head, flagStride, keys, KvCache.VALUE_SUBNORMAL)) {
                // A row holds a subnormal half: the rows converted the other exact way, then f32's products.
                TilePacks.pack(v, vh, headRow, vStride, precision, 1f, keys, dv, dv, converted, 1);
                rows = convertedRows;
                halves = null;
                headRow = 0;
                stride = 4L * dv;
                read = KvPrecision.F32;
            }
            for (int c = 0; c < whole; c += 4 * L) {
                if (read == KvPrecision.F32) {
                    accumulateF32(s, at + 4 * quad, rows, headRow + 4L * c, stride, scale, keys, dv, t, 4 * quad * dv + c);
                } else {
                    accumulateHalf(s, at + 4 * quad, v, vh, headRow + 2L * c, vStride, bf16, factor, keys, dv, t, 4 * quad * dv + c);
                }
            }
            if (whole < dv) {
                accumulate4(s, at + 4 * quad, rows, halves, headRow, stride, read, scale, keys, whole, dv, t, 4 * quad * dv);
            }
        }
    }

    /**
     * Four entries' sums over four vectors of columns from {@code o0}, held in sixteen registers across
     * the keys, for float value rows: per key, four weights broadcast and four value vectors loaded (each multiplied by
     * {@code 2^−scale}) for sixteen fused multiply-adds.
     */
    private static void accumulateF32(float[] s, int at, MemorySegment v, long vRow, long vStride, int scale, int keys,
                                      int dv, float[] o, int o0) {
        float factor = Math.scalb(1f, -scale);
        MemorySegment vn = OFF_HEAP.isInstance(v) ? OFF_HEAP.cast(v) : null; // as scoresF32's kn
        MemorySegment vf = vn == null ? HEAP_FLOATS.cast(v) : null; // as scoresF32's kf
        FloatVector x00 = FloatVector.fromArray(F, o, o0);
        FloatVector x01 = FloatVector.fromArray(F, o, o0 + L);
        FloatVector x02 = FloatVector.fromArray(F, o, o0 + 2 * L);
        FloatVector x03 = FloatVector.fromArray(F, o, o0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(F, o, o0 + dv);
        FloatVector x11 = FloatVector.fromArray(F, o, o0 + dv + L);
        FloatVector x12 = FloatVector.fromArray(F, o, o0 + dv + 2 * L);
        FloatVector x13 = FloatVector.fromArray(F, o, o0 + dv + 3 * L);
        FloatVector x20 = FloatVector.fromArray(F, o, o0 + 2 * dv);
        FloatVector x21 = FloatVector.fromArray(F, o, o0 + 2 * dv + L);
        FloatVector x22 = FloatVector.fromArray(F, o, o0 + 2 * dv + 2 * L);
        FloatVector x23 = FloatVector.fromArray(F, o, o0 + 2 * dv + 3 * L);
        FloatVector x30 = FloatVector.fromArray(F, o, o0 + 3 * dv);
        FloatVector x31 = FloatVector.fromArray(F, o, o0 + 3 * dv + L);
        FloatVector x32 = FloatVector.fromArray(F, o, o0 + 3 * dv + 2 * L);
        FloatVector x33 = FloatVector.fromArray(F, o, o0 + 3 * dv + 3 * L);
        long row = vRow;
        for (int j = 0, p = at; j < keys; j++, p += PANEL, row += vStride) {
            FloatVector v0 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row, NATIVE)
                    : FloatVector.fromMemorySegment(F, vf, row, NATIVE)).mul(factor);
            FloatVector v1 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row + 4L * L, NATIVE)
                    : FloatVector.fromMemorySegment(F, vf, row + 4L * L, NATIVE)).mul(factor);
            FloatVector v2 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row + 8L * L, NATIVE)
                    : FloatVector.fromMemorySegment(F, vf, row + 8L * L, NATIVE)).mul(factor);
            FloatVector v3 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row + 12L * L, NATIVE)
                    : FloatVector.fromMemorySegment(F, vf, row + 12L * L, NATIVE)).mul(factor);
            FloatVector p0 = FloatVector.broadcast(F, s[p]);
            x00 = FMA ? p0.fma(v0, x00) : p0.mul(v0).add(x00);
            x01 = FMA ? p0.fma(v1, x01) : p0.mul(v1).add(x01);
            x02 = FMA ? p0.fma(v2, x02) : p0.mul(v2).add(x02);
            x03 = FMA ? p0.fma(v3, x03) : p0.mul(v3).add(x03);
            FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
            x10 = FMA ? p1.fma(v0, x10) : p1.mul(v0).add(x10);
            x11 = FMA ? p1.fma(v1, x11) : p1.mul(v1).add(x11);
            x12 = FMA ? p1.fma(v2, x12) : p1.mul(v2).add(x12);
            x13 = FMA ? p1.fma(v3, x13) : p1.mul(v3).add(x13);
            FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
            x20 = FMA ? p2.fma(v0, x20) : p2.mul(v0).add(x20);
            x21 = FMA ? p2.fma(v1, x21) : p2.mul(v1).add(x21);
            x22 = FMA ? p2.fma(v2, x22) : p2.mul(v2).add(x22);
            x23 = FMA ? p2.fma(v3, x23) : p2.mul(v3).add(x23);
            FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
            x30 = FMA ? p3.fma(v0, x30) : p3.mul(v0).add(x30);
            x31 = FMA ? p3.fma(v1, x31) : p3.mul(v1).add(x31);
            x32 = FMA ? p3.fma(v2, x32) : p3.mul(v2).add(x32);
            x33 = FMA ? p3.fma(v3, x33) : p3.mul(v3).add(x33);
        }
        x00.intoArray(o, o0);
        x01.intoArray(o, o0 + L);
        x02.intoArray(o, o0 + 2 * L);
        x03.intoArray(o, o0 + 3 * L);
        x10.intoArray(o, o0 + dv);
        x11.intoArray(o, o0 + dv + L);
        x12.intoArray(o, o0 + dv + 2 * L);
        x13.intoArray(o, o0 + dv + 3 * L);
        x20.intoArray(o, o0 + 2 * dv);
        x21.intoArray(o, o0 + 2 * dv + L);
        x22.intoArray(o, o0 + 2 * dv + 2 * L);
        x23.intoArray(o, o0 + 2 * dv + 3 * L);
        x30.intoArray(o, o0 + 3 * dv);
        x31.intoArray(o, o0 + 3 * dv + L);
        x32.intoArray(o, o0 + 3 * dv + 2 * L);
        x33.intoArray(o, o0 + 3 * dv + 3 * L);
    }

    /**
     * {@link #accumulateF32}'s sums for half-precision value rows, converted as they are loaded ({@link HalfPrecision}):
     * BF16 rows if {@code bf16}, else F16 rows that hold no subnormal half ({@link #accumulate} sends others through
     * {@link #accumulateF32}, as {@link #scores}), each vector multiplied by {@code factor} ({@code 2^−scale}, for F16
     * times {@link HalfPrecision#WIDEN}: the conversion's multiply scales at no cost). Four entries' sums over four
     * vectors of columns from {@code o0}, held in sixteen registers across the keys: per key, four weights broadcast and
     * four value vectors loaded for sixteen fused multiply-adds; the key loop counted by the weights' index {@code p}
     * (no key counter: class comment).
     */
    private static void accumulateHalf(float[] s, int at, MemorySegment v, short[] vh, long vRow, long vStride, boolean bf16,
                                       float factor, int keys, int dv, float[] o, int o0) {
        FloatVector x00 = FloatVector.fromArray(F, o, o0);
        FloatVector x01 = FloatVector.fromArray(F, o, o0 + L);
        FloatVector x02 = FloatVector.fromArray(F, o, o0 + 2 * L);
        FloatVector x03 = FloatVector.fromArray(F, o, o0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(F, o, o0 + dv);
        FloatVector x11 = FloatVector.fromArray(F, o, o0 + dv + L);
        FloatVector x12 = FloatVector.fromArray(F, o, o0 + dv + 2 * L);
        FloatVector x13 = FloatVector.fromArray(F, o, o0 + dv + 3 * L);
        FloatVector x20 = FloatVector.fromArray(F, o, o0 + 2 * dv);
        FloatVector x21 = FloatVector.fromArray(F, o, o0 + 2 * dv + L);
        FloatVector x22 = FloatVector.fromArray(F, o, o0 + 2 * dv + 2 * L);
        FloatVector x23 = FloatVector.fromArray(F, o, o0 + 2 * dv + 3 * L);
        FloatVector x30 = FloatVector.fromArray(F, o, o0 + 3 * dv);
        FloatVector x31 = FloatVector.fromArray(F, o, o0 + 3 * dv + L);
        FloatVector x32 = FloatVector.fromArray(F, o, o0 + 3 * dv + 2 * L);
        FloatVector x33 = FloatVector.fromArray(F, o, o0 + 3 * dv + 3 * L);
        long row = vRow;
        for (int p = at, end = p + keys * PANEL; p < end; p += PANEL, row += vStride) {
            IntVector v0Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row) >>> 1)) : ShortVector.fromMemorySegment(H, v, row, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v0 = (bf16 ? v0Bits.lanewise(LSHL, 16) : v0Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            IntVector v1Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row + 2L * L) >>> 1)) : ShortVector.fromMemorySegment(H, v, row + 2L * L, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v1 = (bf16 ? v1Bits.lanewise(LSHL, 16) : v1Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            IntVector v2Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row + 4L * L) >>> 1)) : ShortVector.fromMemorySegment(H, v, row + 4L * L, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v2 = (bf16 ? v2Bits.lanewise(LSHL, 16) : v2Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            IntVector v3Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row + 6L * L) >>> 1)) : ShortVector.fromMemorySegment(H, v, row + 6L * L, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v3 = (bf16 ? v3Bits.lanewise(LSHL, 16) : v3Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            FloatVector p0 = FloatVector.broadcast(F, s[p]);
            x00 = FMA ? p0.fma(v0, x00) : p0.mul(v0).add(x00);
            x01 = FMA ? p0.fma(v1, x01) : p0.mul(v1).add(x01);
            x02 = FMA ? p0.fma(v2, x02) : p0.mul(v2).add(x02);
            x03 = FMA ? p0.fma(v3, x03) : p0.mul(v3).add(x03);
            FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
            x10 = FMA ? p1.fma(v0, x10) : p1.mul(v0).add(x10);
            x11 = FMA ? p1.fma(v1, x11) : p1.mul(v1).add(x11);
            x12 = FMA ? p1.fma(v2, x12) : p1.mul(v2).add(x12);
            x13 = FMA ? p1.fma(v3, x13) : p1.mul(v3).add(x13);
            FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
            x20 = FMA ? p2.fma(v0, x20) : p2.mul(v0).add(x20);
            x21 = FMA ? p2.fma(v1, x21) : p2.mul(v1).add(x21);
            x22 = FMA ? p2.fma(v2, x22) : p2.mul(v2).add(x22);
            x23 = FMA ? p2.fma(v3, x23) : p2.mul(v3).add(x23);
            FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
            x30 = FMA ? p3.fma(v0, x30) : p3.mul(v0).add(x30);
            x31 = FMA ? p3.fma(v1, x31) : p3.mul(v1).add(x31);
            x32 = FMA ? p3.fma(v2, x32) : p3.mul(v2).add(x32);
            x33 = FMA ? p3.fma(v3, x33) : p3.mul(v3).add(x33);
        }
        x00.intoArray(o, o0);
        x01.intoArray(o, o0 + L);
        x02.intoArray(o, o0 + 2 * L);
        x03.intoArray(o, o0 + 3 * L);
        x10.intoArray(o, o0 + dv);
        x11.intoArray(o, o0 + dv + L);
        x12.intoArray(o, o0 + dv + 2 * L);
        x13.intoArray(o, o0 + dv + 3 * L);
        x20.intoArray(o, o0 + 2 * dv);
        x21.intoArray(o, o0 + 2 * dv + L);
        x22.intoArray(o, o0 + 2 * dv + 2 * L);
        x23.intoArray(o, o0 + 2 * dv + 3 * L);
        x30.intoArray(o, o0 + 3 * dv);
        x31.intoArray(o, o0 + 3 * dv + L);
        x32.intoArray(o, o0 + 3 * dv + 2 * L);
        x33.intoArray(o, o0 + 3 * dv + 3 * L);
    }

    /**
     * Four entries' columns from {@code from} (those short of a group of four vectors), one vector column at a
     * time held in registers across the keys, then the scalar tail; rows at least L wide (any precision) take their last partial
     * vector as the vector of their last L columns, the values of the columns already summed ANDed to +0 (lanes below
     * {@code shift}), so those sums are stored back unchanged (a weight is finite, or NaN and so is the sum) and each
     * output gets the scalar tail's operations in its order. No masked load or store: with them (in this method, or in
     * one of its own) C1 gave up on the kernel ("out of virtual registers"), it stayed at tier 2 and its vectors
     * allocated, 35 MB per f32 decode call at head width 72.
     */
    private static void accumulate4(float[] s, int at, MemorySegment v, short[] vh, long vRow, long vStride, KvPrecision precision, int scale,
                                    int keys, int from, int dv, float[] o, int o0) {
        boolean f32 = precision == KvPrecision.F32;
        boolean bf16 = precision == KvPrecision.BF16;
        long bytes = precision.bytes();
        float factor = Math.scalb(1f, -scale);
        int rebias = HalfPrecision.REBIAS - (scale << 23);
        float subnormal = Math.scalb(HalfPrecision.SUBNORMAL, -scale);
        MemorySegment vn = OFF_HEAP.isInstance(v) ? OFF_HEAP.cast(v) : null; // as scoresF32's kn
        MemorySegment vf = vn == null && f32 ? HEAP_FLOATS.cast(v) : null; // as scoresF32's kf
        int c = from;
        for (int end = columnVectors(dv); c < end; c += L) {
            int shift = Math.max(0, c + L - dv);
            c -= shift;
            IntVector keep = IntVector.fromArray(I, KEEP, L - shift);
            FloatVector x0 = FloatVector.fromArray(F, o, o0 + c);
            FloatVector x1 = FloatVector.fromArray(F, o, o0 + dv + c);
            FloatVector x2 = FloatVector.fromArray(F, o, o0 + 2 * dv + c);
            FloatVector x3 = FloatVector.fromArray(F, o, o0 + 3 * dv + c);
            long row = vRow + c * bytes;
            for (int j = 0, p = at; j < keys; j++, p += PANEL, row += vStride) {
                FloatVector value;
                if (f32) {
                    value = (vn != null ? FloatVector.fromMemorySegment(F, vn, row, NATIVE)
                            : FloatVector.fromMemorySegment(F, vf, row, NATIVE)).mul(factor);
                } else if (bf16) {
                    value = ((IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row) >>> 1)) : ShortVector.fromMemorySegment(H, v, row, NATIVE)).convertShape(S2I, I, 0))
                            .lanewise(LSHL, 16).reinterpretAsFloats().mul(factor);
                } else {
                    IntVector a = ((IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row) >>> 1)) : ShortVector.fromMemorySegment(H, v, row, NATIVE)).convertShape(S2I, I, 0))
                            .lanewise(LSHL, 13).and(HalfPrecision.FIELDS).add(rebias);
                    FloatVector lead = a.and(HalfPrecision.LEAD).reinterpretAsFloats();
                    FloatVector f = a.reinterpretAsFloats();
                    value = f.blend(f.sub(lead).mul(2f), lead.abs().lt(subnormal));
                }
                value = value.reinterpretAsInts().and(keep).reinterpretAsFloats();
                FloatVector p0 = FloatVector.broadcast(F, s[p]);
                FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
                FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
                FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
                x0 = FMA ? p0.fma(value, x0) : p0.mul(value).add(x0);
                x1 = FMA ? p1.fma(value, x1) : p1.mul(value).add(x1);
                x2 = FMA ? p2.fma(value, x2) : p2.mul(value).add(x2);
                x3 = FMA ? p3.fma(value, x3) : p3.mul(value).add(x3);
            }
            x0.intoArray(o, o0 + c);
            x1.intoArray(o, o0 + dv + c);
            x2.intoArray(o, o0 + 2 * dv + c);
            x3.intoArray(o, o0 + 3 * dv + c);
            c += shift;
        }
        for (; c < dv; c++) {
            for (int e = 0; e < 4; e++) {
                int oe = o0 + e * dv + c;
                float sum = o[oe];
                for (int j = 0; j < keys; j++) {
                    sum = fma(s[at + j * PANEL + e], precision.read(v, vRow + j * vStride + c * bytes) * factor, sum);
                }
                o[oe] = sum;
            }
        }
    }

    /**
     * Whether a row of the {@code count} keys' holds a subnormal element ({@code bit} of the cache's flags,
     * {@link KvCache#subnormalRows()}, at {@code at + i·stride} for key i); true without flags.
     */
    private static boolean flagged(MemorySegment flags, long at, long stride, int count, int bit) {
        if (flags == null) {
            return true;
        }
        for (int i = 0; i < count; i++) {
            if ((flags.get(ValueLayout.JAVA_BYTE, at + i * stride) & bit) != 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code a·b + c} exactly as a lane computes {@code Lanes.FMA ? a.fma(b, c) : a.mul(b).add(c)}. */
    private static float fma(float a, float b, float c) {
        return Lanes.FMA ? Math.fma(a, b, c) : a * b + c;
    }
}
