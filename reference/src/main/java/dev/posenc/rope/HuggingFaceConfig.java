package dev.posenc.rope;

import dev.posenc.internal.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the RoPE parts of a HuggingFace {@code config.json} given as a map (as any JSON library parses
 * it): typed look-ups whose errors name the key, the value and what was expected.
 */
final class HuggingFaceConfig {
    /** The schedule keys each rope_type accepts besides {@code rope_type}/{@code type}. */
    private static final Map<String, Set<String>> KEYS = Map.of(
            "default", Set.of(),
            "linear", Set.of("factor"),
            "dynamic", Set.of("factor", "original_max_position_embeddings"),
            "yarn", Set.of("factor", "original_max_position_embeddings", "beta_fast", "beta_slow", "mscale",
                    "mscale_all_dim", "attention_factor", "truncate"),
            "llama3", Set.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"),
            "longrope", Set.of("short_factor", "long_factor", "factor", "attention_factor",
                    "original_max_position_embeddings"));
    /** Keys of transformers v5 {@code rope_parameters} that describe the embedding, not the schedule. */
    private static final Set<String> EMBEDDING_KEYS = Set.of("rope_theta", "partial_rotary_factor");
    private static final String ORIGINAL = "original_max_position_embeddings";

    private HuggingFaceConfig() {}

    static RopeScaling scaling(Map<String, ?> dict) {
        if (dict == null || dict.isEmpty()) {
            return new RopeScaling.Default();
        }
        String type = ropeType(dict);
        Set<String> allowed = KEYS.get(type);
        for (String key : dict.keySet()) {
            if (EMBEDDING_KEYS.contains(key)) {
                throw new IllegalArgumentException("rope_scaling." + key + " is not a schedule parameter: read the whole"
                        + " config with RotaryEmbedding.fromHuggingFace");
            }
            if (!key.equals("rope_type") && !key.equals("type") && !allowed.contains(key)) {
                throw new IllegalArgumentException("rope_scaling." + key + " is not a parameter of rope_type '" + type
                        + "': expected one of " + allowed);
            }
        }
        return switch (type) {
            case "default" -> new RopeScaling.Default();
            case "linear" -> new RopeScaling.Linear(required(dict, "factor"));
            case "dynamic" -> new RopeScaling.Dynamic(required(dict, "factor"));
            case "yarn" -> new RopeScaling.Yarn(required(dict, "factor"), integer(dict, ORIGINAL),
                    number(dict, "beta_fast"), number(dict, "beta_slow"), number(dict, "mscale"),
                    number(dict, "mscale_all_dim"), positiveIfGiven(dict, "attention_factor"), bool(dict, "truncate", true));
            case "llama3" -> new RopeScaling.Llama3(required(dict, "factor"), required(dict, "low_freq_factor"),
                    required(dict, "high_freq_factor"), integer(dict, ORIGINAL));
            case "longrope" -> new RopeScaling.LongRope(list(dict, "short_factor"), list(dict, "long_factor"),
                    positiveIfGiven(dict, "factor"), positiveIfGiven(dict, "attention_factor"), integer(dict, ORIGINAL));
            default -> throw new IllegalStateException(type);
        };
    }

