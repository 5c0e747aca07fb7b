package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.Positions;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.AxialRope;
import dev.posenc.rope.MropeIndex;
import dev.posenc.rope.MropeSections;
import dev.posenc.rope.MultimodalRope;
import dev.posenc.rope.RopeFrequencies;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RopeScaling;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.VisionRope;
import dev.posenc.rope.Xpos;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The objects of the RoPE variants, independent of any kernel: HF's {@code get_rope_index} and the frequency
 * assignment of M-RoPE against {@code mrope.json}, Qwen2-VL's patch order against {@code vision_rope.json},
 * section validation, the HF config reader, the composition with dynamic NTK, and xPos's scales.
 */
class RopeVariantsTest {

    @Test
    void ropeIndexMatchesHuggingFace() {
        for (ConformanceCase c : Conformance.cases("mrope")) {
            if (!c.kind().equals("rope_index")) {
                continue;
            }
            int merge = c.intParam("spatial_merge_size");
            MropeIndex index = c.node("params.tokens_per_second").isNull() ? MropeIndex.qwen2vl(merge)
                    : MropeIndex.qwen25vl(merge, c.param("tokens_per_second"));
            List<String> tokens = new java.util.ArrayList<>();
            c.node("inputs.tokens").forEach(t -> tokens.add(t.asText()));
            int grid = 0;
            int video = 0;
            for (int n = 0; n < tokens.size(); ) {
                String kind = tokens.get(n);
                if (kind.equals("img") || kind.equals("vid")) {
                    int t = c.node("inputs.grids_thw").get(grid).get(0).asInt();
                    int h = c.node("inputs.grids_thw").get(grid).get(1).asInt();
                    int w = c.node("inputs.grids_thw").get(grid).get(2).asInt();
                    grid++;
                    if (kind.equals("img")) {
                        index.image(t, h, w);
                    } else if (c.node("params.second_per_grid_ts").isNull()) {
                        index.video(t, h, w);
                    } else {
                        index.video(t, h, w, c.node("params.second_per_grid_ts").get(video++).asDouble());
                    }
                    n += t * (h / merge) * (w / merge);
                } else {
                    index.text(1);
                    n++;
                }
            }
            assertEquals(tokens.size(), index.tokens(), c + " tokens");
            int[] expected = c.ints("expected.position_ids");
            AxialPositions p = index.positions();
            int s = tokens.size();
            for (int a = 0; a < 3; a++) {
                int[] axis = new int[s];
                for (int r = 0; r < s; r++) {
                    axis[r] = p.at(a, r);
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, a * s, (a + 1) * s), axis, c + " axis " + a);
            }
            assertEquals(p.max() + 1, index.nextPosition(), c + " next position");
            assertEquals(p.max() + 1 - s, index.ropeDelta(), c + " rope delta");
        }
    }

    @Test
    void frequenciesAreSharedOutAsHuggingFaceDoes() {
        // Theta from double frequencies agrees with HF's float64 values to a few ulps (README: ~1e−12).
        for (ConformanceCase c : Conformance.cases("mrope")) {
            if (!c.kind().equals("apply")) {
                continue;
            }
            AxialRope rope = AxialRopeContract.conformanceMrope(c);
            int[] component = c.ints("expected.component_of_frequency");
            for (int i = 0; i < component.length; i++) {
                assertEquals(component[i], rope.axisOf(i), c + " component of frequency " + i);
            }
            int[] ids = c.ints("inputs.position_ids");
            double[] theta = c.doubles("expected.theta");
            int s = ids.length / 3;
            RopeFrequencies f = rope.frequencies(AxialPositions.of(AxialRopeContract.axis(ids, 0, 3),
                    AxialRopeContract.axis(ids, 1, 3), AxialRopeContract.axis(ids, 2, 3)));
            for (int r = 0; r < s; r++) {
                for (int i = 0; i < component.length; i++) {
                    double got = ids[component[i] * s + r] * f.invFreq(i);
                    Approx.assertClose(c + " theta[" + r + ", " + i + "]", got, theta[r * component.length + i],
                            1e-12 * Math.abs(theta[r * component.length + i]));
                }
            }
        }
    }

    @Test
    void qwen2vlPatchOrderMatchesHuggingFace() {
        for (ConformanceCase c : Conformance.cases("vision_rope")) {
            if (!c.has("params.grid_thw")) {
                continue;
            }
            int[] grid = {c.node("params.grid_thw").get(0).asInt(), c.node("params.grid_thw").get(1).asInt(),
                    c.node("params.grid_thw").get(2).asInt()};
            AxialPositions p = AxialPositions.patches(grid[0], grid[1], grid[2], c.intParam("spatial_merge_size"));
            int[] ids = c.ints("inputs.position_ids");
            int n = ids.length / 2;
            for (int r = 0; r < n; r++) {
                assertEquals(ids[r], p.at(0, r), c + " row of patch " + r);
                assertEquals(ids[n + r], p.at(1, r), c + " column of patch " + r);
            }
        }
    }

    @Test
    void dynamicMropeUsesTheLargestPositionOnAnyAxis() {
        // HF dynamic_rope_update: seq_len = max(position_ids) + 1 over the [3, batch, seq] tensor.
        RotaryEmbedding e = RotaryEmbedding.of(64, 10_000, RopeLayout.HALF_SPLIT).withScaling(new RopeScaling.Dynamic(4), 2048);
        MultimodalRope mrope = new MultimodalRope(e, MropeSections.of(8, 12, 12));
        AxialPositions p = AxialPositions.of(Positions.of(10, 11), Positions.of(5000, 12), Positions.of(7, 3000));
        assertArrayEquals(e.frequencies(5001).invFreq(), mrope.frequencies(p).invFreq());
        assertArrayEquals(e.frequencies().invFreq(), mrope.frequencies(AxialPositions.same(Positions.range(0, 2048), 3))
                .invFreq());
    }

    @Test
    void sectionsMustShareOutEveryPair() {
        RotaryEmbedding e = RotaryEmbedding.of(128, 1e6, RopeLayout.HALF_SPLIT);
        new MultimodalRope(e, MropeSections.of(0, 32, 32));            // size 0 is allowed, as torch.split allows it
        new MultimodalRope(e, MropeSections.of(64, 0, 0));
        new MultimodalRope(e, MropeSections.interleaved(24, 20, 20));
        new MultimodalRope(e, MropeSections.interleaved(64, 0, 0));
        BadInput.rejects(() -> new MultimodalRope(e, MropeSections.of(16, 24, 20)), null, "[16, 24, 20]", "60",
                "rotary_dim/2 = 64");
        BadInput.rejects(() -> new MultimodalRope(e.withRotaryDim(64), MropeSections.of(16, 24, 24)), null, "64",
                "rotary_dim/2 = 32");
        BadInput.rejects(() -> new MultimodalRope(e, MropeSections.interleaved(0, 32, 32)), null, "interleaved", "h", "32",
                "below 64");
        BadInput.rejects(() -> MropeSections.of(-1, 33, 32), null, "mrope_section[0]", "-1");
        BadInput.rejects(() -> new MultimodalRope(null, MropeSections.of(1, 1, 1)), null, "embedding", "null");
        BadInput.rejects(() -> VisionRope.qwen2vl(18), null, "headDim", "18", "multiple of 4");
        BadInput.rejects(() -> VisionRope.pixtral(64, 1), null, "base", "> 1");
    }

    @Test
    void readsQwenVlConfigs() {
        Map<String, Object> qwen2vl = Map.of("hidden_size", 3584, "num_attention_heads", 28, "rope_theta", 1_000_000.0,
                "max_position_embeddings", 32768, "rope_scaling", Map.of("type", "mrope", "mrope_section", List.of(16, 24, 24)));
        MultimodalRope a = MultimodalRope.fromHuggingFace(qwen2vl);
        assertEquals(new MultimodalRope(RotaryEmbedding.of(128, 1e6, RopeLayout.HALF_SPLIT)
                .withScaling(new RopeScaling.Default(), 32768), MropeSections.of(16, 24, 24)), a);
        Map<String, Object> qwen3vl = Map.of("head_dim", 128, "rope_theta", 5_000_000.0, "max_position_embeddings", 262144,
                "rope_scaling", Map.of("rope_type", "default", "mrope_interleaved", true, "mrope_section", List.of(24, 20, 20)));
        assertEquals(MropeSections.interleaved(24, 20, 20), MultimodalRope.fromHuggingFace(qwen3vl).sections());
        BadInput.rejects(() -> MultimodalRope.fromHuggingFace(Map.of("head_dim", 128, "rope_scaling", Map.of("type", "mrope"))),
                null, "mrope_section", "three integers");
        BadInput.rejects(() -> MultimodalRope.fromHuggingFace(Map.of("head_dim", 128)), null, "rope_scaling", "dict");
    }

    @Test
    void ropeIndexHandlesImagesFirstAndBackToBack() {
        MropeIndex index = MropeIndex.qwen2vl(2).image(1, 4, 4).image(1, 2, 4).text(2);
        AxialPositions p = index.positions();
        // First image: 2×2 tokens at (0, y, x); the second starts after its max 1, at 2; text after max 3.
        int[][] expected = {{0, 0, 0, 0, 2, 2, 4, 5}, {0, 0, 1, 1, 2, 2, 4, 5}, {0, 1, 0, 1, 2, 3, 4, 5}};
        for (int a = 0; a < 3; a++) {
            for (int r = 0; r < expected[a].length; r++) {
                assertEquals(expected[a][r], p.at(a, r), "axis " + a + " token " + r);
            }
        }
        assertEquals(6 - 8, index.ropeDelta());
        // Qwen2.5-VL: frames 0.5 s apart at 2 tokens/s step 1; an image's frames all at 0.
        AxialPositions v = MropeIndex.qwen25vl(2, 2).video(3, 2, 2, 0.5).image(2, 2, 2).positions();
        assertEquals(List.of(0, 1, 2, 3, 3), List.of(v.at(0, 0), v.at(0, 1), v.at(0, 2), v.at(0, 3), v.at(0, 4)));
        BadInput.rejects(() -> MropeIndex.qwen2vl(2).image(1, 3, 4), null, "h = 3", "spatial merge size 2");
        BadInput.rejects(() -> MropeIndex.qwen2vl(2).positions(), null, "tokens", "0");
        BadInput.rejects(() -> MropeIndex.qwen25vl(2, 2).video(1, 2, 2, -1), null, "secondsPerGrid", "-1");
    }

    @Test
    void xposScalesAreTorchscales() {
        Xpos x = Xpos.of(64).withCenter(Xpos.centeredOn(15));
        assertEquals(8, x.center());
        assertEquals(0.4 * 64 / (1.4 * 64), x.zeta(0));
        assertEquals((62 + 0.4 * 64) / (1.4 * 64), x.zeta(31));
        assertEquals(Math.pow(x.zeta(3), (20 - 8) / 512.0), x.scale(3, 20));
        assertEquals(Math.pow(x.zeta(3), -(20 - 8) / 512.0), x.keys().scale(3, 20));
        assertEquals(1.0, x.keys().scale(5, 8));
    }
}
