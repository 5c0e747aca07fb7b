package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.KernelProvider;
import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalLayout;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.bench.plain.PlainAttention;
import dev.posenc.bench.plain.PlainKvAppend;
import dev.posenc.bench.plain.PlainLearned;
import dev.posenc.bench.plain.PlainNorms;
import dev.posenc.bench.plain.PlainRope;
import dev.posenc.bench.plain.PlainSoftmax;
import dev.posenc.bench.plain.PlainSinusoidal;
import dev.posenc.norm.RmsNormWeighting;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RotaryEmbedding;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java baselines compute what the benchmarked kernels compute: each against the scalar
 * reference on small shapes, within a bound derived from float rounding (u = 2⁻²⁴ ≈ 6e−8).
 */
class PlainBaselinesTest {
    static final KernelProvider REFERENCE = Kernels.reference();
    static final double U = 0x1p-24;

    static float[] uniform(SplittableRandom random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    static void assertClose(float[] expected, float[] actual, double absolute, double relative) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double bound = absolute + relative * Math.abs(expected[i]);
            assertEquals(expected[i], actual[i], bound, "index " + i);
        }
    }

    @Test
    void sinusoidalTablesInBothLayouts() {
        int rows = 64;
        int dim = 30;
        for (SinusoidalLayout layout : SinusoidalLayout.values()) {
            SinusoidalEncoding encoding = SinusoidalEncoding.of(dim, layout);
            float[] frequency = new float[dim / 2];
            for (int i = 0; i < frequency.length; i++) {
                frequency[i] = (float) encoding.frequency(i);
            }
            float[] expected = new float[rows * dim];
            float[] actual = new float[rows * dim];
            REFERENCE.absolutePositions().sinusoidal(encoding, Positions.range(0, rows), expected, 0);
            PlainSinusoidal.table(frequency, layout == SinusoidalLayout.INTERLEAVED, rows, dim, actual);
            // A float angle p·w (p ≤ 63, w ≤ 1): w and the product each rounded, ≤ 2·63·u; then sin rounded, ≤ u.
            assertClose(expected, actual, 2 * 63 * U + U, 0);
        }
    }

    @Test
    void learnedRowsAddedInPlace() {
        SplittableRandom random = new SplittableRandom(1);
        int dim = 37;
        float[] table = uniform(random, 20 * dim, 2);
        float[] expected = uniform(random, 5 * dim, 2);
        float[] actual = expected.clone();
        REFERENCE.absolutePositions().addLearned(table, 0, 20, dim, Positions.range(3, 5), expected, 0);
        PlainLearned.add(table, 3, 5, dim, actual);
        // One float addition each side, both correctly rounded: identical.
        assertClose(expected, actual, 0, 0);
    }

    @Test
    void ropeFromAFloatTableInBothLayoutsInPlaceAndInto() {
        SplittableRandom random = new SplittableRandom(2);
        int positions = 9;
        int heads = 3;
        int headDim = 16;
        for (RopeLayout layout : RopeLayout.values()) {
            for (int rotaryDim : new int[] {headDim, headDim / 2}) {
                RotaryEmbedding embedding = RotaryEmbedding.of(headDim, rotaryDim, 10_000, layout);
                RopeCache cache = REFERENCE.rope().cache(embedding, positions);
                int half = rotaryDim / 2;
                float[] cos = new float[positions * half];
                float[] sin = new float[positions * half];
                for (int p = 0; p < positions; p++) {
                    for (int i = 0; i < half; i++) {
                        cos[p * half + i] = (float) cache.cos(p, i);
                        sin[p * half + i] = (float) cache.sin(p, i);
                    }
                }
                float[] x = uniform(random, positions * heads * headDim, 1);
                float[] expected = new float[x.length];
                REFERENCE.rope().rotate(cache, Positions.range(0, positions), heads, x, 0, expected, 0);
                float[] into = new float[x.length];
                PlainRope.rotate(cos, sin, layout == RopeLayout.HALF_SPLIT, positions, heads, headDim, rotaryDim, x, into);
                float[] inPlace = x.clone();
                PlainRope.rotate(cos, sin, layout == RopeLayout.HALF_SPLIT, positions, heads, headDim, rotaryDim, inPlace, inPlace);
                // cos, sin rounded to float (u each), two products and a sum rounded (3u), |a|, |b| ≤ 1: ≤ 2·4u.
                assertClose(expected, into, 8 * U, 0);
                assertClose(expected, inPlace, 8 * U, 0);
            }
        }
    }

    @Test
    void kvRowsStoredWithTheCachesBits() {
        // Two rows of 2 heads × 8: Gaussian values at scales from subnormal to near F16's largest, halfway cases of F16
        // and BF16 (round to even, up and down), ±0, ±∞ and NaNs (one quiet, one signalling with low payload bits only).
        float[] x = uniform(new SplittableRandom(3), 32, 1);
        float[] special = {1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 1 + 0x1p-8f, 1 + 3 * 0x1p-8f, 0x1p-20f, -0x1p-130f, 60000, -0.0f, 0,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7f800001), 0x1.fffffep-1f};
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < x.length; i++) {
            x[i] *= (float) Math.pow(2, i % 24 - 20);
        }
        for (KvPrecision precision : KvPrecision.values()) {
            KvCache cache = KvCache.onHeap(KvCacheSpec.of(2, 2, 8, precision));
            cache.append(Tokens.of(x, 2, 2, 8), Tokens.of(x, 2, 2, 8));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment stored = arena.allocate(x.length * precision.bytes() + 4, Float.BYTES);
                switch (precision) {
                    case F32 -> PlainKvAppend.f32(x, 0, x.length, stored, 4);
                    case F16 -> PlainKvAppend.f16(x, 0, x.length, stored, 4);
                    case BF16 -> PlainKvAppend.bf16(x, 0, x.length, stored, 4);
                }
                assertEquals(-1, cache.keys().mismatch(stored.asSlice(4)), precision + ": byte where plain Java differs");
            }
        }
    }

    @Test
    void softmaxRows() {
        SplittableRandom random = new SplittableRandom(3);
        int rows = 4;
        int cols = 100;
        float[] x = uniform(random, rows * cols, 10);
        float[] expected = new float[x.length];
        float[] actual = new float[x.length];
        REFERENCE.softmax().softmax(x, 0, expected, 0, rows, cols);
        PlainSoftmax.softmax(x, actual, rows, cols);
        // exp rounded to float (u), a float sum of 100 terms (≤ 100u relative), a reciprocal and a product (2u).
        assertClose(expected, actual, 0, 103 * U);
    }

    @Test
    void layerNormAndRmsNorm() {
        SplittableRandom random = new SplittableRandom(4);
        int rows = 3;
        int dim = 64;
        float[] x = uniform(random, rows * dim, 2);
        float[] gamma = uniform(random, dim, 1.5);
        float[] beta = uniform(random, dim, 0.5);
        float[] expected = new float[x.length];
        float[] actual = new float[x.length];
        REFERENCE.norms().layerNorm(x, 0, expected, 0, rows, dim, gamma, beta, 1e-5);
        PlainNorms.layerNorm(x, actual, rows, dim, gamma, beta, 1e-5f);
        // Float sums of 64 terms (≤ 64u relative on μ and σ²), then four roundings per output; |x̂| ≤ √64 = 8, |γ| ≤ 1.5.
        assertClose(expected, actual, 8 * 1.5 * 70 * U + 0.5 * U, 0);
        REFERENCE.norms().rmsNorm(x, 0, expected, 0, rows, dim, gamma, 1e-6, RmsNormWeighting.PLAIN);
        PlainNorms.rmsNorm(x, actual, rows, dim, gamma, 1e-6f);
        assertClose(expected, actual, 8 * 1.5 * 70 * U, 0);
    }

    @Test
    void causalAttentionWithGroupedHeadsAndEachScheme() {
        SplittableRandom random = new SplittableRandom(5);
        int heads = 4;
        int kvHeads = 2;
        int headDim = 16;
        int queries = 3;
        int keys = 10;
        float[] q = uniform(random, queries * heads * headDim, 1);
        float[] k = uniform(random, keys * kvHeads * headDim, 1);
        float[] v = uniform(random, keys * kvHeads * headDim, 1);
        for (String scheme : Schemes.NAMES) {
            AttentionOptions options = Schemes.options(scheme, heads, kvHeads, headDim);
            float[] expected = new float[q.length];
            REFERENCE.attention().attend(options, queries, keys, Positions.range(keys - queries, queries), null,
                    q, 0, k, 0, v, 0, expected, 0, new AttentionWorkspace());
            for (int firstRow = 0; firstRow < queries; firstRow++) {
                int rows = queries - firstRow;
                float[] actual = new float[rows * heads * headDim];
                float[] rowsOfQ = java.util.Arrays.copyOfRange(q, firstRow * heads * headDim, q.length);
                PlainAttention.attend(heads, kvHeads, headDim, queries, keys, firstRow, rows, 0, heads, rowsOfQ, k, v,
                        Schemes.biasByDistance(options, keys), Schemes.terms(options), actual, new float[keys]);
                // Logits: a float dot of 16 terms of |q·k| ≤ 1 (≤ 16u·16), the scale and τ (2u·16) and the scheme's
                // terms rounded to float (a bias |b| ≤ 8, Shaw's q·aK ≤ 16, DeBERTa's two dots or Transformer-XL's
                // u·k + (q + v)·r ≤ 32, sinks ≤ 2: ≤ 32u); an error e in logits moves p by ≤ 2e relative; |v| ≤ 1 over
                // ≤ 10 keys and the sink add ≤ 12u. Shaw adds |aV| ≤ 0.5 to each value: |v + aV| ≤ 1.5 scales both parts.
                float[] expectedRows = java.util.Arrays.copyOfRange(expected, firstRow * heads * headDim, expected.length);
                double values = scheme.equals("shaw") ? 1 + Schemes.SHAW_VALUES : 1;
                assertClose(expectedRows, actual, values * (2 * (256 + 32 + 32) * U + 14 * U), 0);
            }
        }
    }
}
