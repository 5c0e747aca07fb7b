package dev.posenc.properties;

import static dev.posenc.properties.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.rope.LayoutPermutation;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RopeScaling;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.ScheduleDetails;
import dev.posenc.rope.ScheduleDetails.Llama3.Band;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The library's RoPE objects, independent of any kernel: schedule frequencies and diagnostics against
 * HF's values (rope.json) and the schedules' defining properties, the HF config reader on real model
 * configs, the layout permutation, the cache, and rejected parameters.
 */
class RopeSchedulesTest {
    /** Double formulas evaluated as HF does agree with its float64 values to a few ulps (README: ~1e−12). */
    private static final double RELATIVE = 1e-12;
    /** Two blends of ≤ 1 ulp each (yarn's ramp, llama3's smoothing) at factor 1. */
    private static final double BLEND = 0x1p-51;

    // ---------------------------------------------------------------- conformance

    @Test
    void frequenciesAndDiagnosticsMatchTheConformanceData() {
        for (ConformanceCase c : Conformance.cases("rope")) {
            RotaryEmbedding e = RopeContract.conformanceEmbedding(c);
            int[] positions = c.ints("inputs.positions");
            RopeFrequencies f = e.frequencies(Positions.of(positions));
            double[] inv = c.doubles("expected.inv_freq");
            assertEquals(inv.length, f.pairs(), c + " pairs");
            for (int i = 0; i < inv.length; i++) {
                close(c + " inv_freq[" + i + "]", f.invFreq(i), inv[i]);
            }
            close(c + " attention_factor", f.attentionFactor(), c.node("expected.attention_factor").asDouble());
            double[] theta = c.doubles("expected.theta");
            double[] cos = c.doubles("expected.cos");
            double[] sin = c.doubles("expected.sin");
            Positions p = Positions.of(positions);
            RopeCache cache = Kernels.get().rope().cache(e, p.min(), p.max() - p.min() + 1);
            double af = f.attentionFactor();
            for (int s = 0; s < positions.length; s++) {
                for (int i = 0; i < inv.length; i++) {
                    int k = s * inv.length + i;
                    close(c + " theta[" + s + "," + i + "]", positions[s] * f.invFreq(i), theta[k]);
                    // The cache holds cos·af rounded once to float: within 2⁻²⁴·af (plus the expected value's angle).
                    Approx.assertClose(c + " cache cos[" + s + "," + i + "]", cache.cos(positions[s], i), cos[k] * af,
                            0x1p-24 * af + 1e-9);
                    Approx.assertClose(c + " cache sin[" + s + "," + i + "]", cache.sin(positions[s], i), sin[k] * af,
                            0x1p-24 * af + 1e-9);
                }
            }
            switch (f.details()) {
                case ScheduleDetails.Dynamic d -> {
                    close(c + " effective_base", d.effectiveBase(), c.node("expected.effective_base").asDouble());
                    assertEquals(c.node("expected.effective_seq_len").asInt(), d.effectiveSeqLen(), c + " effective_seq_len");
                }
                case ScheduleDetails.Yarn y -> {
                    close(c + " yarn_factor", y.factor(), c.node("expected.yarn_factor").asDouble());
                    assertEquals(c.node("expected.yarn_correction_context").asInt(), y.correctionContext(), c.toString());
                    close(c + " yarn_low_raw", y.lowRaw(), c.node("expected.yarn_low_raw").asDouble());
                    close(c + " yarn_high_raw", y.highRaw(), c.node("expected.yarn_high_raw").asDouble());
                    close(c + " yarn_low", y.low(), c.node("expected.yarn_low").asDouble());
                    close(c + " yarn_high", y.high(), c.node("expected.yarn_high").asDouble());
                    assertEquals(c.node("expected.yarn_truncate").asBoolean(), y.truncate(), c + " truncate");
                    close(c + " beta_fast", y.betaFast(), c.node("expected.beta_fast").asDouble());
                    close(c + " beta_slow", y.betaSlow(), c.node("expected.beta_slow").asDouble());
                }
                case ScheduleDetails.Llama3 l -> {
                    int[] bands = c.ints("expected.llama3_band");
                    for (int i = 0; i < bands.length; i++) {
                        assertEquals(bands[i], l.bands().get(i).ordinal(), c + " llama3_band[" + i + "]");
                    }
                    close(c + " low_freq_wavelen", l.lowFreqWavelen(), c.node("expected.low_freq_wavelen").asDouble());
                    close(c + " high_freq_wavelen", l.highFreqWavelen(), c.node("expected.high_freq_wavelen").asDouble());
                }
                default -> assertTrue(f.details() instanceof ScheduleDetails.None, c + " " + f.details());
            }
        }
    }

