package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

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
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.DenseBias;
import dev.posenc.rope.RopeKernel;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.core.Gen;

/**
 * The KV-cache suite: attention reading keys and values from a {@link KvCache} (F32, F16, BF16; heap and
 * off-heap; linear and ring) against the double-precision {@link AttentionOracle} of the values the cache
 * stores, decode against prefill, a ring against sliding-window attention over the whole sequence, roll back,
 * heap against off-heap, the stored rounding, concurrent reads and bad input. Subclass it and return your
 * implementation from {@link #kernel()}; the library's reference is checked alongside.
 *
 * <p><b>Bounds.</b> A cache rounds each element once, when appended, to nearest even ({@link NearestEven}
 * states the rounding independently of the library); from then on attention over it is attention over
 * float arrays holding the rounded values. So the float bound of {@link AttentionOracle}, with its exact
 * output computed in double from the rounded values, applies unchanged (no tolerance for the precision):
 * <pre>  |out_c − exact_c| ≤ expm1(2Δ + (4n + 2m + 16)·u)·Σ_j p_j·(|v_jc| + |aV_jc|) + 2⁻¹²⁶,   u = 2⁻²⁴</pre>
 * and the reference meets {@code u·|exact_c| + 2⁻⁴⁰·Σ_j p_j·|v_jc| + 2⁻¹²⁶}. Two computations of the same
 * exact output (decode and prefill, a ring and the whole sequence) each meet it, so they differ by at most
 * twice it. What is not rounded is equal bit for bit: stored rows whatever the chunks they were appended in,
 * a cache rolled back and appended again, heap and off-heap storage, concurrent reads.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class KvCacheContract {

    /** The implementation under test. */
    protected abstract AttentionKernel kernel();

    /** The library's scalar reference, checked against the oracle alongside. */
    protected AttentionKernel reference() {
        return Kernels.reference().attention();
    }

    /** The RoPE kernel of the key rotations on append. */
    protected RopeKernel rope() {
        return Kernels.get().rope();
    }

    /** Attention of {@code b}'s queries over {@code cache}; returns the sentinel-padded output array. */
    static float[] run(AttentionKernel kernel, KvCacheCase.Built b, KvCache cache, AttentionWorkspace workspace) {
        AttentionCase.Inputs in = b.inputs();
        float[] out = in.output();
        kernel.attend(in.options(), in.positions(), in.dense(), in.queryTokens(), cache, in.outputTokens(out), workspace);
        return out;
    }

    @Test
    public void attentionOverTheCacheMeetsTheBoundOfItsRoundedValues() {
        qt(120).forAll(KvCacheCase.cases(30, 150, 72, false)).checkAssert(c -> checkAgainstTheOracle(c, true));
    }

    /**
     * Random shapes and offsets with q and k of large offsets, huge and tiny magnitudes, and stored values at the
     * precisions' edges: F16's largest values and its subnormals, and values so large (10³⁷…3·10³⁸) that an
     * unscaled Σ_j p_j·v_j accumulator overflows: the exact output is finite and the bound holds. The reference
     * is held to the float bound here: the oracle's one-rounding bound for it leaves out the error of double
     * logits, which logits of 10⁸ (q and k of offset 10⁴) make larger than a float's rounding.
     */
    @Test
    public void extremeValuesInTheCacheMeetTheBound() {
        qt(60).forAll(KvCacheCase.cases(20, 100, 40, true)).checkAssert(c -> checkAgainstTheOracle(c, false));
    }

    private void checkAgainstTheOracle(KvCacheCase c, boolean referenceWithinOneRounding) {
        KvCacheCase.Built b = c.build();
        AttentionCase.Inputs in = b.inputs();
        try (Arena arena = Arena.ofConfined()) {
            KvCache cache = c.cache(b, arena);
            assertStores(cache, in, c.toString());
            float[] actual = run(kernel(), b, cache, in.workspace());
            Arrays2.assertUntouchedOutside(actual, in.offset(), in.outputLength(), "out");
            AttentionOracle oracle = AttentionOracle.of(in);
            oracle.assertFloatClose(c.toString(), actual, in.offset());
            float[] reference = run(reference(), b, cache, in.workspace());
            if (referenceWithinOneRounding) {
                oracle.assertDoubleClose("reference " + c, reference, in.offset());
            } else {
                oracle.assertFloatClose("reference " + c, reference, in.offset());
            }
        }
    }

    /** Every element the cache holds has the bits of the input's (rounded) element. */
    private static void assertStores(KvCache cache, AttentionCase.Inputs in, String what) {
        AttentionOptions o = in.options();
        for (int position = cache.firstPosition(); position < cache.nextPosition(); position++) {
            int t = position;
            for (int head = 0; head < o.kvHeads(); head++) {
                int g = head;
                for (int column = 0; column < o.headDim(); column++) {
                    int col = column;
                    assertBits(in.k()[in.offset() + (t * o.kvHeads() + g) * o.headDim() + col], cache.key(t, g, col),
                            () -> what + ": key at position " + t + ", kv head " + g + ", column " + col);
                }
                for (int column = 0; column < o.valueDim(); column++) {
                    int col = column;
                    assertBits(in.v()[in.offset() + (t * o.kvHeads() + g) * o.valueDim() + col], cache.value(t, g, col),
                            () -> what + ": value at position " + t + ", kv head " + g + ", column " + col);
                }
            }
        }
    }

    private static void assertBits(float expected, float actual, java.util.function.Supplier<String> what) {
        if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
            throw new AssertionError(what.get() + ": stored " + actual + " but " + expected + " expected");
        }
    }

    /**
     * F16 and BF16 store every float rounded to nearest, ties to even, as {@link NearestEven} states it: random
     * floats of every magnitude, exact ties, F16's subnormals and the largest values; a finite value that rounds
     * beyond the range is rejected and leaves the cache as it was.
     */
    @Test
    public void storedElementsAreRoundedToNearestEven() {
        Gen<float[]> rows = integers().between(1, 40).zip(longs().all(), (n, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                int bits = random.nextInt();
                float sign = random.nextBoolean() ? 1 : -1;
                x[i] = switch (random.nextInt(4)) {
                    case 0 -> Float.intBitsToFloat(Float.isFinite(Float.intBitsToFloat(bits)) ? bits : bits & 0xbfffffff);
                    case 1 -> sign * (float) Math.scalb(1 + random.nextDouble(), random.nextInt(-26, 16));   // F16's range
                    case 2 -> {   // an exact F16 tie, subnormal ones included
                        float r = NearestEven.round(KvPrecision.F16, sign * (float) Math.scalb(1 + random.nextDouble(),
                                random.nextInt(-25, 15)));
                        yield (float) (r + Math.copySign(NearestEven.ulp(KvPrecision.F16, r) / 2, r));
                    }
                    default -> Float.intBitsToFloat(bits & 0xbfff0000 | 0x8000);   // an exact BF16 tie
                };
            }
            return x;
        });
        qt(200).forAll(arbitrary().enumValues(KvPrecision.class), rows).checkAssert((p, x) -> {
            float[] kept = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                kept[i] = Math.abs(NearestEven.round(p, x[i])) <= Float.MAX_VALUE ? x[i] : 1f;
            }
            KvCache cache = KvCache.onHeap(KvCacheSpec.of(2, 1, x.length, p));
            cache.append(Tokens.of(kept, 1, 1, x.length), Tokens.of(kept, 1, 1, x.length));
            for (int i = 0; i < x.length; i++) {
                int col = i;
                assertBits(NearestEven.round(p, kept[i]), cache.key(0, 0, i), () -> p + " of " + kept[col] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(kept[col])) + ")");
                assertBits(NearestEven.round(p, kept[i]), cache.value(0, 0, i), () -> p + " value of " + kept[col]);
            }
        });
        // Fixed points: F16's largest value and what rounds to it, its smallest subnormal and the ties around it,
        // a tie at its smallest normal; BF16's ties at 1 (its ulp there is 2⁻⁷) and at its largest value.
        record Fixed(KvPrecision p, float x, float rounded) {}
        for (Fixed f : List.of(new Fixed(KvPrecision.F16, 65504f, 65504f), new Fixed(KvPrecision.F16, 65519.996f, 65504f),
                new Fixed(KvPrecision.F16, -65519.996f, -65504f), new Fixed(KvPrecision.F16, 0x1p-24f, 0x1p-24f),
                new Fixed(KvPrecision.F16, 0x1p-25f, 0f), new Fixed(KvPrecision.F16, -0x1p-25f, -0f),
                new Fixed(KvPrecision.F16, 0x1.8p-25f, 0x1p-24f), new Fixed(KvPrecision.F16, 0x1.8p-24f, 0x1p-23f),
                new Fixed(KvPrecision.F16, 0x1.3ffp-14f, 0x1.4p-14f), new Fixed(KvPrecision.F16, 0x1.002p-14f, 0x1p-14f),
                new Fixed(KvPrecision.BF16, 0x1.01p0f, 1f), new Fixed(KvPrecision.BF16, 0x1.03p0f, 0x1.04p0f),
                new Fixed(KvPrecision.BF16, 0x1.fdp127f, 0x1.fcp127f), new Fixed(KvPrecision.BF16, 0x1.fep127f, 0x1.fep127f),
                new Fixed(KvPrecision.BF16, 0x1p-133f, 0x1p-133f), new Fixed(KvPrecision.BF16, 0x1p-134f, 0f), new Fixed(KvPrecision.BF16, 0x1.8p-133f, 0x1p-132f))) {
            assertBits(f.rounded(), NearestEven.round(f.p(), f.x()), () -> "the stated conversion: " + f);
            KvCache cache = KvCache.onHeap(KvCacheSpec.of(1, 1, 1, f.p()));
            cache.append(Tokens.of(new float[] {f.x()}, 1, 1, 1), Tokens.of(new float[] {f.x()}, 1, 1, 1));
            assertBits(f.rounded(), cache.key(0, 0, 0), f::toString);
        }
        float[][] overflows = {{65520f}, {-65520f}, {Float.MAX_VALUE}};
        for (KvPrecision p : new KvPrecision[] {KvPrecision.F16, KvPrecision.BF16}) {
            for (float[] x : overflows) {
                if (p == KvPrecision.BF16 && x[0] != Float.MAX_VALUE) {
                    continue;
                }
                KvCache cache = KvCache.onHeap(KvCacheSpec.of(3, 1, 1, p));
                cache.append(Tokens.of(new float[] {2}, 1, 1, 1), Tokens.of(new float[] {3}, 1, 1, 1));
                BadInput.rejects(() -> cache.append(Tokens.of(new float[] {1}, 1, 1, 1), Tokens.of(x, 1, 1, 1)), null,
                        "value element " + x[0], "overflows " + p, "nothing was appended");
                assertEquals(1, cache.nextPosition(), "a rejected row is not appended");
                assertEquals(3f, cache.value(0, 0, 0));
            }
        }
    }

    /**
     * What an append records of each row, read back against its stored elements: the key rows' squared norms
     * ({@link KvCache#keySquaredNorm}: {@code Σ_c k[c]²} of the stored row, summed in double in column order and
     * rounded up to float; NaN where the row holds one, +∞ where it holds ±∞), the subnormal flags, and the last position holding a
     * NaN or an infinity. Random shapes (1–9 kv heads, so that the rows' sums are taken in groups of every size), rows
     * appended one or several at a time, elements of every magnitude with zeros, subnormals of both kinds, NaN and ±∞.
     */
    @Test
    public void appendRecordsEachRowsNormsSubnormalsAndNonFiniteElements() {
        Gen<int[]> shapes = integers().between(1, 9).zip(integers().between(1, 40), integers().between(1, 4),
                integers().between(1, 3), (heads, d, rows, calls) -> new int[] {heads, d, rows, calls});
        qt(300).forAll(arbitrary().enumValues(KvPrecision.class), shapes, longs().all()).checkAssert((p, shape, seed) -> {
            int kvHeads = shape[0];
            int d = shape[1];
            int rows = shape[2];
            int calls = shape[3];
            SplittableRandom random = new SplittableRandom(seed);
            KvCache cache = KvCache.onHeap(KvCacheSpec.of(rows * calls, kvHeads, d, p));
            int lastNonFinite = -1;
            for (int call = 0; call < calls; call++) {
                float[] k = new float[rows * kvHeads * d];
                float[] v = new float[k.length];
                for (int i = 0; i < k.length; i++) {
                    k[i] = element(random);
                    v[i] = element(random);
                    if (!Float.isFinite(k[i]) || !Float.isFinite(v[i])) {
                        lastNonFinite = call * rows + i / (kvHeads * d);
                    }
                }
                cache.append(Tokens.of(k, rows, kvHeads, d), Tokens.of(v, rows, kvHeads, d));
            }
            String what = p + ", " + kvHeads + " kv heads × " + d + ", " + calls + " × " + rows + " rows";
            assertEquals(lastNonFinite, cache.lastNonFinitePosition(), "lastNonFinitePosition, " + what);
            assertSubnormalRows(cache, what);
            for (int t = 0; t < cache.nextPosition(); t++) {
                for (int h = 0; h < kvHeads; h++) {
                    double sum = 0;
                    for (int c = 0; c < d; c++) {
                        double x = cache.key(t, h, c);
                        sum += x * x;
                    }
                    double total = sum;
                    float up = (float) total < total ? Math.nextUp((float) total) : (float) total;
                    int position = t;
                    int head = h;
                    float norm = cache.keySquaredNorm(t, h);
                    // Java leaves a NaN result's bits open (which operand's NaN an add returns): NaN is what is stated.
                    if (Float.isNaN(up)) {
                        assertTrue(Float.isNaN(norm), () -> "squared norm of position " + position + ", kv head " + head
                                + ", " + what + ": " + norm + " but the row holds a NaN");
                    } else {
                        assertBits(up, norm, () -> "squared norm of position " + position + ", kv head " + head + ", " + what
                                + " (Σ in double " + total + ")");
                    }
                }
            }
        });
    }

    /**
     * A float of any magnitude and sign (those F16 and BF16 round beyond their range left out: append rejects them),
     * or now and then ±0, a subnormal of F16 (±m·2⁻²⁴) or of float, a NaN or ±∞.
     */
    private static float element(SplittableRandom random) {
        float sign = random.nextBoolean() ? 1 : -1;
        return switch (random.nextInt(40)) {
            case 0 -> sign * 0f;
            case 1 -> sign * (1 + random.nextInt(1023)) * 0x1p-24f;
            case 2 -> sign * Float.MIN_VALUE * (1 + random.nextInt(1 << 22));
            case 3 -> Float.intBitsToFloat(0x7f800001 + random.nextInt(0x7fffff)) * sign;
            case 4 -> sign * Float.POSITIVE_INFINITY;
            default -> sign * (float) Math.scalb(1 + random.nextDouble(), random.nextInt(-149, 15));
        };
    }

    /** Every scheme but DeBERTa, an encoder's, which attention over a cache rejects (AttentionContract checks that). */
    private static final AttentionCase.SchemeKind[] CACHE_SCHEMES = java.util.Arrays.stream(AttentionCase.SchemeKind.values())
            .filter(k -> k != AttentionCase.SchemeKind.DEBERTA).toArray(AttentionCase.SchemeKind[]::new);

    /** The causal decode/prefill and ring cases: queries = keys = n, no dense bias, the default positions. */
    private static Gen<KvCacheCase> sequences(int maxLength, int maxDim) {
        Gen<AttentionCase.Shape> shapes = AttentionCase.shapes(1, maxLength, maxDim)
                .map(s -> new AttentionCase.Shape(s.kvHeads(), s.group(), s.headDim(), s.valueDim(), s.keys(), s.keys()));
        Gen<AttentionCase.Masking> causal = arbitrary().pick(List.of(CausalMask.TOP_LEFT, CausalMask.BOTTOM_RIGHT))
                .zip(integers().between(-1, -1).mix(integers().between(0, 40), 50), longs().all(),
                        (m, w, seed) -> new AttentionCase.Masking(m, w, AttentionCase.DenseKind.NONE, false, seed));
        return arbitrary().enumValues(KvPrecision.class).flatMap(p -> shapes.zip(causal,
                AttentionCase.schemes(CACHE_SCHEMES), AttentionCase.data(FloatKind.NORMAL, FloatKind.GRID),
                AttentionCase::new).zip(KvCacheCase.storages(p, false), KvCacheCase::new));
    }

    /** RoPE over the first even number of each head's columns, cached for positions {@code 0 … n − 1}; null for d = 1. */
    private KeyRotation rotation(int headDim, int n, long seed) {
        if (headDim < 2 || seed % 3 == 0) {
            return null;
        }
        RotaryEmbedding e = RotaryEmbedding.of(headDim, headDim & ~1, 10_000, RopeLayout.values()[(int) (seed & 1)]);
        return KeyRotation.of(rope(), rope().cache(e, 0, n));
    }

    /** Query row t alone, at position t: explicit for a top-left mask, the default (the last key) for bottom-right. */
    private static void attendRow(AttentionKernel kernel, AttentionCase.Inputs in, int t, KvCache cache, float[] out,
                                  AttentionWorkspace workspace) {
        AttentionOptions o = in.options();
        Positions at = o.causal() == CausalMask.BOTTOM_RIGHT && t == cache.nextPosition() - 1 ? null : Positions.of(t);
        kernel.attend(o, at, null, in.queryTokens().rows(t, 1), cache, Tokens.of(out, in.offset() + t * o.heads()
                * o.valueDim(), 1, o.heads(), o.valueDim()), workspace);
    }

    /**
     * A sequence appended one row at a time (keys rotated by RoPE on append, a third of the time), each query
     * attending over the cache right after its row was appended, meets the bound of prefill's exact output,
     * row by row; so does prefill over the cache filled in one go, whose stored rows are the same bits.
     */
    @Test
    public void decodeStepByStepEqualsPrefill() {
        qt(50).forAll(sequences(70, 40)).checkAssert(c -> {
            int n = c.attention().shape().keys();
            KeyRotation rotation = rotation(c.attention().shape().headDim(), n, c.storage().seed());
            KvCacheCase.Built b = c.build(rotation);
            AttentionCase.Inputs in = b.inputs();
            AttentionOracle oracle = AttentionOracle.of(in);
            try (Arena arena = Arena.ofConfined()) {
                KvCache prefill = c.emptyCache(b, n + c.storage().spare(), false, arena);
                KvCacheCase.appendInChunks(prefill, b, 0, n, rotation, new SplittableRandom(c.storage().seed()));
                assertStores(prefill, in, "prefill " + c);
                oracle.assertFloatClose("prefill " + c, run(kernel(), b, prefill, in.workspace()), in.offset());
                for (AttentionKernel kernel : List.of(kernel(), reference())) {
                    KvCache decode = c.emptyCache(b, n + c.storage().spare(), false, arena);
                    float[] out = in.output();
                    AttentionWorkspace workspace = in.workspace();
                    for (int t = 0; t < n; t++) {
                        KvCacheCase.append(decode, b, t, 1, rotation, t % 2 == 0);
                        attendRow(kernel, in, t, decode, out, workspace);
                    }
                    assertStores(decode, in, "decode " + c);
                    if (kernel == reference()) {
                        oracle.assertDoubleClose("reference decode " + c, out, in.offset());
                    } else {
                        oracle.assertFloatClose("decode " + c, out, in.offset());
                    }
                }
            }
        });
    }

    /**
     * A ring of capacity C over a sequence of up to 3C + 6 positions, appended in chunks of c rows and each
     * chunk's queries attending with a window w ≤ C − c (every key they may see is still held): the output of
     * every row, those right after the ring wrapped included, meets the bound of sliding-window attention over
     * the whole sequence held in arrays, with the position scheme (ALiBi, T5, Shaw, Transformer-XL) at the
     * stored positions and keys rotated by RoPE at their absolute positions on append.
     */
    @Test
    public void ringDecodeEqualsSlidingWindowAttentionOverTheWholeSequence() {
        Gen<int[]> rings = integers().between(1, 24).zip(integers().between(0, 1000), integers().between(0, 1000),
                (capacity, w, extra) -> new int[] {capacity, w % capacity, capacity + 1 + extra % (2 * capacity + 6)});
        // StreamingLLM keeps its first tokens visible, which a ring overwrites: that call is rejected (AttentionContract).
        Gen<KvCacheCase> sequences = sequences(1, 40).assuming(c -> c.attention().scheme().kind() != AttentionCase.SchemeKind.STREAMING);
        qt(60).forAll(sequences, rings).checkAssert((c0, ring) -> {
            int capacity = ring[0];
            int window = ring[1];
            int n = ring[2];
            AttentionCase.Shape s = c0.attention().shape();
            AttentionCase.Masking m = c0.attention().masking();
            KvCacheCase c = new KvCacheCase(new AttentionCase(new AttentionCase.Shape(s.kvHeads(), s.group(), s.headDim(),
                    s.valueDim(), n, n), new AttentionCase.Masking(m.causal(), window, m.dense(), false, m.seed()),
                    c0.attention().scheme(), c0.attention().data()), c0.storage());
            KeyRotation rotation = rotation(s.headDim(), n, c.storage().seed());
            KvCacheCase.Built b = c.build(rotation);
            AttentionCase.Inputs in = b.inputs();
            AttentionOptions o = in.options();
            String what = c + ", ring of " + capacity + ", window " + window + ", " + n + " positions";
            SplittableRandom random = new SplittableRandom(c.storage().seed());
            try (Arena arena = Arena.ofConfined()) {
                for (AttentionKernel kernel : List.of(kernel(), reference())) {
                    KvCache cache = c.emptyCache(b, capacity, true, arena);
                    float[] out = in.output();
                    AttentionWorkspace workspace = in.workspace();
                    for (int t = 0; t < n; ) {
                        int chunk = Math.min(n - t, 1 + random.nextInt(capacity - window));
                        KvCacheCase.append(cache, b, t, chunk, rotation, random.nextBoolean());
                        Positions at = o.causal() == CausalMask.BOTTOM_RIGHT ? null : Positions.range(t, chunk);
                        kernel.attend(o, at, null, in.queryTokens().rows(t, chunk), cache, Tokens.of(out, in.offset()
                                + t * o.heads() * o.valueDim(), chunk, o.heads(), o.valueDim()), workspace);
                        t += chunk;
                        assertEquals(Math.max(0, t - capacity), cache.firstPosition(), "first position held, " + what);
                    }
                    if (kernel == reference()) {
                        AttentionOracle.of(in).assertDoubleClose("reference " + what, out, in.offset());
                    } else {
                        AttentionOracle.of(in).assertFloatClose(what, out, in.offset());
                    }
                }
            }
        });
    }

    /**
     * A draft of rows appended and then dropped (by {@link KvCache#rollBack} or {@link KvCache#truncate}; with
     * NaN and ∞ in it half of the time) and the true rows appended after it give the cache that appending the
     * true rows alone gives, bit for bit: positions, every stored element, the key norms, the last non-finite
     * position, and attention over it. A ring's draft here overwrites no row still held (a row overwritten is
     * gone: rolling back cannot bring it back, see {@link #aRingThatOverwroteRowsKeepsItsFirstPositionOnRollBack}).
     */
    @Test
    public void rollingBackAndAppendingAgainEqualsNeverHavingAppended() {
        Gen<int[]> drafts = integers().between(0, 1000).zip(integers().between(1, 12), integers().between(0, 3),
                (split, draft, mode) -> new int[] {split, draft, mode});
        qt(80).forAll(KvCacheCase.cases(8, 60, 40, false), drafts, arbitrary().pick(List.of(false, true)))
                .checkAssert((c, d, ring) -> {
            KvCacheCase.Built b = c.build();
            AttentionCase.Inputs in = b.inputs();
            int n = in.keys();
            int split = d[0] % (n + 1);
            int draft = d[1];
            int capacity = ring ? Math.max(1, n + draft - (d[2] == 0 ? 0 : split / 2)) : n + draft + c.storage().spare();
            if (ring) {
                draft = Math.max(0, Math.min(draft, capacity - Math.min(split, capacity)));   // overwrites no row held
            }
            int drafted = draft;
            String what = c + (ring ? ", ring of " + capacity : "") + ", split " + split + ", draft " + drafted;
            SplittableRandom random = new SplittableRandom(c.storage().seed());
            try (Arena arena = Arena.ofConfined()) {
                KvCache never = c.emptyCache(b, capacity, ring, arena);
                KvCacheCase.appendInChunks(never, b, 0, n, null, random);
                KvCache rolled = c.emptyCache(b, capacity, ring, arena);
                KvCacheCase.appendInChunks(rolled, b, 0, split, null, random);
                if (drafted > 0) {
                    float[] junk = PositionBiasContract.fill(drafted * Math.max(in.options().kvHeads() * in.options().headDim(),
                            in.options().kvHeads() * in.options().valueDim()), random.nextLong());
                    if (d[2] % 2 == 0) {
                        junk[random.nextInt(junk.length)] = random.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
                    }
                    // Subnormal in F16 (2⁻²⁰) and in BF16 and F32 (2⁻¹³⁰): the draft's rows are flagged, the true ones
                    // appended over them must not stay so.
                    junk[random.nextInt(junk.length)] = 0x1p-20f;
                    junk[random.nextInt(junk.length)] = -0x1p-130f;
                    rolled.append(Tokens.of(junk, drafted, in.options().kvHeads(), in.options().headDim()),
                            Tokens.of(junk, drafted, in.options().kvHeads(), in.options().valueDim()));
                    if (d[2] < 2) {
                        rolled.rollBack(drafted);
                    } else {
                        rolled.truncate(split);
                    }
                }
                KvCacheCase.appendInChunks(rolled, b, split, n, null, random);
                assertSameCache(never, rolled, what);
                if (!ring || capacity >= n) {
                    assertArrayEquals(run(kernel(), b, never, in.workspace()), run(kernel(), b, rolled, in.workspace()), what);
                }
            }
        });
    }

    /** Same positions, and the same bits in every row held, key norms included. */
    private static void assertSameCache(KvCache expected, KvCache actual, String what) {
        assertEquals(expected.firstPosition(), actual.firstPosition(), "firstPosition, " + what);
        assertEquals(expected.nextPosition(), actual.nextPosition(), "nextPosition, " + what);
        assertEquals(expected.lastNonFinitePosition(), actual.lastNonFinitePosition(), "lastNonFinitePosition, " + what);
        KvCacheSpec s = expected.spec();
        long keyRow = (long) s.keyWidth() * s.precision().bytes();
        long valueRow = (long) s.valueWidth() * s.precision().bytes();
        long normRow = (long) s.kvHeads() * Float.BYTES;
        for (int t = expected.firstPosition(); t < expected.nextPosition(); t++) {
            int a = expected.slot(t);
            int b = actual.slot(t);
            assertSameBytes(expected.keys(), a * keyRow, actual.keys(), b * keyRow, keyRow, "keys of position " + t + ", " + what);
            assertSameBytes(expected.values(), a * valueRow, actual.values(), b * valueRow, valueRow,
                    "values of position " + t + ", " + what);
            assertSameBytes(expected.keyNorms(), a * normRow, actual.keyNorms(), b * normRow, normRow,
                    "key norms of position " + t + ", " + what);
        }
        assertSubnormalRows(expected, what);
        assertSubnormalRows(actual, what);
    }

    /**
     * The cache's {@link KvCache#subnormalRows()} flag exactly the held rows that hold a subnormal element of its
     * precision (not zero, below 2⁻¹⁴ in F16, below 2⁻¹²⁶ in BF16 and F32), read back element by element.
     */
    static void assertSubnormalRows(KvCache cache, String what) {
        KvCacheSpec s = cache.spec();
        float normal = s.precision() == KvPrecision.F16 ? 0x1p-14f : Float.MIN_NORMAL;
        for (int t = cache.firstPosition(); t < cache.nextPosition(); t++) {
            for (int h = 0; h < s.kvHeads(); h++) {
                boolean key = false;
                boolean value = false;
                for (int c = 0; c < s.headDim(); c++) {
                    float x = cache.key(t, h, c);
                    key |= x != 0 && Math.abs(x) < normal;
                }
                for (int c = 0; c < s.valueDim(); c++) {
                    float x = cache.value(t, h, c);
                    value |= x != 0 && Math.abs(x) < normal;
                }
                int flags = cache.subnormalRows().get(ValueLayout.JAVA_BYTE, (long) cache.slot(t) * s.kvHeads() + h);
                assertEquals((key ? KvCache.KEY_SUBNORMAL : 0) | (value ? KvCache.VALUE_SUBNORMAL : 0), flags,
                        "subnormal flags of position " + t + ", kv head " + h + ", " + what);
            }
        }
    }

    private static void assertSameBytes(MemorySegment x, long xAt, MemorySegment y, long yAt, long bytes, String what) {
        long at = MemorySegment.mismatch(x, xAt, xAt + bytes, y, yAt, yAt + bytes);
        assertEquals(-1, at, () -> "byte " + at + " of the " + what + " differs");
    }

    /**
     * Documents the limit of rolling back a ring: rows the draft overwrote are gone, so the first position held
     * stays where the draft moved it, and a query whose window reaches below it is rejected by name.
     */
    @Test
    public void aRingThatOverwroteRowsKeepsItsFirstPositionOnRollBack() {
        KvCache ring = KvCache.onHeap(KvCacheSpec.of(4, 1, 2, KvPrecision.F32).asRing());
        float[] rows = PositionBiasContract.fill(12, 3);
        ring.append(Tokens.of(rows, 3, 1, 2), Tokens.of(rows, 3, 1, 2));
        ring.append(Tokens.of(rows, 3, 1, 2), Tokens.of(rows, 3, 1, 2));   // positions 3…5 overwrite 0 and 1
        assertEquals(2, ring.firstPosition());
        ring.rollBack(3);
        assertEquals(2, ring.firstPosition(), "positions 0 and 1 were overwritten");
        assertEquals(3, ring.nextPosition());
        BadInput.rejects(() -> ring.truncate(1), null, "position", "1", "firstPosition() = 2", "overwritten");
        float[] out = new float[2];
        BadInput.rejects(() -> kernel().attend(AttentionOptions.of(1, 2).withCausal(CausalMask.BOTTOM_RIGHT),
                Tokens.of(rows, 1, 1, 2), ring, Tokens.of(out, 1, 1, 2), new AttentionWorkspace()), out,
                "position 2", "from position 0", "[2, 3)", "window");
    }

    /** The same rows in a heap cache and in an off-heap one: the same stored bits and the same outputs, bit for bit. */
    @Test
    public void offHeapEqualsHeapBitForBit() {
        qt(40).forAll(KvCacheCase.cases(20, 100, 40, false)).checkAssert(c -> {
            KvCacheCase.Built b = c.build();
            AttentionCase.Inputs in = b.inputs();
            KvCacheCase.Storage s = c.storage();
            KvCacheCase onHeap = new KvCacheCase(c.attention(), new KvCacheCase.Storage(s.precision(), false, s.spare(),
                    s.keys(), s.values(), s.seed()));
            KvCacheCase offHeap = new KvCacheCase(c.attention(), new KvCacheCase.Storage(s.precision(), true, s.spare(),
                    s.keys(), s.values(), s.seed()));
            try (Arena arena = Arena.ofConfined()) {
                KvCache heap = onHeap.cache(b, arena);
                KvCache outside = offHeap.cache(b, arena);
                assertTrue(outside.keys().isNative() && !heap.keys().isNative(), "storage");
                assertSameCache(heap, outside, c.toString());
                for (AttentionKernel kernel : List.of(kernel(), reference())) {
                    assertArrayEquals(run(kernel, b, heap, in.workspace()), run(kernel, b, outside, in.workspace()),
                            kernel + ", " + c);
                }
            }
        });
    }

    /**
     * A cache copied from another ({@link KvCache#copyFrom}: from the heap off it or back, linear or a ring that has
     * wrapped, into a cache that held other rows) holds the source's positions and the same bits in every held row,
     * key norms and flags included, as a cache the same rows were appended to does; the two live apart (rows appended
     * to the source afterwards do not reach the copy), and the same rows appended to both keep them equal, attention
     * over them too, bit for bit.
     */
    @Test
    public void aCopyHoldsItsSourcesRowsAndLivesApart() {
        qt(60).forAll(KvCacheCase.cases(8, 60, 40, false), integers().between(0, 1000), arbitrary().pick(List.of(false, true)))
                .checkAssert((c, cut, ring) -> {
            KvCacheCase.Built b = c.build();
            AttentionCase.Inputs in = b.inputs();
            int n = in.keys();
            int split = cut % (n + 1);
            int capacity = ring ? Math.max(1, (n + 1) / 2 + cut % 7) : n + c.storage().spare();
            String what = c + (ring ? ", ring of " + capacity : "") + ", copied after " + split + " rows";
            KvCacheCase.Storage s = c.storage();
            KvCacheCase elsewhere = new KvCacheCase(c.attention(), new KvCacheCase.Storage(s.precision(), !s.offHeap(),
                    s.spare(), s.keys(), s.values(), s.seed()));
            SplittableRandom random = new SplittableRandom(s.seed());
            try (Arena arena = Arena.ofConfined()) {
                KvCache source = c.emptyCache(b, capacity, ring, arena);
                KvCacheCase.appendInChunks(source, b, 0, split, null, random);
                KvCache appended = elsewhere.emptyCache(b, capacity, ring, arena);
                KvCacheCase.appendInChunks(appended, b, 0, split, null, random);
                KvCache copy = elsewhere.emptyCache(b, capacity, ring, arena);
                KvCacheCase.appendInChunks(copy, b, split, ring ? split + Math.min(n - split, capacity) : n, null, random);
                if (ring || copy.nextPosition() < capacity) {   // a NaN row, which the copy must forget
                    int kvHeads = in.options().kvHeads();
                    float[] nan = new float[kvHeads * Math.max(in.options().headDim(), in.options().valueDim())];
                    nan[random.nextInt(nan.length)] = Float.NaN;
                    copy.append(Tokens.of(nan, 1, kvHeads, in.options().headDim()), Tokens.of(nan, 1, kvHeads, in.options().valueDim()));
                }
                copy.copyFrom(source);
                assertSameCache(source, copy, what);
                KvCacheCase.appendInChunks(source, b, split, n, null, random);
                assertSameCache(appended, copy, "the copy after rows appended to its source, " + what);
                KvCacheCase.appendInChunks(copy, b, split, n, null, random);
                assertSameCache(source, copy, "both after the same rows, " + what);
                if (!ring || capacity >= n) {
                    assertArrayEquals(run(kernel(), b, source, in.workspace()), run(kernel(), b, copy, in.workspace()), what);
                }
            }
        });
    }

    /**
     * Rows holding subnormal elements among rows that hold none, in every precision, heap and off-heap, linear and a
     * ring that has overwritten, truncated and rolled back rows: the cache flags exactly the rows holding one
     * ({@link KvCache#subnormalRows()}; the vector kernels convert such F16 rows another way), a decode step and a
     * prefill over it meet the bound of the stored values, and heap and off-heap give the same bits.
     */
    @Test
    public void rowsHoldingSubnormalsAreFlaggedAndAttendedWithinTheBound() {
        AttentionOptions options = AttentionOptions.of(8, 2, 64).withCausal(CausalMask.BOTTOM_RIGHT);
        int heads = options.heads();
        int kvHeads = options.kvHeads();
        int d = options.headDim();
        int keys = 150;
        SplittableRandom random = new SplittableRandom(29);
        float[] k = PositionBiasContract.fill(keys * kvHeads * d, 31);
        float[] v = PositionBiasContract.fill(keys * kvHeads * d, 37);
        for (int row = 0; row < keys * kvHeads; row++) {
            // A fifth of the key rows and of the value rows each get a subnormal of F16 (±m·2⁻²⁴) or of float.
            if (random.nextInt(5) == 0) {
                k[row * d + random.nextInt(d)] = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(1023)) * 0x1p-24f;
            }
            if (random.nextInt(5) == 0) {
                v[row * d + random.nextInt(d)] = random.nextBoolean() ? 0x1p-130f : -(1 + random.nextInt(1023)) * 0x1p-24f;
            }
        }
        float[] q = PositionBiasContract.fill(3 * heads * d, 41);
        float[] junk = PositionBiasContract.fill(20 * kvHeads * d, 43);
        for (int i = 0; i < junk.length; i += 7) {
            junk[i] = 0x1p-20f;
        }
        for (KvPrecision p : KvPrecision.values()) {
            float[] kRounded = new float[k.length];
            float[] vRounded = new float[v.length];
            for (int i = 0; i < k.length; i++) {
                kRounded[i] = NearestEven.round(p, k[i]);
                vRounded[i] = NearestEven.round(p, v[i]);
            }
            for (boolean ring : new boolean[] {false, true}) {
                try (Arena arena = Arena.ofConfined()) {
                    float[][] outputs = new float[2][];
                    for (boolean offHeap : new boolean[] {false, true}) {
                        KvCacheSpec spec = KvCacheSpec.of(ring ? keys - 10 : keys + 20, kvHeads, d, p);
                        KvCache cache = offHeap ? KvCache.offHeap(ring ? spec.asRing() : spec, arena)
                                : KvCache.onHeap(ring ? spec.asRing() : spec);
                        String what = p + (offHeap ? " off-heap" : " heap") + (ring ? ", ring" : "");
                        // Positions 0 … 99, 20 junk rows, rolled back and truncated to 100, then the rest (a ring of 140 has
                        // overwritten positions 0 … 9 with the last ones).
                        cache.append(Tokens.of(k, 100, kvHeads, d), Tokens.of(v, 100, kvHeads, d));
                        cache.append(Tokens.of(junk, 20, kvHeads, d), Tokens.of(junk, 20, kvHeads, d));
                        assertSubnormalRows(cache, what + ", with junk rows");
                        cache.rollBack(5);
                        cache.truncate(100);
                        cache.append(Tokens.of(k, 100 * kvHeads * d, keys - 100, kvHeads, d),
                                Tokens.of(v, 100 * kvHeads * d, keys - 100, kvHeads, d));
                        assertSubnormalRows(cache, what);
                        int first = cache.firstPosition();
                        int held = keys - first;
                        AttentionOptions o = ring ? options.withWindow(held - 3) : options;
                        float[] out = new float[3 * heads * d];
                        for (int queries : new int[] {1, 3}) {
                            kernel().attend(o, null, (DenseBias) null, Tokens.of(q, queries, heads, d), cache,
                                    Tokens.of(out, queries, heads, d), new AttentionWorkspace());
                            if (!ring) {
                                AttentionOracle.of(new AttentionCase.Inputs(options, queries, keys, null, null, q, kRounded,
                                        vRounded, 0, 0)).assertFloatClose(what + ", " + queries + " queries", out, 0);
                            }
                        }
                        outputs[offHeap ? 1 : 0] = out;
                    }
                    assertArrayEquals(outputs[0], outputs[1], p + (ring ? ", ring" : "") + ": heap against off-heap");
                }
            }
        }
    }

    /**
     * An F16 cache gives the bits of an F32 cache holding the same (rounded) values, heap and off-heap, decode and three
     * queries, ALiBi: a kernel may convert halves by scaling their bits by powers of two, which moves no bit of a
     * product, and must fall back where that scaling would overflow or take a slow path. The cases: ordinary rows;
     * query rows with an element of 2²⁰ (2¹⁷ once scaled by s = 1/8: times 2¹¹² it overflows), over keys of magnitude
     * 2⁻¹¹…2⁻¹⁰ so that the logit guard still takes the float path; rows holding F16 subnormals (a fifth of the key
     * rows and value rows); both. Every output also meets the bound of the stored values.
     */
    @Test
    public void anF16CacheGivesTheBitsOfAnF32CacheOfTheSameValues() {
        AttentionOptions options = AttentionOptions.of(8, 2, 64).withCausal(CausalMask.BOTTOM_RIGHT)
                .withScheme(AlibiBias.of(8));
        int heads = options.heads();
        int kvHeads = options.kvHeads();
        int d = options.headDim();
        int keys = 150;
        for (boolean largeQueries : new boolean[] {false, true}) {
            for (boolean subnormals : new boolean[] {false, true}) {
                SplittableRandom random = new SplittableRandom(largeQueries ? 53 : 59);
                float[] k = PositionBiasContract.fill(keys * kvHeads * d, subnormals ? 61 : 67);
                float[] v = PositionBiasContract.fill(keys * kvHeads * d, 71);
                float[] q = PositionBiasContract.fill(3 * heads * d, 73);
                if (largeQueries) {
                    for (int i = 0; i < k.length; i++) {
                        k[i] = (random.nextBoolean() ? 1 : -1) * (float) Math.scalb(1 + random.nextDouble(), -11);
                    }
                    for (int row = 0; row < 3 * heads; row++) {
                        q[row * d + random.nextInt(d)] = random.nextBoolean() ? 0x1p20f : -0x1p20f;
                    }
                }
                if (subnormals) {
                    for (int row = 0; row < keys * kvHeads; row++) {
                        if (random.nextInt(5) == 0) {
                            k[row * d + random.nextInt(d)] = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(1023)) * 0x1p-24f;
                        }
                        if (random.nextInt(5) == 0) {
                            v[row * d + random.nextInt(d)] = -(1 + random.nextInt(1023)) * 0x1p-24f;
                        }
                    }
                }
                float[] kRounded = new float[k.length];
                float[] vRounded = new float[v.length];
                for (int i = 0; i < k.length; i++) {
                    kRounded[i] = NearestEven.round(KvPrecision.F16, k[i]);
                    vRounded[i] = NearestEven.round(KvPrecision.F16, v[i]);
                }
                String what = (largeQueries ? "query elements of 2^20" : "ordinary queries")
                        + (subnormals ? ", rows holding subnormals" : "");
                for (int queries : new int[] {1, 3}) {
                    float[] expected = null;
                    try (Arena arena = Arena.ofConfined()) {
                        for (KvPrecision p : new KvPrecision[] {KvPrecision.F32, KvPrecision.F16}) {
                            for (boolean offHeap : new boolean[] {false, true}) {
                                KvCacheSpec spec = KvCacheSpec.of(keys, kvHeads, d, p);
                                KvCache cache = offHeap ? KvCache.offHeap(spec, arena) : KvCache.onHeap(spec);
                                float[] rows = p == KvPrecision.F32 ? kRounded : k;
                                cache.append(Tokens.of(rows, keys, kvHeads, d),
                                        Tokens.of(p == KvPrecision.F32 ? vRounded : v, keys, kvHeads, d));
                                float[] out = new float[queries * heads * d];
                                kernel().attend(options, null, (DenseBias) null, Tokens.of(q, queries, heads, d), cache,
                                        Tokens.of(out, queries, heads, d), new AttentionWorkspace());
                                String at = what + ", " + queries + " queries, " + p + (offHeap ? " off-heap" : " heap");
                                if (expected == null) {
                                    AttentionOracle.of(new AttentionCase.Inputs(options, queries, keys, null, null, q, kRounded,
                                            vRounded, 0, 0)).assertFloatClose(at, out, 0);
                                    expected = out;
                                } else {
                                    assertArrayEquals(expected, out, at + ": against the F32 cache");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Once its arena is closed, an off-heap cache's reads and writes throw IllegalStateException saying so. */
    @Test
    public void aClosedArenaIsAnIllegalStateNamingIt() {
        Arena arena = Arena.ofConfined();
        KvCacheSpec spec = KvCacheSpec.of(8, 2, 4, KvPrecision.F16);
        KvCache cache = KvCache.offHeap(spec, arena);
        float[] rows = PositionBiasContract.fill(2 * 2 * 4, 5);
        cache.append(Tokens.of(rows, 2, 2, 4), Tokens.of(rows, 2, 2, 4));
        Arena other = Arena.ofConfined();
        MemorySegment segment = other.allocate(2 * 2 * 4 * Float.BYTES);
        other.close();
        assertState(() -> cache.append(segment, segment, 1), "k's arena is closed");
        KvCache copy = KvCache.onHeap(spec);
        arena.close();
        assertState(() -> copy.copyFrom(cache), "source KvCache's arena is closed");
        assertState(() -> cache.copyFrom(copy), "arena is closed");
        assertTrue(!cache.isAlive());
        float[] out = Arrays2.sentinels(4 * 4);
        float[] before = out.clone();
        AttentionOptions o = AttentionOptions.of(4, 2, 4);
        assertState(() -> kernel().attend(o, Tokens.of(rows, 1, 4, 4), cache, Tokens.of(out, 1, 4, 4),
                new AttentionWorkspace()), "arena is closed");
        assertState(() -> reference().attend(o, Tokens.of(rows, 1, 4, 4), cache, Tokens.of(out, 1, 4, 4),
                new AttentionWorkspace()), "arena is closed");
        assertArrayEquals(before, out, "a rejected call leaves the output");
        assertState(() -> cache.append(Tokens.of(rows, 1, 2, 4), Tokens.of(rows, 1, 2, 4)), "arena is closed");
        assertState(() -> cache.key(0, 0, 0), "arena is closed");
        assertState(() -> cache.keySquaredNorm(1, 1), "arena is closed");
        assertState(() -> KvCache.offHeap(spec, arena), "arena is closed");
        assertTrue(cache.toString().contains("arena closed"), cache.toString());
    }

    private static void assertState(Executable call, String mention) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(String.valueOf(e.getMessage()).contains(mention), () -> "message '" + e.getMessage()
                + "' does not mention '" + mention + "'");
    }

    /**
     * NaN and ±∞ stored in any precision follow the kernel's documented convention: a row that sees a NaN key
     * or a +∞ logit is NaN, a row that sees a NaN value has NaN in that column (and others may, in that column
     * only); rows that see neither meet the bound of the clean values (not their bits: a block that may see a
     * non-finite key, F16's or an overflowing one, is computed exactly). Rolling the row back gives the clean
     * outputs again, bit for bit.
     */
    @Test
    public void specialValuesInTheCacheFollowTheDocumentedConvention() {
        int d = 3;
        int keys = 70;
        float[] q = PositionBiasContract.fill(keys * d, 11);
        for (int i = 0; i < keys; i++) {
            q[i * d + 1] = Math.abs(q[i * d + 1]) + 0.5f;   // q·k = +∞ where k[1] = +∞
        }
        float[] k = PositionBiasContract.fill(keys * d, 12);
        float[] v = PositionBiasContract.fill(keys * d, 13);
        AttentionOptions causal = AttentionOptions.of(1, d).withCausal(CausalMask.TOP_LEFT);
        for (KvPrecision p : KvPrecision.values()) {
            for (boolean offHeap : new boolean[] {false, true}) {
                try (Arena arena = Arena.ofConfined()) {
                    KvCacheSpec spec = KvCacheSpec.of(keys, 1, d, p);
                    for (int which = 0; which < 3; which++) {
                        KvCache clean = offHeap ? KvCache.offHeap(spec, arena) : KvCache.onHeap(spec);
                        clean.append(Tokens.of(k, keys, 1, d), Tokens.of(v, keys, 1, d));
                        float[] expected = attendAll(causal, q, clean, keys);
                        float[] kRounded = new float[k.length];
                        float[] vRounded = new float[v.length];
                        for (int i = 0; i < k.length; i++) {
                            kRounded[i] = NearestEven.round(p, k[i]);
                            vRounded[i] = NearestEven.round(p, v[i]);
                        }
                        // Rows 0 … 39, which do not see position 40.
                        AttentionOracle before = AttentionOracle.of(new AttentionCase.Inputs(causal, 40, keys, null, null, q,
                                kRounded, vRounded, 0, 0));
                        KvCache dirty = offHeap ? KvCache.offHeap(spec, arena) : KvCache.onHeap(spec);
                        float[] kBad = k.clone();
                        float[] vBad = v.clone();
                        switch (which) {
                            case 0 -> kBad[40 * d + 2] = Float.NaN;
                            case 1 -> kBad[40 * d + 1] = Float.POSITIVE_INFINITY;
                            default -> vBad[40 * d + 2] = Float.NaN;
                        }
                        dirty.append(Tokens.of(kBad, keys, 1, d), Tokens.of(vBad, keys, 1, d));
                        assertEquals(40, dirty.lastNonFinitePosition());
                        float[] got = attendAll(causal, q, dirty, keys);
                        String what = p + (offHeap ? " off-heap" : " heap") + (which == 0 ? ", NaN key" : which == 1
                                ? ", +∞ key" : ", NaN value") + " at position 40";
                        if (which < 2) {
                            before.assertFloatClose(what + ", the rows that do not see it", got, 0);
                        }
                        for (int i = 0; i < keys; i++) {
                            for (int col = 0; col < d; col++) {
                                float x = got[i * d + col];
                                if (i < 40) {
                                    assertTrue(!Float.isNaN(x) || which == 2 && col == 2, what + ": row " + i + ", column "
                                            + col + " = " + x);
                                } else if (which < 2 || col == 2) {
                                    assertTrue(Float.isNaN(x), what + ": row " + i + ", column " + col + " = " + x);
                                } else {
                                    assertTrue(!Float.isNaN(x), what + ": row " + i + ", column " + col + " = " + x);
                                }
                            }
                        }
                        dirty.truncate(40);
                        assertEquals(-1, dirty.lastNonFinitePosition(), what + ", truncated");
                        dirty.append(Tokens.of(k, 40 * d, keys - 40, 1, d), Tokens.of(v, 40 * d, keys - 40, 1, d));
                        assertArrayEquals(expected, attendAll(causal, q, dirty, keys), what + ", rolled back and appended again");
                    }
                }
            }
        }
    }

    private float[] attendAll(AttentionOptions o, float[] q, KvCache cache, int queries) {
        float[] out = new float[queries * o.heads() * o.valueDim()];
        kernel().attend(o, null, (DenseBias) null, Tokens.of(q, queries, o.heads(), o.headDim()), cache,
                Tokens.of(out, queries, o.heads(), o.valueDim()), new AttentionWorkspace());
        return out;
    }

    /**
     * Reads are thread-safe: two threads attending over one cache (heap and shared off-heap) at once, each
     * with its own workspace, get the bits of one thread's call; so does the parallel form over an executor.
     */
    @Test
    public void twoThreadsReadingOneCacheGetIdenticalResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Arena shared = Arena.ofShared()) {
            qt(20).forAll(KvCacheCase.cases(40, 200, 40, false)).checkAssert(c -> {
                KvCacheCase.Built b = c.build();
                AttentionCase.Inputs in = b.inputs();
                KvCache cache = c.cache(b, shared);
                float[] single = run(kernel(), b, cache, in.workspace());
                try {
                    for (int round = 0; round < 3; round++) {
                        List<Future<float[]>> both = List.of(pool.submit(() -> run(kernel(), b, cache, in.workspace())),
                                pool.submit(() -> run(kernel(), b, cache, in.workspace())));
                        for (Future<float[]> f : both) {
                            assertArrayEquals(single, f.get(), "a concurrent read, " + c);
                        }
                    }
                    float[] out = in.output();
                    kernel().attend(in.options(), in.positions(), in.dense(), in.queryTokens(), cache, in.outputTokens(out),
                            pool, in.workspace(), in.workspace(), in.workspace());
                    assertArrayEquals(single, out, "the parallel form, " + c);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void rejectsBadInputNamingTheProblem() {
        AttentionKernel a = kernel();
        AttentionWorkspace w = new AttentionWorkspace();
        // The spec: sizes, a row that overflows an int, a heap cache beyond an array.
        BadInput.rejects(() -> KvCacheSpec.of(0, 2, 8, KvPrecision.F16), null, "capacity", "0");
        BadInput.rejects(() -> KvCacheSpec.of(-5, 2, 8, KvPrecision.F16), null, "capacity", "-5");
        BadInput.rejects(() -> KvCacheSpec.of(4, -1, 8, KvPrecision.F16), null, "kvHeads", "-1");
        BadInput.rejects(() -> KvCacheSpec.of(4, 2, 0, KvPrecision.F16), null, "headDim", "0");
        BadInput.rejects(() -> KvCacheSpec.of(4, 2, 8, KvPrecision.F16).withValueDim(-3), null, "valueDim", "-3");
        BadInput.rejects(() -> KvCacheSpec.of(4, 2, 8, null), null, "precision");
        BadInput.rejects(() -> KvCacheSpec.of(4, 1 << 16, 1 << 16, KvPrecision.F16), null, "kvHeads", "headDim");
        BadInput.rejects(() -> KvCache.onHeap(KvCacheSpec.of(1 << 20, 64, 64, KvPrecision.BF16)), null, "keys",
                String.valueOf(1L << 32), "offHeap");
        BadInput.rejects(() -> KvCache.onHeap(null), null, "spec");
        BadInput.rejects(() -> KvCache.offHeap(KvCacheSpec.of(4, 2, 8, KvPrecision.F16), null), null, "arena");
        // Appending: shapes, counts, capacity.
        KvCacheSpec spec = KvCacheSpec.of(5, 2, 8, KvPrecision.F16).withValueDim(3);
        KvCache cache = KvCache.onHeap(spec);
        float[] rows = PositionBiasContract.fill(6 * 2 * 8, 7);
        Tokens k3 = Tokens.of(rows, 3, 2, 8);
        Tokens v3 = Tokens.of(rows, 3, 2, 3);
        cache.append(k3, v3);
        BadInput.rejects(() -> cache.append(k3, v3), null, "appending 3 rows at position 3", "6", "capacity 5");
        BadInput.rejects(() -> cache.append(Tokens.of(rows, 1, 4, 4), v3.rows(0, 1)), null, "k", "[1 × 4 × 4]",
                "kvHeads = 2", "headDim = 8");
        BadInput.rejects(() -> cache.append(k3.rows(0, 1), Tokens.of(rows, 1, 2, 8)), null, "v", "[1 × 2 × 8]",
                "valueDim = 3");
        BadInput.rejects(() -> cache.append(k3.rows(0, 2), v3.rows(0, 1)), null, "v has 1 tokens", "k has 2");
        BadInput.rejects(() -> cache.append(null, v3), null, "k");
        MemorySegment segment = MemorySegment.ofArray(rows);
        BadInput.rejects(() -> cache.append(segment, segment, -1), null, "rows", "-1");
        BadInput.rejects(() -> cache.append(segment, segment, 0), null, "rows", "0");
        BadInput.rejects(() -> cache.append(segment.asSlice(0, 16 * Float.BYTES), segment, 2), null, "k is too small",
                "32 floats", "64 bytes");
        BadInput.rejects(() -> cache.append(segment, segment, Integer.MAX_VALUE), null, "rows");
        BadInput.rejects(() -> cache.append(segment, segment, 3), null, "appending 3 rows at position 3", "capacity 5");
        KvCache ring = KvCache.onHeap(spec.asRing());
        BadInput.rejects(() -> ring.append(segment, segment, 6), null, "appending 6 rows", "ring of capacity 5");
        assertEquals(3, cache.nextPosition(), "rejected appends append nothing");
        // Copying: only between caches of one spec.
        BadInput.rejects(() -> ring.copyFrom(cache), null, "ring=false", "ring=true", "same spec");
        BadInput.rejects(() -> cache.copyFrom(KvCache.onHeap(KvCacheSpec.of(5, 2, 8, KvPrecision.BF16).withValueDim(3))),
                null, "precision=BF16", "precision=F16", "same spec");
        BadInput.rejects(() -> cache.copyFrom(null), null, "source");
        assertEquals(3, cache.nextPosition(), "a rejected copy copies nothing");
        // Truncating and rolling back, reading positions.
        BadInput.rejects(() -> cache.truncate(4), null, "position", "4", "nextPosition() = 3");
        BadInput.rejects(() -> cache.truncate(-1), null, "position", "-1", "firstPosition() = 0");
        BadInput.rejects(() -> cache.rollBack(4), null, "rows", "4");
        BadInput.rejects(() -> cache.rollBack(-1), null, "rows", "-1");
        BadInput.rejects(() -> cache.slot(3), null, "position", "3", "[0, 3)");
        BadInput.rejects(() -> cache.key(0, 2, 0), null, "kvHead", "2");
        BadInput.rejects(() -> cache.value(0, 0, 3), null, "column", "valueDim = 3", "3");
        BadInput.rejects(() -> cache.keySquaredNorm(-1, 0), null, "position", "-1");
        // Attention: the cache against the options, empty caches, positions, windows beyond a ring.
        AttentionOptions o = AttentionOptions.of(4, 2, 8).withValueDim(3);
        float[] q = PositionBiasContract.fill(3 * 4 * 8, 8);
        float[] out = Arrays2.sentinels(3 * 4 * 3);
        Tokens qt = Tokens.of(q, 3, 4, 8);
        Tokens outt = Tokens.of(out, 3, 4, 3);
        for (AttentionKernel kernel : List.of(a, reference())) {
            BadInput.rejects(() -> kernel.attend(AttentionOptions.of(4, 4, 8).withValueDim(3), qt, cache, outt, w), out,
                    "kvHeads = 2", "options give 4");
            BadInput.rejects(() -> kernel.attend(AttentionOptions.of(4, 2, 4).withValueDim(3), Tokens.of(q, 3, 4, 4), cache,
                    outt, w), out, "headDim = 8", "options give 2, 4 and 3");
            BadInput.rejects(() -> kernel.attend(o, qt, KvCache.onHeap(spec), outt, w), out, "holds no rows");
            BadInput.rejects(() -> kernel.attend(o, Tokens.of(q, 3, 2, 8), cache, outt, w), out, "q", "heads = 4");
            BadInput.rejects(() -> kernel.attend(o, qt, cache, Tokens.of(out, 2, 4, 3), w), out, "out has 2 tokens");
            BadInput.rejects(() -> kernel.attend(o, Positions.of(0, 1, 3), null, qt, cache, outt, w), out, "position 3",
                    "keys = 3");
            BadInput.rejects(() -> kernel.attend(o, Positions.of(0, 1), null, qt, cache, outt, w), out,
                    "queryPositions.count() = 2", "3");
            BadInput.rejects(() -> kernel.attend(o, null, DenseBias.mask(new boolean[12], 0, 1, 3, 4), qt, cache, outt, w),
                    out, "dense", "keys = 3");
            BadInput.rejects(() -> kernel.attend(o, qt, (KvCache) null, outt, w), out, "cache");
            BadInput.rejects(() -> kernel.attend(o, null, null, qt, cache, outt, Runnable::run, w, w), out, "same object");
            KvCache wrapped = KvCache.onHeap(spec.asRing());
            wrapped.append(Tokens.of(rows, 4, 2, 8), Tokens.of(rows, 4, 2, 3));
            wrapped.append(Tokens.of(rows, 4, 2, 8), Tokens.of(rows, 4, 2, 3));   // holds positions 3 … 7
            AttentionOptions causal = o.withCausal(CausalMask.BOTTOM_RIGHT);
            BadInput.rejects(() -> kernel.attend(causal, qt, wrapped, outt, w), out, "query row 0", "position 5",
                    "from position 0", "no window", "[3, 8)", "window of at most 2");
            BadInput.rejects(() -> kernel.attend(causal.withWindow(3), qt, wrapped, outt, w), out, "query row 0",
                    "from position 2", "window 3", "at most 2");
        }
    }
}
