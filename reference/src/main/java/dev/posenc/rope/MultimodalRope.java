package dev.posenc.rope;

import dev.posenc.internal.Checks;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * M-RoPE, the multimodal rotary embedding of Qwen2-VL, Qwen2.5-VL and Qwen3-VL: a text model's
 * {@link RotaryEmbedding} (its head and rotary dimensions, layout, base and schedule) whose pairs are shared
 * out between the temporal, height and width positions of each token by {@link MropeSections}. Pair
 * {@code i} is rotated by {@code θ_i = p_c·inv_freq_i}, {@code c = sections.axisOf(i)}, with the embedding's
 * frequencies at sequence length max position + 1 over all three components (HF
 * {@code Qwen2VLRotaryEmbedding.forward} under {@code dynamic_rope_update}), so every schedule composes as
 * in HF, the default and dynamic ones included. Text tokens have t = h = w: then this is the embedding's
 * text RoPE, bit for bit. Positions come from {@link MropeIndex} (HF {@code get_rope_index}).
 *
 * @param embedding the text model's rotary embedding
 * @param sections  how its {@code rotaryDim/2} pairs are shared out
 */
public record MultimodalRope(RotaryEmbedding embedding, MropeSections sections) implements AxialRope {

    /**
     * Requires sections that share out exactly the embedding's pairs.
     *
     * @throws IllegalArgumentException for {@code null}s, or sections that do not sum to {@code rotaryDim/2}
     */
    public MultimodalRope {
        Checks.notNull(embedding, "embedding");
        Checks.notNull(sections, "sections");
        sections.requireSharing(embedding.rotaryDim() / 2);
    }

    /**
     * Reads a Qwen2-VL, Qwen2.5-VL or Qwen3-VL text config (parsed into a map): {@code mrope_section} and
     * {@code mrope_interleaved} from {@code rope_scaling} (or transformers v5 {@code rope_parameters}), where
     * HF's legacy {@code "type": "mrope"} means the default schedule; everything else as
     * {@link RotaryEmbedding#fromHuggingFace}. The layout is HF's {@link RopeLayout#HALF_SPLIT}.
     *
     * @throws IllegalArgumentException when {@code mrope_section} is missing or is not three integers
     */
    public static MultimodalRope fromHuggingFace(Map<String, ?> config) {
        Checks.notNull(config, "config");
        String key = config.containsKey("rope_parameters") ? "rope_parameters" : "rope_scaling";
        if (!(config.get(key) instanceof Map<?, ?> dict)) {
            throw new IllegalArgumentException(key + " must be a dict holding mrope_section, was " + config.get(key));
        }
        Map<String, Object> schedule = new HashMap<>();
        dict.forEach((k, v) -> schedule.put(String.valueOf(k), v));
        Object section = schedule.remove("mrope_section");
        Object interleaved = schedule.remove("mrope_interleaved");
        if ("mrope".equals(schedule.get("type")) || "mrope".equals(schedule.get("rope_type"))) {
            schedule.remove("type");
            schedule.put("rope_type", "default");
        }
        if (!(section instanceof List<?> s) || s.size() != 3 || !s.stream().allMatch(MultimodalRope::isInteger)) {
            throw new IllegalArgumentException(key + ".mrope_section must be three integers, was " + section);
        }
        if (interleaved != null && !(interleaved instanceof Boolean)) {
            throw new IllegalArgumentException(key + ".mrope_interleaved must be true or false, was " + interleaved);
        }
        Map<String, Object> text = new HashMap<>(config);
        text.put(key, schedule);
        int[] n = s.stream().mapToInt(v -> ((Number) v).intValue()).toArray();
        return new MultimodalRope(RotaryEmbedding.fromHuggingFace(text, RopeLayout.HALF_SPLIT),
                new MropeSections(n[0], n[1], n[2], Boolean.TRUE.equals(interleaved)));
    }

    private static boolean isInteger(Object v) {
        return v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
    }

    @Override
    public int headDim() {
        return embedding.headDim();
    }

    @Override
    public int rotaryDim() {
        return embedding.rotaryDim();
    }

    @Override
    public RopeLayout layout() {
        return embedding.layout();
    }

    @Override
    public int axes() {
        return 3;
    }

    @Override
    public int axisOf(int pair) {
        return sections.axisOf(Checks.inRange(pair, 0, rotaryDim() / 2 - 1, "pair"));
    }

    @Override
    public RopeFrequencies frequencies(int seqLen) {
        return embedding.frequencies(seqLen);
    }
}