    private static void close(String what, double actual, double expected) {
        Approx.assertClose(what, actual, expected, RELATIVE * Math.abs(expected));
    }

    // ---------------------------------------------------------------- schedule properties

    @Test
    void everyScheduleWithFactor1IsTheDefault() {
        qt(200).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.Default), doubles().between(0.5, 3),
                doubles().between(1, 6), integers().between(100, 200_000)).checkAssert((e, low, width, original) -> {
            List<Double> ones = Collections.nCopies(e.rotaryDim() / 2, 1.0);
            List<RopeScaling> factor1 = new ArrayList<>(List.of(
                    new RopeScaling.Linear(1),
                    new RopeScaling.Yarn(1, original, 0, 0, low, width, 0, low > 1.5),
                    new RopeScaling.Llama3(1, low, low + width, original),
                    new RopeScaling.LongRope(ones, ones, 1, 0, original)));
            if (e.rotaryDim() > 2) {
                factor1.add(new RopeScaling.Dynamic(1));
            }
            RopeFrequencies plain = e.frequencies();
            for (RopeScaling scaling : factor1) {
                // Dynamic at any length up to max_position_embeddings; the others at any length.
                RopeFrequencies f = e.withScaling(scaling, 2 * original).frequencies(2 * original);
                assertEquals(1.0, f.attentionFactor(), scaling.toString());
                for (int i = 0; i < plain.pairs(); i++) {
                    double expected = plain.invFreq(i);
                    Approx.assertClose(scaling + " inv_freq[" + i + "]", f.invFreq(i), expected, BLEND * expected);
                }
            }
        });
    }

    @Test
    void linearDividesEveryFrequencyByItsFactor() {
        qt(100).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.Default),
                doubles().between(0.25, 64)).checkAssert((e, factor) -> {
            RopeFrequencies linear = e.withScaling(new RopeScaling.Linear(factor), 0).frequencies();
            for (int i = 0; i < linear.pairs(); i++) {
                assertEquals(e.frequencies().invFreq(i) / factor, linear.invFreq(i), 0.0, "pair " + i);
            }
        });
    }

    @Test
    void llama3KeepsFastPairsAndDividesSlowOnes() {
        qt(200).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.Llama3)).checkAssert(e -> {
            RopeScaling.Llama3 s = (RopeScaling.Llama3) e.scaling();
            RopeFrequencies f = e.frequencies();
            RopeFrequencies plain = e.withScaling(new RopeScaling.Default(), 0).frequencies();
            ScheduleDetails.Llama3 details = assertInstanceOf(ScheduleDetails.Llama3.class, f.details());
            for (int i = 0; i < f.pairs(); i++) {
                double inv = plain.invFreq(i);
                double wavelen = 2 * Math.PI / inv;
                Band band = details.bands().get(i);
                Band expected = wavelen < details.highFreqWavelen() ? Band.UNCHANGED
                        : wavelen > details.lowFreqWavelen() ? Band.DIVIDED : Band.SMOOTHED;
                assertEquals(expected, band, "band of pair " + i + " (wavelength " + wavelen + ") of " + e);
                switch (band) {
                    case UNCHANGED -> assertEquals(inv, f.invFreq(i), 0.0, "pair " + i);
                    case DIVIDED -> assertEquals(inv / s.factor(), f.invFreq(i), 0.0, "pair " + i);
                    case SMOOTHED -> assertBetween(f.invFreq(i), inv, inv / s.factor(), "pair " + i + " of " + e);
                }
            }
        });
    }

    @Test
    void yarnKeepsPairsBelowLowAndDividesPairsAboveHigh() {
        qt(200).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.Yarn
                && ((ScheduleDetails.Yarn) e.frequencies().details()).low() <= ((ScheduleDetails.Yarn) e.frequencies()
                .details()).high())).checkAssert(e -> {
            RopeScaling.Yarn s = (RopeScaling.Yarn) e.scaling();
            RopeFrequencies f = e.frequencies();
            RopeFrequencies plain = e.withScaling(new RopeScaling.Default(), 0).frequencies();
            ScheduleDetails.Yarn details = assertInstanceOf(ScheduleDetails.Yarn.class, f.details());
            for (int i = 0; i < f.pairs(); i++) {
                double inv = plain.invFreq(i);
                if (i <= details.low()) {
                    assertEquals(inv, f.invFreq(i), 0.0, "pair " + i + " at or below low = " + details.low() + " of " + e);
                } else if (i >= details.high()) {
                    assertEquals(inv / s.factor(), f.invFreq(i), 0.0, "pair " + i + " at or above high of " + e);
                } else {
                    assertBetween(f.invFreq(i), inv, inv / s.factor(), "ramp pair " + i + " of " + e);
                }
            }
        });
    }

    @Test
    void yarnFollowsHfWhenTheRampIsInverted() {
        // Rotary dim 2, base 250, no truncation: low = dim(beta_fast) = 1.159 > high = min(dim(beta_slow), d − 1) = 1.
        // HF's ramp (i − low)/(high − low) then clamps to 1 at pair 0, which is divided by factor although
        // below low; the library computes what HF computes.
        RotaryEmbedding e = RotaryEmbedding.of(18, 2, 250.23280257991365, RopeLayout.HALF_SPLIT)
                .withScaling(new RopeScaling.Yarn(35.481630966684584, 131072, 34.61336351169492, 1.3964607855575324,
                        0, 0, 0, false), 131072);
        ScheduleDetails.Yarn details = (ScheduleDetails.Yarn) e.frequencies().details();
        assertTrue(details.low() > details.high(), details.toString());
        assertEquals(1 / 35.481630966684584, e.frequencies().invFreq(0), 0.0);
    }

    @Test
    void dynamicIsTheDefaultUpToMaxPositionEmbeddingsAndRescalesTheBaseAbove() {
        qt(200).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.Dynamic),
                integers().between(0, 4 * 131072)).checkAssert((e, seqLen) -> {
            RopeScaling.Dynamic s = (RopeScaling.Dynamic) e.scaling();
            int m = e.maxPositionEmbeddings();
            int d = e.rotaryDim();
            RopeFrequencies f = e.frequencies(seqLen);
            ScheduleDetails.Dynamic details = assertInstanceOf(ScheduleDetails.Dynamic.class, f.details());
            double base = seqLen <= m ? e.base()
                    : e.base() * Math.pow(s.factor() * seqLen / m - (s.factor() - 1), (double) d / (d - 2));
            assertEquals(base, details.effectiveBase(), 0.0, "effective base at seq_len " + seqLen + " of " + e);
            assertEquals(Math.max(seqLen, m), details.effectiveSeqLen());
            RopeFrequencies plain = RotaryEmbedding.of(e.headDim(), d, base, e.layout()).frequencies();
            assertArrayEquals(plain.invFreq(), f.invFreq(), 0.0, "inv_freq at seq_len " + seqLen + " of " + e);
        });
    }

    @Test
    void longRopeSwitchesFactorsAboveTheOriginalContext() {
        qt(200).forAll(RopeCases.embeddings(e -> e.scaling() instanceof RopeScaling.LongRope),
                integers().between(0, 200_000)).checkAssert((e, seqLen) -> {
            RopeScaling.LongRope s = (RopeScaling.LongRope) e.scaling();
            int original = s.originalMaxPositionEmbeddings() > 0 ? s.originalMaxPositionEmbeddings() : e.maxPositionEmbeddings();
            double factor = s.factor() > 0 ? s.factor() : (double) e.maxPositionEmbeddings() / original;
            double af = s.attentionFactor() > 0 ? s.attentionFactor()
                    : factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
            RopeFrequencies f = e.frequencies(seqLen);
            assertEquals(af, f.attentionFactor(), 0.0, e.toString());
            List<Double> ext = seqLen > original ? s.longFactor() : s.shortFactor();
            for (int i = 0; i < f.pairs(); i++) {
                double expected = 1 / (ext.get(i) * Math.pow(e.base(), 2.0 * i / e.rotaryDim()));
                assertEquals(expected, f.invFreq(i), 0.0, "pair " + i + " at seq_len " + seqLen + " of " + e);
            }
            assertEquals(seqLen > original, ((ScheduleDetails.LongRope) f.details()).usesLongFactor());
        });
    }

    private static void assertBetween(double value, double a, double b, String what) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        assertTrue(value >= lo * (1 - BLEND) && value <= hi * (1 + BLEND),
                () -> what + ": " + value + " is not between " + lo + " and " + hi);
    }

    // ---------------------------------------------------------------- HF configs

    @Test
    void readsLlama31Config() {
        Map<String, Object> config = Map.of("hidden_size", 4096, "num_attention_heads", 32, "rope_theta", 500000.0,
                "max_position_embeddings", 131072, "rope_scaling", Map.of("factor", 8.0, "low_freq_factor", 1.0,
                        "high_freq_factor", 4.0, "original_max_position_embeddings", 8192, "rope_type", "llama3"));
        assertEquals(RotaryEmbedding.of(128, 500_000, RopeLayout.HALF_SPLIT)
                        .withScaling(new RopeScaling.Llama3(8, 1, 4, 8192), 131072),
                RotaryEmbedding.fromHuggingFace(config, RopeLayout.HALF_SPLIT));
    }

    @Test
    void readsTransformersV5RopeParameters() {
        Map<String, Object> config = Map.of("head_dim", 128, "max_position_embeddings", 131072, "rope_parameters",
                Map.of("rope_type", "yarn", "rope_theta", 1_000_000.0, "factor", 4.0,
                        "original_max_position_embeddings", 32768, "partial_rotary_factor", 0.5));
        RotaryEmbedding e = RotaryEmbedding.fromHuggingFace(config, RopeLayout.HALF_SPLIT);
        assertEquals(RotaryEmbedding.of(128, 64, 1_000_000, RopeLayout.HALF_SPLIT)
                .withScaling(RopeScaling.Yarn.of(4, 32768), 131072), e);
    }

    @Test
    void readsPhi3LongRopeWithItsTopLevelOriginalContext() {
        List<Double> shortFactor = new ArrayList<>();
        List<Double> longFactor = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            shortFactor.add(1.0 + i / 100.0);
            longFactor.add(1.0 + i);
        }
        Map<String, Object> config = new HashMap<>(Map.of("hidden_size", 3072, "num_attention_heads", 32,
                "max_position_embeddings", 131072, "original_max_position_embeddings", 4096, "rope_theta", 10000.0,
                "rope_scaling", Map.of("type", "longrope", "short_factor", shortFactor, "long_factor", longFactor)));
        RotaryEmbedding e = RotaryEmbedding.fromHuggingFace(config, RopeLayout.HALF_SPLIT);
        assertEquals(96, e.rotaryDim());
        assertEquals(Math.sqrt(1 + Math.log(32) / Math.log(4096)), e.frequencies().attentionFactor(), 1e-15);
        // seq_len 4096 uses short_factor (1.01 for pair 1), 4097 long_factor (2.0 for pair 1).
        assertEquals(1 / (1.01 * Math.pow(10000, 2.0 / 96)), e.frequencies(4096).invFreq(1), 0.0);
        assertEquals(1 / (2.0 * Math.pow(10000, 2.0 / 96)), e.frequencies(4097).invFreq(1), 0.0);
    }

    @Test
    void readsGptNeoxAndGptJConfigs() {
        Map<String, Object> neox = Map.of("hidden_size", 6144, "num_attention_heads", 64, "rotary_pct", 0.25,
                "rotary_emb_base", 10000, "max_position_embeddings", 2048);
        assertEquals(RotaryEmbedding.of(96, 24, 10_000, RopeLayout.HALF_SPLIT),
                RotaryEmbedding.fromHuggingFace(neox, RopeLayout.HALF_SPLIT).withScaling(new RopeScaling.Default(), 0));
        Map<String, Object> gptj = Map.of("n_embd", 4096, "n_head", 16, "rotary_dim", 64, "n_positions", 2048);
        assertEquals(RotaryEmbedding.of(256, 64, 10_000, RopeLayout.INTERLEAVED),
                RotaryEmbedding.fromHuggingFace(gptj, RopeLayout.INTERLEAVED));
    }

    @Test
    void readsDeepSeekAndGptOssYarn() {
        RopeScaling deepSeek = RopeScaling.fromHuggingFace(Map.of("beta_fast", 32, "beta_slow", 1, "factor", 40,
                "mscale", 1.0, "mscale_all_dim", 1.0, "original_max_position_embeddings", 4096, "type", "yarn"));
        assertEquals(new RopeScaling.Yarn(40, 4096, 32, 1, 1, 1, 0, true), deepSeek);
        RopeScaling gptOss = RopeScaling.fromHuggingFace(Map.of("beta_fast", 32.0, "beta_slow", 1.0, "factor", 32.0,
                "original_max_position_embeddings", 4096, "rope_type", "yarn", "truncate", false));
        assertEquals(new RopeScaling.Yarn(32, 4096, 32, 1, 0, 0, 0, false), gptOss);
        assertEquals(new RopeScaling.Default(), RopeScaling.fromHuggingFace(null));
    }

    // ---------------------------------------------------------------- layout permutation

    @Test
    void layoutPermutationIsHfsPermuteOfMetaWeights() {
        // HF convert_llama_weights_to_hf: w.view(heads, d/2, 2, cols).transpose(1, 2).reshape(heads·d, cols):
        // row h·d + 2j + t of Meta's weight becomes row h·d + t·d/2 + j.
        qt(100).forAll(integers().between(1, 4), integers().between(1, 40), integers().between(1, 5),
                integers().between(0, 20)).checkAssert((heads, half, cols, pass) -> {
            int r = 2 * half;
            int d = r + pass;
            float[] meta = new FloatFill(FloatKind.GRID, heads * 1000L + d).array(0, heads * d * cols, 0);
            float[] hf = new float[meta.length];
            LayoutPermutation.convert(RopeLayout.INTERLEAVED, RopeLayout.HALF_SPLIT, meta, 0, hf, 0, heads, d, r, cols);
            for (int h = 0; h < heads; h++) {
                for (int k = 0; k < d; k++) {
                    int from = k < r ? (k % 2) * half + k / 2 : k;
                    for (int c = 0; c < cols; c++) {
                        assertEquals(meta[(h * d + k) * cols + c], hf[(h * d + from) * cols + c], 0f);
                    }
                }
            }
            float[] back = hf.clone();
            LayoutPermutation.convert(RopeLayout.HALF_SPLIT, RopeLayout.INTERLEAVED, back, 0, back, 0, heads, d, r, cols);
            assertArrayEquals(meta, back, "round trip in place");
            float[] same = new float[meta.length];
            LayoutPermutation.convert(RopeLayout.HALF_SPLIT, RopeLayout.HALF_SPLIT, meta, 0, same, 0, heads, d, r, cols);
            assertArrayEquals(meta, same, "same layout");
        });
    }

    // ---------------------------------------------------------------- cache

    @Test
    void cachesHoldCosAndSinTimesTheAttentionFactor() {
        // Each exactly, or rounded once to float (the reference keeps doubles, the Vector API kernel floats).
        RotaryEmbedding e = RotaryEmbedding.of(64, 10_000, RopeLayout.INTERLEAVED)
                .withScaling(RopeScaling.Yarn.of(8, 4096), 32768);
        for (RopeCache cache : new RopeCache[] {Kernels.reference().rope().cache(e, 1000, 24),
                Kernels.get().rope().cache(e, 1000, 24)}) {
            RopeFrequencies f = cache.frequencies();
            assertTrue(cache.covers(1000) && cache.covers(1023) && !cache.covers(999) && !cache.covers(1024));
            for (int p = 1000; p < 1024; p++) {
                for (int i = 0; i < 32; i++) {
                    double cos = Math.cos(p * f.invFreq(i)) * f.attentionFactor();
                    double sin = Math.sin(p * f.invFreq(i)) * f.attentionFactor();
                    double c = cache.cos(p, i);
                    double s = cache.sin(p, i);
                    assertTrue(c == cos || c == (float) cos, () -> cache + ": cos " + c + " is neither " + cos + " nor it as a float");
                    assertTrue(s == sin || s == (float) sin, () -> cache + ": sin " + s + " is neither " + sin + " nor it as a float");
                }
            }
            BadInput.rejects(() -> cache.cos(1024, 0), null, "position 1024", "[1000, 1024)");
            BadInput.rejects(() -> cache.sin(1000, 32), null, "i", "32");
        }
    }

    // ---------------------------------------------------------------- bad parameters

    @Test
    void rejectsBadParameters() {
        RopeLayout l = RopeLayout.HALF_SPLIT;
        BadInput.rejects(() -> RotaryEmbedding.of(64, 63, 10_000, l), null, "rotaryDim", "63", "even");
        BadInput.rejects(() -> RotaryEmbedding.of(64, 66, 10_000, l), null, "rotaryDim", "66", "headDim = 64");
        BadInput.rejects(() -> RotaryEmbedding.of(64, 0, 10_000, l), null, "rotaryDim", "0");
        BadInput.rejects(() -> RotaryEmbedding.of(0, 10_000, l), null, "headDim", "0");
        BadInput.rejects(() -> RotaryEmbedding.of(64, 1, l), null, "rope_theta", "> 1", "1.0");
        BadInput.rejects(() -> RotaryEmbedding.of(64, Double.NaN, l), null, "rope_theta", "NaN");
        BadInput.rejects(() -> RotaryEmbedding.of(64, 1e4, null), null, "layout", "null");
        BadInput.rejects(() -> new RopeScaling.Linear(0), null, "factor", "0.0", "> 0");
        BadInput.rejects(() -> new RopeScaling.Linear(-2), null, "factor", "-2.0");
        BadInput.rejects(() -> new RopeScaling.Dynamic(Double.POSITIVE_INFINITY), null, "factor", "Infinity");
        BadInput.rejects(() -> new RopeScaling.Llama3(8, 4, 1, 8192), null, "low_freq_factor", "high_freq_factor", "4.0");
        BadInput.rejects(() -> new RopeScaling.Llama3(8, 1, 1, 8192), null, "low_freq_factor must be < high_freq_factor");
        BadInput.rejects(() -> new RopeScaling.Llama3(8, 1, 4, -1), null, "original_max_position_embeddings", "-1");
        BadInput.rejects(() -> new RopeScaling.Yarn(4, 0, 1, 32, 0, 0, 0, true), null, "beta_fast", "beta_slow", "32.0");
        BadInput.rejects(() -> new RopeScaling.Yarn(4, 0, 0, 0, 0, 0, -1, true), null, "attention_factor", "-1.0");
        BadInput.rejects(() -> new RopeScaling.Yarn(0, 0, 0, 0, 0, 0, 0, true), null, "factor", "0.0");
        List<Double> five = List.of(1.0, 1.0, 1.0, 1.0, 1.0);
        RotaryEmbedding e64 = RotaryEmbedding.of(64, 10_000, l);
        BadInput.rejects(() -> e64.withScaling(new RopeScaling.LongRope(five, five, 0, 0, 4096), 131072), null,
                "short_factor", "rotary_dim/2 = 32", "5");
        BadInput.rejects(() -> new RopeScaling.LongRope(five, List.of(1.0), 0, 0, 4096), null, "long_factor", "5", "1");
        BadInput.rejects(() -> new RopeScaling.LongRope(List.of(1.0, -2.0), List.of(1.0, 1.0), 0, 0, 4096), null,
                "short_factor[1]", "-2.0");
        BadInput.rejects(() -> RotaryEmbedding.of(2, 10_000, l).withScaling(new RopeScaling.Dynamic(2), 2048), null,
                "rotaryDim > 2", "2");
        BadInput.rejects(() -> e64.withScaling(new RopeScaling.Dynamic(2), 0), null, "max_position_embeddings", "dynamic");
        BadInput.rejects(() -> e64.withScaling(RopeScaling.Yarn.of(4, 0), 0), null, "max_position_embeddings", "yarn");
        BadInput.rejects(() -> LayoutPermutation.convert(RopeLayout.INTERLEAVED, l, new float[8], 0, new float[8], 0, 1, 8, 5,
                1), null, "rotaryDim", "5");
        BadInput.rejects(() -> LayoutPermutation.convert(RopeLayout.INTERLEAVED, l, new float[8], 0, new float[8], 0, 2, 8, 8,
                1), null, "x", "16", "8");
    }

    @Test
    void rejectsBadHuggingFaceConfigs() {
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "mrope")), null, "rope_type", "mrope");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "linear", "factor", 2, "foo", 1)), null,
                "foo", "linear");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "linear")), null, "factor", "required");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "linear", "type", "yarn", "factor", 2)),
                null, "linear", "yarn");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "linear", "factor", "two")), null, "factor",
                "two", "number");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "yarn", "factor", 4,
                "original_max_position_embeddings", 4096.5)), null, "original_max_position_embeddings", "4096.5");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "yarn", "factor", 4, "truncate", "no")),
                null, "truncate", "no");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "yarn", "factor", 4, "attention_factor", 0)),
                null, "attention_factor", "0");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "llama3", "factor", 8,
                "low_freq_factor", 4, "high_freq_factor", 1)), null, "low_freq_factor", "high_freq_factor");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "longrope", "short_factor", List.of(1, "x"),
                "long_factor", List.of(1, 2))), null, "short_factor", "x");
        BadInput.rejects(() -> RopeScaling.fromHuggingFace(Map.of("rope_type", "default", "rope_theta", 1e4)), null,
                "rope_theta", "RotaryEmbedding.fromHuggingFace");
        BadInput.rejects(() -> RotaryEmbedding.fromHuggingFace(Map.of("rope_theta", 1e4), RopeLayout.HALF_SPLIT), null,
                "head_dim", "hidden_size");
        BadInput.rejects(() -> RotaryEmbedding.fromHuggingFace(Map.of("head_dim", 64, "max_position_embeddings", 8192,
                "original_max_position_embeddings", 4096, "rope_scaling", Map.of("rope_type", "yarn", "factor", 2,
                        "original_max_position_embeddings", 2048)), RopeLayout.HALF_SPLIT), null, "4096", "2048");
        BadInput.rejects(() -> RotaryEmbedding.fromHuggingFace(Map.of("head_dim", 64, "rope_scaling", "linear"),
                RopeLayout.HALF_SPLIT), null, "rope_scaling", "dict");
        try {
            RotaryEmbedding.fromHuggingFace(Map.of("head_dim", 64, "max_position_embeddings", 2048,
                    "rope_scaling", Map.of("rope_type", "dynamic", "factor", 2, "original_max_position_embeddings", 1024)),
                    RopeLayout.HALF_SPLIT);
        } catch (IllegalArgumentException e) {
            fail("dynamic accepts (and, like HF, ignores) original_max_position_embeddings: " + e.getMessage());
        }
    }
}