    static RotaryEmbedding embedding(Map<String, ?> config, RopeLayout layout) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        Map<String, ?> dict = map(config, "rope_parameters");
        if (dict == null) {
            dict = map(config, "rope_scaling");
        } else if (map(config, "rope_scaling") != null) {
            throw new IllegalArgumentException("config has both rope_parameters and rope_scaling: expected one");
        }
        Map<String, Object> schedule = new LinkedHashMap<>(dict == null ? Map.of() : dict);
        schedule.keySet().removeAll(EMBEDDING_KEYS);
        Object original = config.get(ORIGINAL);
        if (original != null && !schedule.isEmpty() && Set.of("yarn", "llama3", "longrope").contains(ropeType(schedule))) {
            Object inSchedule = schedule.putIfAbsent(ORIGINAL, original);
            if (inSchedule != null && integer(config, ORIGINAL) != integer(schedule, ORIGINAL)) {
                throw new IllegalArgumentException(ORIGINAL + " is " + original + " in the config but " + inSchedule
                        + " in rope_scaling: expected one value");
            }
        }
        int headDim = config.get("head_dim") != null ? integer(config, "head_dim")
                : requiredInteger(config, "hidden_size", "n_embd")
                        / Checks.positive(requiredInteger(config, "num_attention_heads", "n_head"), "num_attention_heads");
        double theta = first(dict, config, "rope_theta", "rotary_emb_base", 10_000.0);
        double partial = first(dict, config, "partial_rotary_factor", "rotary_pct", 1.0);
        int rotaryDim = config.get("rotary_dim") != null ? integer(config, "rotary_dim") : (int) (headDim * partial);
        return RotaryEmbedding.of(headDim, rotaryDim, theta, layout).withScaling(scaling(schedule), integer(config, "max_position_embeddings"));
    }

    private static String ropeType(Map<String, ?> dict) {
        Object ropeType = dict.get("rope_type");
        Object legacy = dict.get("type");
        if (ropeType != null && legacy != null && !ropeType.equals(legacy)) {
            throw new IllegalArgumentException("rope_scaling has rope_type '" + ropeType + "' and type '" + legacy
                    + "': expected one value");
        }
        Object type = ropeType != null ? ropeType : legacy != null ? legacy : "default";
        if (!(type instanceof String s) || !KEYS.containsKey(s)) {
            throw new IllegalArgumentException("rope_type must be one of " + KEYS.keySet() + ", was '" + type + "'");
        }
        return s;
    }

    /** {@code dict[key]}, else {@code config[key]}, else {@code config[alias]}, else the default. */
    private static double first(Map<String, ?> dict, Map<String, ?> config, String key, String alias, double otherwise) {
        if (dict != null && dict.get(key) != null) {
            return number(dict, key);
        }
        return config.get(key) != null ? number(config, key) : config.get(alias) != null ? number(config, alias) : otherwise;
    }

    private static double required(Map<String, ?> dict, String key) {
        if (dict.get(key) == null) {
            throw new IllegalArgumentException("rope_scaling." + key + " is required for rope_type '" + ropeType(dict) + "'");
        }
        return number(dict, key);
    }

    private static double positiveIfGiven(Map<String, ?> dict, String key) {
        double value = number(dict, key);
        if (dict.get(key) != null && !(value > 0)) {
            throw new IllegalArgumentException(key + " must be > 0 when given, was " + value);
        }
        return value;
    }

    /** The number at {@code key}, 0 when absent or null. */
    private static double number(Map<String, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(key + " must be a number, was '" + v + "' (" + v.getClass().getSimpleName() + ")");
        }
        return n.doubleValue();
    }

    /** The whole number at {@code key}, 0 when absent or null. */
    private static int integer(Map<String, ?> map, String key) {
        double v = number(map, key);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be an int, was " + map.get(key));
        }
        return (int) v;
    }

    /** {@code map[key]}, else {@code map[alias]} (GPT-J's names), else an error naming both. */
    private static int requiredInteger(Map<String, ?> map, String key, String alias) {
        if (map.get(key) == null && map.get(alias) == null) {
            throw new IllegalArgumentException("config needs head_dim, or hidden_size and num_attention_heads (GPT-J: n_embd"
                    + " and n_head): " + key + " is missing");
        }
        return integer(map, map.get(key) != null ? key : alias);
    }

    private static boolean bool(Map<String, ?> map, String key, boolean otherwise) {
        Object v = map.get(key);
        if (v == null) {
            return otherwise;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(key + " must be true or false, was '" + v + "'");
        }
        return b;
    }

    private static List<Double> list(Map<String, ?> map, String key) {
        Object v = map.get(key);
        if (!(v instanceof List<?> values)) {
            throw new IllegalArgumentException("rope_scaling." + key + " must be a list of numbers, was " + v);
        }
        List<Double> numbers = new ArrayList<>(values.size());
        for (Object value : values) {
            if (!(value instanceof Number n)) {
                throw new IllegalArgumentException(key + " must hold numbers only, had '" + value + "'");
            }
            numbers.add(n.doubleValue());
        }
        return numbers;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> map(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v != null && !(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(key + " must be a dict (Map), was '" + v + "'");
        }
        return (Map<String, ?>) v;
    }
}
