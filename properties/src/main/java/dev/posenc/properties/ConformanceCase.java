package dev.posenc.properties;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One case of a conformance file. Tensors are addressed by a dotted path such as
 * {@code "inputs.x"} or {@code "expected.y"}; their data come back flattened row-major.
 */
public final class ConformanceCase {
    private final String family;
    private final JsonNode node;

    ConformanceCase(String family, JsonNode node) {
        this.family = family;
        this.node = node;
    }

    /** The case's name. */
    public String name() {
        return node.get("name").asText();
    }

    /** {@code kind}, or {@code ""} when the case has none. */
    public String kind() {
        return node.has("kind") ? node.get("kind").asText() : "";
    }

    /** Whether the dotted path exists. */
    public boolean has(String path) {
        return !find(path).isMissingNode();
    }

    /** The JSON node at a dotted path, for structured parameters. */
    public JsonNode node(String path) {
        JsonNode n = find(path);
        if (n.isMissingNode()) {
            throw new IllegalArgumentException(this + " has no " + path);
        }
        return n;
    }

    /** A numeric parameter, e.g. {@code param("n")} reads {@code params.n}. */
    public double param(String name) {
        return node("params." + name).asDouble();
    }

    /** An integer parameter. */
    public int intParam(String name) {
        return node("params." + name).asInt();
    }

    /** The shape of the tensor at a path. */
    public int[] shape(String path) {
        JsonNode shape = node(path).get("shape");
        int[] s = new int[shape.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape.get(i).asInt();
        }
        return s;
    }

    /** The tensor's data as doubles (NaN and ±Infinity from their string forms; bool as 0/1). */
    public double[] doubles(String path) {
        JsonNode data = node(path).get("data");
        double[] d = new double[data.size()];
        for (int i = 0; i < d.length; i++) {
            JsonNode v = data.get(i);
            d[i] = v.isTextual() ? Double.parseDouble(v.asText()) : v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asDouble();
        }
        return d;
    }

    /** The tensor's data as floats (exact for float32 tensors). */
    public float[] floats(String path) {
        double[] d = doubles(path);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The tensor's data as ints (int64 and bool tensors). */
    public int[] ints(String path) {
        double[] d = doubles(path);
        int[] n = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            n[i] = Math.toIntExact((long) d[i]);
        }
        return n;
    }

    private JsonNode find(String path) {
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    @Override
    public String toString() {
        return family + "/" + name();
    }
}
