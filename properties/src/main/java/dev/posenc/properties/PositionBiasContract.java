package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.posenc.Positions;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AlibiForm;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.bias.TransformerXlPositions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The relative position schemes themselves (no kernel): HF's T5 buckets and biases and BLOOM's ALiBi
 * slopes from the conformance data, the rules each scheme obeys, Transformer-XL against the authors'
 * rel-shift formulation, and bad input. Attention's use of them is in {@link AttentionContract}.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class PositionBiasContract {
    private static final double U = 0x1p-24;

    @Test
    public void t5BucketsMatchTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("t5_bias")) {
            if (!c.kind().equals("bucket")) {
                continue;
            }
            T5Buckets buckets = T5Buckets.of(c.node("params.bidirectional").asBoolean(), c.intParam("num_buckets"),
                    c.intParam("max_distance"));
            int[] relative = c.ints("inputs.relative_position");
            int[] expected = c.ints("expected.bucket");
            for (int i = 0; i < relative.length; i++) {
                assertEquals(expected[i], buckets.bucket(relative[i]), c + " at relative position " + relative[i]);
            }
        }
    }

    @Test
    public void t5BiasMatchesComputeBias() {
        for (ConformanceCase c : Conformance.cases("t5_bias")) {
            if (!c.kind().equals("compute_bias")) {
                continue;
            }
            int heads = c.intParam("num_heads");
            int queries = c.intParam("query_length");
            int keys = c.intParam("key_length");
            T5Buckets buckets = T5Buckets.of(c.node("params.bidirectional").asBoolean(), c.intParam("num_buckets"),
                    c.intParam("max_distance"));
            T5RelativeBias bias = T5RelativeBias.of(buckets, heads, c.floats("inputs.table"), 0);
            Positions positions = Positions.of(c.ints("inputs.query_positions"));
            float[] out = new float[heads * queries * keys];
            bias.materialize(positions, keys, out, 0);
            assertArrayEquals(c.floats("expected.bias"), out, c.toString());
            int[] bucket = c.ints("expected.bucket");
            for (int i = 0; i < queries; i++) {
                for (int j = 0; j < keys; j++) {
                    assertEquals(bucket[i * keys + j], buckets.bucket(j - positions.at(i)), c + " bucket at " + i + ", " + j);
                }
            }
        }
    }

    @Test
    public void t5BucketRules() {
        qt(200).forAll(booleans().all(), integers().between(2, 80), integers().between(1, 600),
                integers().between(-5000, 5000)).checkAssert((bidirectional, nb, extra, r) -> {
                    int buckets = bidirectional ? Math.max(4, nb) : nb;
                    int perDirection = bidirectional ? buckets / 2 : buckets;
                    int exact = perDirection / 2;
                    T5Buckets t5 = T5Buckets.of(bidirectional, buckets, exact + extra);
                    int b = t5.bucket(r);
                    assertTrue(b >= 0 && b < buckets, () -> t5 + ": bucket(" + r + ") = " + b);
                    int a = Math.abs(r);
                    if (bidirectional && r > 0) {
                        assertEquals(perDirection, b - t5.bucket(-r), t5 + ": bucket(r) − bucket(−r) at r = " + r);
                    }
                    if (!bidirectional && r > 0) {
                        assertEquals(0, b, t5 + ": a future key is in bucket 0");
                    }
                    if (a < exact && r <= 0) {
                        assertEquals(a, b, t5 + ": distances below maxExact are their own bucket");
                    }
                    if (a >= t5.maxDistance()) {
                        assertEquals(t5.bucket(Integer.signum(r) * t5.maxDistance()), b, t5 + ": constant beyond maxDistance");
                    }
                    if (a > 0) {
                        int sign = r > 0 && bidirectional ? 1 : -1;
                        assertTrue(t5.bucket(sign * (a - 1)) <= t5.bucket(sign * a), t5 + ": monotone in distance at " + r);
                    }
                    double real = (perDirection - exact) * Math.log((double) a / exact) / Math.log((double) t5.maxDistance() / exact);
                    if (a >= exact && Math.abs(real - Math.rint(real)) > 1e-9 && (r <= 0 || bidirectional)) {
                        int magnitude = Math.min(perDirection - 1, exact + (int) real);
                        assertEquals(magnitude + (r > 0 ? perDirection : 0), b, t5 + ": HF's formula at " + r);
                    }
                });
    }

    @Test
    public void t5FromHfEmbeddingIsTheTranspose() {
        T5Buckets buckets = T5Buckets.of(true, 8, 20);
        float[] weight = new float[8 * 3];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = i;
        }
        T5RelativeBias bias = T5RelativeBias.fromEmbeddingWeight(buckets, 3, weight, 0);
        for (int b = 0; b < 8; b++) {
            for (int h = 0; h < 3; h++) {
                assertEquals(weight[b * 3 + h], bias.table(h, b));
            }
        }
    }

    @Test
    public void relativeBiasesDependOnlyOnTheDistance() {
        T5RelativeBias t5 = T5RelativeBias.of(T5Buckets.of(false, 16, 40), 2, fill(32, 1), 0);
        AlibiBias alibi = AlibiBias.of(5);
        AlibiBias symmetric = AlibiBias.symmetric(5);
        qt(300).forAll(integers().between(0, 1000), integers().between(0, 1000), integers().between(-500, 500))
                .checkAssert((p, j, t) -> {
                    for (int h = 0; h < 2; h++) {
                        assertEquals(t5.bias(h, p, j), t5.bias(h, p + 1000 + t, j + 1000 + t), "T5 at " + p + ", " + j);
                    }
                    for (int h = 0; h < 5; h++) {
                        assertEquals(alibi.bias(h, p, j), alibi.bias(h, p + 1000 + t, j + 1000 + t), 0.0);
                        assertEquals(-alibi.slope(h) * (p - j), alibi.bias(h, p, j), 0.0);
                        assertEquals(-alibi.slope(h) * Math.abs(p - j), symmetric.bias(h, p, j), 0.0);
                    }
                });
    }

    @Test
    public void alibiSlopesMatchTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("alibi")) {
            if (!c.kind().equals("slopes")) {
                continue;
            }
            double[] slopes = AlibiBias.of(c.intParam("num_heads")).slopes();
            double[] expected = c.doubles("expected.slopes");
            double[] bloom = c.doubles("expected_f32.slopes");
            for (int h = 0; h < slopes.length; h++) {
                // One double rounding of 2^x (≤ 1 ulp = 2^-52 relative).
                Approx.assertClose(c + " slope " + h, slopes[h], expected[h], 0x1p-52 * expected[h]);
                // The float of our slope is within half a float ulp of the closed form (README: 6e-8).
                Approx.assertClose(c + " float slope " + h, (float) slopes[h], expected[h], 6e-8 * expected[h]);
                // BLOOM's float32 torch.pow is off the closed form by up to 4.8e-7 (README).
                Approx.assertClose(c + " BLOOM's float32 slope " + h, bloom[h], expected[h], 5e-7 * expected[h]);
            }
        }
    }

    @Test
    public void alibiBiasMatchesTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("alibi")) {
            int heads = c.intParam("num_heads");
            AlibiBias alibi = AlibiBias.of(heads);
            switch (c.kind()) {
                case "bias" -> {
                    int len = c.intParam("seq_len");
                    float[] out = new float[heads * len * len];
                    alibi.materialize(Positions.range(0, len), len, out, 0);
                    Approx.assertClose(c + " bias_standard", out, 0, c.doubles("expected.bias_standard"),
                            Approx.Bound.of(0, U));
                    assertBloomForm(c, alibi, new int[] {0, 1, 2, 3, 4, 5, 6}, len);
                }
                case "bias_decode" -> {
                    int keys = c.intParam("key_length");
                    float[] out = new float[heads * keys];
                    alibi.materialize(Positions.range(c.intParam("query_position"), 1), keys, out, 0);
                    Approx.assertClose(c + " bias_standard", out, 0, c.doubles("expected.bias_standard"),
                            Approx.Bound.of(0, U));
                }
                case "bloom_padding" -> {
                    double[] keyPositions = c.doubles("expected.key_positions");
                    int[] positions = new int[keyPositions.length];
                    for (int j = 0; j < positions.length; j++) {
                        positions[j] = (int) keyPositions[j];
                    }
                    assertBloomForm(c, alibi, positions, positions.length);
                }
                default -> {
                }
            }
        }
    }

    /** BLOOM's {@code m_h·j} is our bias of a query at position 0 and a key at j. */
    private static void assertBloomForm(ConformanceCase c, AlibiBias alibi, int[] keyPositions, int keys) {
        double[] bloom = c.doubles("expected.bias_bloom");
        for (int h = 0; h < alibi.heads(); h++) {
            for (int j = 0; j < keys; j++) {
                Approx.assertClose(c + " bias_bloom[" + h + ", " + j + "]", alibi.bias(h, 0, keyPositions[j]),
                        bloom[h * keys + j], 0x1p-52 * Math.abs(bloom[h * keys + j]));
            }
        }
    }

    @Test
    public void alibiSlopesFollowThePaper() {
        for (int n = 1; n <= 64; n++) {
            double[] m = AlibiBias.of(n).slopes();
            int base = Integer.highestOneBit(n);
            for (int h = 0; h < base; h++) {
                assertEquals(Math.pow(2, -8.0 * (h + 1) / base), m[h], Math.ulp(m[h]), "n = " + n + ", head " + h);
            }
            for (int h = base; h < n; h++) {
                assertEquals(Math.pow(2, -4.0 * (2 * (h - base) + 1) / base), m[h], Math.ulp(m[h]), "n = " + n + ", head " + h);
            }
        }
        double[] six = AlibiBias.of(6).slopes();
        assertTrue(six[4] > six[3], "six heads: the interleaved slopes are not monotone, by design");
        assertEquals(AlibiForm.SYMMETRIC, AlibiBias.symmetric(3).form());
    }

    @Test
    public void shawIndicesAreClippedAndSymmetric() {
        qt(300).forAll(integers().between(0, 20), integers().between(0, 200), integers().between(0, 200))
                .checkAssert((k, i, j) -> {
                    ShawRelativePositions shaw = ShawRelativePositions.of(k, 2, new float[2 * (2 * k + 1)], 0, 1, null, 0);
                    int index = shaw.index(i, j);
                    assertEquals(Math.max(-k, Math.min(k, j - i)) + k, index);
                    assertEquals(2 * k, index + shaw.index(j, i), "index(i, j) + index(j, i) = 2k");
                    assertEquals(k, shaw.index(i, i));
                });
    }

    @Test
    public void shawKeyTermIsQueryTimesTheClippedEmbedding() {
        int clip = 3;
        int d = 5;
        float[] aK = fill((2 * clip + 1) * d, 7);
        ShawRelativePositions shaw = ShawRelativePositions.of(clip, d, aK, 0, d, fill((2 * clip + 1) * d, 8), 0);
        int heads = 2;
        int queries = 4;
        int keys = 11;
        float[] q = fill(queries * heads * d, 9);
        Positions positions = Positions.of(2, 9, 0, 5);
        float[] out = new float[heads * queries * keys];
        shaw.materializeKeyTerm(positions, keys, heads, q, 0, out, 0);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < queries; i++) {
                for (int j = 0; j < keys; j++) {
                    int c = Math.max(-clip, Math.min(clip, j - positions.at(i))) + clip;
                    double dot = 0;
                    for (int x = 0; x < d; x++) {
                        dot += (double) q[(i * heads + h) * d + x] * aK[c * d + x];
                    }
                    assertEquals((float) dot, out[(h * queries + i) * keys + j], "Shaw key term " + h + ", " + i + ", " + j);
                }
            }
        }
    }

    /**
     * Transformer-XL's authors compute {@code BD} for {@code pos_seq = klen − 1 … 0} and realign it with
     * {@code _rel_shift} (pad a zero column, reshape, drop the first row); on every entry a causal query
     * sees, that equals our direct evaluation at distance {@code p − j}.
     */
    @Test
    public void transformerXlEqualsTheRelShiftFormulation() {
        int heads = 2;
        int d = 3;
        int memory = 4;
        int qlen = 5;
        int klen = memory + qlen;
        int modelDim = 6;
        float[] u = fill(heads * d, 1);
        float[] v = fill(heads * d, 2);
        float[] projection = fill(heads * d * modelDim, 3);
        TransformerXlPositions xl = TransformerXlPositions.sinusoidal(heads, d, u, 0, v, 0, projection, 0, modelDim, klen);
        float[] q = fill(qlen * heads * d, 4);
        float[] ours = new float[heads * qlen * klen];
        xl.materializePositionTerm(Positions.range(memory, qlen), klen, q, 0, ours, 0);
        for (int h = 0; h < heads; h++) {
            double[] bd = new double[qlen * klen];
            for (int i = 0; i < qlen; i++) {
                for (int m = 0; m < klen; m++) {
                    double[] r = xlRelativeEmbedding(projection, h, d, modelDim, klen - 1 - m);
                    for (int c = 0; c < d; c++) {
                        bd[i * klen + m] += ((double) q[(i * heads + h) * d + c] + v[h * d + c]) * r[c];
                    }
                }
            }
            double[] shifted = relShift(bd, qlen, klen);
            for (int i = 0; i < qlen; i++) {
                for (int j = 0; j <= memory + i; j++) {
                    Approx.assertClose("XL head " + h + " [" + i + ", " + j + "]", ours[(h * qlen + i) * klen + j],
                            shifted[i * klen + j], 4 * U * (1 + Math.abs(shifted[i * klen + j])));
                }
            }
        }
    }

    /** {@code W_R·R_δ} for head h with R = [sin(δ·f_i) | cos(δ·f_i)], f_i = 10000^(−2i/d_model) (XL's PositionalEmbedding). */
    private static double[] xlRelativeEmbedding(float[] projection, int h, int d, int modelDim, int delta) {
        double[] embedding = new double[modelDim];
        for (int i = 0; i < modelDim / 2; i++) {
            double inverseFrequency = 1 / Math.pow(10000, 2.0 * i / modelDim);
            embedding[i] = Math.sin(delta * inverseFrequency);
            embedding[modelDim / 2 + i] = Math.cos(delta * inverseFrequency);
        }
        double[] r = new double[d];
        for (int c = 0; c < d; c++) {
            for (int m = 0; m < modelDim; m++) {
                r[c] += projection[(h * d + c) * modelDim + m] * embedding[m];
            }
        }
        return r;
    }

    /** The authors' {@code _rel_shift} of a {@code [qlen × klen]} matrix, literally. */
    private static double[] relShift(double[] x, int qlen, int klen) {
        double[] padded = new double[qlen * (klen + 1)];
        for (int i = 0; i < qlen; i++) {
            System.arraycopy(x, i * klen, padded, i * (klen + 1) + 1, klen);
        }
        // view as [(klen + 1) × qlen], drop the first row, view the rest as [qlen × klen]
        double[] shifted = new double[qlen * klen];
        System.arraycopy(padded, qlen, shifted, 0, qlen * klen);
        return shifted;
    }

    /** HF's {@code make_log_bucket_position} (float32 log, no clamp) and the c2p/p2c index of {@code deberta.json}: exact. */
    @Test
    public void debertaBucketsMatchTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("deberta")) {
            if (c.kind().equals("bucket")) {
                int buckets = c.intParam("position_buckets");
                int max = c.intParam("max_relative_positions");
                DebertaPositions deberta = DebertaPositions.of(1, 1, buckets, max, new float[2 * buckets], 0, new float[2 * buckets], 0);
                int[] relative = c.ints("inputs.relative_position");
                int[] expected = c.ints("expected.bucket");
                for (int i = 0; i < relative.length; i++) {
                    assertEquals((long) expected[i], deberta.bucket(relative[i]), c + " at relative position " + relative[i]);
                }
            } else {
                DebertaPositions deberta = ConformanceAttention.debertaPositions(c);
                int n = c.shape("inputs.q")[1];
                int[] relative = c.ints("expected.relative_position");
                int[] index = c.ints("expected.index");
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        assertEquals((long) relative[i * n + j], deberta.bucket(i - j), c + " bucket(" + i + " − " + j + ")");
                        assertEquals(index[i * n + j], deberta.index(i, j), c + " index(" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    /** DeBERTa's buckets: odd, monotone, the distance itself below mid, the largest at max − 1, growing past it. */
    @Test
    public void debertaBucketRules() {
        qt(200).forAll(integers().between(1, 128), integers().between(2, 300), integers().between(-5000, 5000))
                .checkAssert((mid, extra, r) -> {
                    int max = mid + 1 + extra;
                    DebertaPositions d = DebertaPositions.of(1, 1, 2 * mid, max, new float[4 * mid], 0, new float[4 * mid], 0);
                    assertEquals(-d.bucket(r), d.bucket(-r), "odd at " + r);
                    assertTrue(d.bucket(r) <= d.bucket(r + 1), "monotone at " + r);
                    if (Math.abs(r) <= mid) {
                        assertEquals((long) r, d.bucket(r), "its own bucket below mid = " + mid);
                    }
                    assertTrue(d.index(r, 0) >= 0 && d.index(r, 0) < 4 * mid);
                });
        DebertaPositions v3 = DebertaPositions.of(1, 1, 256, 512, new float[512], 0, new float[512], 0);
        assertEquals(255L, v3.bucket(511), "the largest bucket, 2·mid − 1, at max − 1");
        assertTrue(v3.bucket(5000) > 255, "not clamped past max (HF)");
        assertEquals(511, v3.index(5000, 0), "the index is clamped");
        assertEquals(0, v3.index(0, 5000));
        DebertaPositions plain = DebertaPositions.of(1, 1, 0, 6, new float[12], 0, new float[12], 0);
        assertEquals(-9L, plain.bucket(-9), "no buckets: the distance");
        assertEquals(0, plain.index(0, 9));
        assertEquals(6 + 3, plain.index(5, 2));
    }

    @Test
    public void kerpleBiasMatchesTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("attention_modern")) {
            if (!c.kind().equals("kerple_log")) {
                continue;
            }
            KerpleBias kerple = KerpleBias.of(c.floats("inputs.r1"), c.floats("inputs.r2"));
            int[] shape = c.shape("inputs.bias");
            double[] bias = c.doubles("inputs.bias");
            for (int h = 0; h < shape[0]; h++) {
                for (int i = 0; i < shape[1]; i++) {
                    for (int j = 0; j <= i; j++) {
                        double expected = bias[(h * shape[1] + i) * shape[2] + j];
                        // log(1 + x) against log1p(x) in double: a few ulps.
                        Approx.assertClose(c + " bias[" + h + ", " + i + ", " + j + "]", kerple.bias(h, i, j), expected,
                                1e-15 * (1 + Math.abs(expected)));
                    }
                }
            }
        }
    }

    @Test
    public void kerpleIsMinusR1LogOnePlusR2Distance() {
        KerpleBias kerple = KerpleBias.of(new float[] {2f, 0.5f}, new float[] {1f, 0.25f});
        assertEquals(0, kerple.bias(0, 7, 7), 0.0);
        assertEquals(-2 * Math.log(4), kerple.bias(0, 9, 6), 1e-15);
        assertEquals(-0.5 * Math.log(2), kerple.bias(1, 0, 4), 1e-15);
        assertEquals(kerple.bias(1, 3, 40), kerple.bias(1, 40, 3), 0.0);
        for (int d = 0; d < 100; d++) {
            assertTrue(kerple.bias(0, d + 1, 0) < kerple.bias(0, d, 0), "decays with distance");
        }
    }

    /**
     * FIRE against closed forms: one hidden unit {@code b = B2 + W2·max(0, W1·x + B1)}; ψ monotone;
     * x in [0, 1] under a causal mask; within L the bias depends on the distance only; past L on the
     * distance as a fraction of the query's ψ (progressive interpolation).
     */
    @Test
    public void fireIsAnMlpOfTheNormalisedDistance() {
        double c = 0.1;
        double threshold = 16;
        FireBias one = FireBias.of(c, threshold, 0, new float[] {3f}, new float[] {-1f}, new float[] {2f, -0.5f},
                new float[] {0.25f, 1f});
        double norm = Math.log(1 + c * threshold);
        for (int p = 0; p <= 40; p++) {
            for (int t = 0; t <= p; t++) {
                double x = Math.log(1 + c * (p - t)) / Math.log(1 + c * Math.max(p, threshold));
                assertEquals(x, one.normalisedDistance(p, t), 1e-15);
                assertTrue(x >= 0 && x <= 1, "x in [0, 1]: " + x);
                assertEquals(0.25 + 2 * Math.max(0, 3 * x - 1), one.bias(0, p, t), 1e-14, "head 0 at " + p + ", " + t);
                assertEquals(1 - 0.5 * Math.max(0, 3 * x - 1), one.bias(1, p, t), 1e-14, "head 1 at " + p + ", " + t);
                if (p <= threshold) {
                    assertEquals(Math.log(1 + c * (p - t)) / norm, one.normalisedDistance(p, t), 1e-15, "within L: ψ(d)/ψ(L)");
                    assertEquals(one.bias(0, p - t, 0), one.bias(0, p, t), 0.0, "within L: the distance only");
                }
            }
            assertTrue(one.psi(p + 1) > one.psi(p), "ψ increases");
        }
        // Past L a query's farthest key (t = 0) sits at x = 1, at every position.
        assertEquals(1, one.normalisedDistance(1000, 0), 1e-15);
        assertEquals(1, one.normalisedDistance(100_000, 0), 1e-15);
        FireBias eps = FireBias.of(c, threshold, 1e-6, new float[] {1f}, new float[] {0f}, new float[] {1f}, new float[] {0f});
        assertEquals(Math.log1p(c * 5) / (Math.log1p(c * threshold) + 1e-6), eps.bias(0, 5, 0), 1e-15, "ε in the normaliser");
    }

    @Test
    public void visibilityAndTemperatureRules() {
        ChunkedAttention chunks = ChunkedAttention.of(8);
        assertEquals(0, chunks.firstVisibleKey(7));
        assertEquals(8, chunks.firstVisibleKey(8));
        assertEquals(16, chunks.firstVisibleKey(23));
        assertEquals(-8, chunks.firstVisibleKey(-1), "a negative position's chunk (it sees no key)");
        StreamingWindow streaming = StreamingWindow.of(4, 10);
        assertTrue(!streaming.hides(100, 3) && streaming.hides(100, 4) && streaming.hides(100, 89) && !streaming.hides(100, 90));
        assertTrue(!streaming.hides(14, 4), "no gap while p − w ≤ n");
        assertEquals(Double.NEGATIVE_INFINITY, streaming.bias(0, 100, 50), 0.0);
        AttentionTemperature llama4 = AttentionTemperature.of(8192, 0.1);
        assertEquals(1, llama4.queryScale(0), 0.0);
        assertEquals(1, llama4.queryScale(8190), 0.0);
        assertEquals(1 + 0.1 * Math.log(2), llama4.queryScale(8191), 1e-16);
        assertEquals(1 + 0.1 * Math.log(3), llama4.queryScale(2 * 8192 - 1), 1e-16);
        assertEquals(1, llama4.queryScale(-5), 0.0);
        AttentionSinks sinks = AttentionSinks.of(new float[] {9f, 0.5f, -2f}, 1, 2);
        assertEquals(2, sinks.heads());
        assertEquals(-2, sinks.sinkLogit(1), 0.0);
    }

    @Test
    public void rejectsBadInput() {
        BadInput.rejects(() -> T5Buckets.of(false, 1, 128), null, "numBuckets", "1");
        BadInput.rejects(() -> T5Buckets.of(true, 3, 128), null, "numBuckets", "3");
        BadInput.rejects(() -> T5Buckets.of(true, 32, 8), null, "maxDistance", "8", "maxExact");
        BadInput.rejects(() -> T5RelativeBias.of(T5Buckets.of(true), 4, new float[100], 0), null, "table", "128", "100");
        BadInput.rejects(() -> T5RelativeBias.of(T5Buckets.of(true), 0, new float[100], 0), null, "heads", "0");
        BadInput.rejects(() -> AlibiBias.of(0), null, "heads", "0");
        BadInput.rejects(() -> AlibiBias.of(4, Double.NaN, AlibiForm.CAUSAL), null, "maxBias", "NaN");
        BadInput.rejects(() -> ShawRelativePositions.of(-1, 4, new float[4], 0, 4, null, 0), null, "clip", "-1");
        BadInput.rejects(() -> ShawRelativePositions.of(2, 4, new float[19], 0, 4, null, 0), null, "keyTable", "20", "19");
        BadInput.rejects(() -> ShawRelativePositions.of(1, 2, new float[6], 0, 3, new float[8], 0), null, "valueTable", "9", "8");
        BadInput.rejects(() -> TransformerXlPositions.of(2, 3, new float[6], 0, new float[5], 0, new float[12], 0, 1),
                null, "v", "6", "5");
        BadInput.rejects(() -> TransformerXlPositions.of(2, 3, new float[6], 0, new float[6], 0, new float[11], 0, 1),
                null, "r", "12", "11");
        BadInput.rejects(() -> TransformerXlPositions.of(2, 3, new float[6], 0, new float[6], 0, new float[12], 0, -1),
                null, "maxDistance", "-1");
        BadInput.rejects(() -> DenseBias.additive(new float[11], 0, 1, 3, 4), null, "values", "12", "11");
        BadInput.rejects(() -> DenseBias.mask(new boolean[12], 1, 1, 3, 4), null, "allowed", "13", "12");
        BadInput.rejects(() -> DenseBias.mask(new boolean[12], 0, 0, 3, 4), null, "heads", "0");
        float[] one = {1f};
        BadInput.rejects(() -> AttentionSinks.of(new float[3], 1, 3), null, "sinks", "4", "3");
        BadInput.rejects(() -> AttentionSinks.of(new float[] {0f, Float.NaN}, 0, 2), null, "sinks[1]", "NaN");
        BadInput.rejects(() -> AttentionSinks.of(one, 0, 0), null, "heads", "0");
        BadInput.rejects(() -> StreamingWindow.of(-1, 4), null, "sinkTokens", "-1");
        BadInput.rejects(() -> StreamingWindow.of(4, -2), null, "window", "-2");
        BadInput.rejects(() -> ChunkedAttention.of(0), null, "chunkSize", "0");
        BadInput.rejects(() -> AttentionTemperature.of(0, 0.1), null, "floorScale", "0");
        BadInput.rejects(() -> AttentionTemperature.of(8192, Double.POSITIVE_INFINITY), null, "attnScale", "Infinity");
        BadInput.rejects(() -> AttentionTemperature.of(8192, -0.1), null, "attnScale", "-0.1");
        BadInput.rejects(() -> KerpleBias.of(new float[] {1f, 0f}, new float[] {1f, 1f}), null, "r1[1]", "0");
        BadInput.rejects(() -> KerpleBias.of(one, new float[] {Float.NaN}), null, "r2[0]", "NaN");
        BadInput.rejects(() -> KerpleBias.of(one, new float[2]), null, "r2", "2", "1");
        BadInput.rejects(() -> KerpleBias.of(new float[0], new float[0]), null, "r1.length", "0");
        BadInput.rejects(() -> FireBias.of(0, 512, 1e-6, one, one, one, one), null, "c", "0");
        BadInput.rejects(() -> FireBias.of(0.1, Double.NaN, 1e-6, one, one, one, one), null, "threshold", "NaN");
        BadInput.rejects(() -> FireBias.of(0.1, 512, -1, one, one, one, one), null, "eps", "-1");
        BadInput.rejects(() -> FireBias.of(0.1, 512, 0, new float[2], one, new float[2], one), null, "inputBias", "2", "1");
        BadInput.rejects(() -> FireBias.of(0.1, 512, 0, one, one, one, new float[2]), null, "outputWeight", "2", "1");
        BadInput.rejects(() -> FireBias.of(0.1, 512, 0, one, new float[] {Float.POSITIVE_INFINITY}, one, one), null,
                "inputBias[0]", "Infinity");
        BadInput.rejects(() -> DebertaPositions.of(2, 4, 8, 64, new float[2 * 16 * 4 - 1], 0, new float[2 * 16 * 4], 0), null,
                "keyTable", "128", "127");
        BadInput.rejects(() -> DebertaPositions.of(2, 4, 8, 5, new float[128], 0, new float[128], 0), null,
                "maxRelativePositions", "5");
        BadInput.rejects(() -> DebertaPositions.of(2, 4, 1, 64, new float[128], 0, new float[128], 0), null, "positionBuckets", "1");
        BadInput.rejects(() -> DebertaPositions.of(2, 4, -3, 64, new float[128], 0, new float[128], 0), null, "positionBuckets", "-3");
        BadInput.rejects(() -> DebertaPositions.of(2, 0, 8, 64, new float[128], 0, new float[128], 0), null, "headDim", "0");
    }

    /** Deterministic data in [−1, 1). */
    static float[] fill(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return a;
    }
}
