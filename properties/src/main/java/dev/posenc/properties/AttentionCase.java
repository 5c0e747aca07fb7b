package dev.posenc.properties;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.posenc.Positions;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.attention.Tokens;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.DenseBias;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.PositionScheme;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.bias.TransformerXlPositions;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;

/**
 * A generated attention call: shape, masking, position scheme and data recipes. QuickTheories draws
 * and prints the recipe; {@link #build()} makes the arrays and options from it.
 */
public record AttentionCase(Shape shape, Masking masking, Scheme scheme, Data data) {

    /** Head counts, widths and lengths. */
    public record Shape(int kvHeads, int group, int headDim, int valueDim, int queries, int keys) {
        public int heads() {
            return kvHeads * group;
        }
    }

    /** Causal mask, window ({@code −1}: none), dense bias kind, explicit positions. */
    public record Masking(CausalMask causal, int window, DenseKind dense, boolean explicitPositions, long seed) {}

    /** The per-call dense bias, if any. */
    public enum DenseKind { NONE, ADDITIVE_SHARED, ADDITIVE_PER_HEAD, MASK_SHARED, MASK_PER_HEAD }

    /** The position scheme. */
    public enum SchemeKind {
        NONE, ALIBI, ALIBI_SYMMETRIC, T5_BIDIRECTIONAL, T5_CAUSAL, SHAW, SHAW_KEYS_ONLY, XL,
        /** gpt-oss sink logits; StreamingLLM; Llama 4 chunks and temperature. */
        SINKS, STREAMING, CHUNKED, TEMPERATURE,
        /** DeBERTa with log buckets or without; KERPLE (log); FIRE with a small threshold L, and with every position within L. */
        DEBERTA, KERPLE, FIRE, FIRE_WITHIN;

        /** Whether the scheme needs a causal mask (a case without one gets bottom-right). */
        boolean causal() {
            return this == XL || this == STREAMING || this == CHUNKED;
        }
    }

    /** Scheme, soft-cap (0: none) and scale (0: default). */
    public record Scheme(SchemeKind kind, double softCap, double scale, long seed) {}

    /** Data recipes, the array offset used for every tensor, and the workspace's key tile (0: default). */
    public record Data(FloatFill q, FloatFill k, FloatFill v, int offset, int keyTile) {}

    /** The inputs of one call, as arrays. */
    public record Inputs(AttentionOptions options, int queries, int keys, Positions positions, DenseBias dense,
                         float[] q, float[] k, float[] v, int offset, int keyTile) {
        /** The queries as a view. */
        public Tokens queryTokens() {
            return Tokens.of(q, offset, queries, options.heads(), options.headDim());
        }

        /** The keys as a view. */
        public Tokens keyTokens() {
            return Tokens.of(k, offset, keys, options.kvHeads(), options.headDim());
        }

        /** The values as a view. */
        public Tokens valueTokens() {
            return Tokens.of(v, offset, keys, options.kvHeads(), options.valueDim());
        }

        /** {@code out} (from {@link #output()}) as a view. */
        public Tokens outputTokens(float[] out) {
            return Tokens.of(out, offset, queries, options.heads(), options.valueDim());
        }

        /** A fresh output array of sentinels: {@code offset}, the output, then slack. */
        public float[] output() {
            return Arrays2.sentinels(offset + outputLength() + MatrixCase.SLACK);
        }

        /** {@code queries × heads × valueDim}. */
        public int outputLength() {
            return queries * options.heads() * options.valueDim();
        }

        /** A workspace with this case's key tile. */
        public AttentionWorkspace workspace() {
            return keyTile == 0 ? new AttentionWorkspace() : new AttentionWorkspace(keyTile);
        }

        /** Position of query row i as the call resolves it. */
        public int position(int i) {
            if (positions != null) {
                return positions.at(i);
            }
            return options.causal() == CausalMask.BOTTOM_RIGHT ? keys - queries + i : i;
        }
    }

    /** Lengths in {@code [1, max]} leaning to {@code 1}, tile−1, tile, tile+1 for tiles that are multiples of 8. */
    public static Gen<Integer> tileLengths(int max) {
        Gen<Integer> nearTiles = integers().between(1, Math.max(1, max / 8))
                .zip(integers().between(-1, 1), (m, d) -> Math.max(1, Math.min(max, 8 * m + d)));
        return integers().between(1, Math.min(max, 5)).mix(nearTiles, 60).mix(integers().between(1, max), 30);
    }

    /** Shapes up to {@code maxQueries × maxKeys}. */
    public static Gen<Shape> shapes(int maxQueries, int maxKeys, int maxDim) {
        Gen<int[]> heads = integers().between(1, 3).zip(arbitrary().pick(List.of(1, 1, 2, 3, 4)), (kv, g) -> new int[] {kv, g});
        Gen<int[]> dims = Gens.lengths(maxDim).zip(Gens.lengths(maxDim), integers().between(0, 2),
                (d, dv, same) -> new int[] {d, same > 0 ? d : dv});
        return heads.zip(dims, tileLengths(maxQueries), tileLengths(maxKeys),
                (h, d, q, k) -> new Shape(h[0], h[1], d[0], d[1], q, k));
    }

    /** Every masking. */
    public static Gen<Masking> maskings() {
        Gen<Integer> windows = integers().between(-1, -1).mix(integers().between(0, 40), 35);
        return arbitrary().enumValues(CausalMask.class).zip(windows,
                arbitrary().pick(List.of(DenseKind.NONE, DenseKind.NONE, DenseKind.NONE, DenseKind.ADDITIVE_SHARED,
                        DenseKind.ADDITIVE_PER_HEAD, DenseKind.MASK_SHARED, DenseKind.MASK_PER_HEAD)),
                integers().between(0, 3), longs().all(),
                (c, w, d, e, seed) -> new Masking(c, w, d, e == 0, seed));
    }

    /** Every scheme, with a soft-cap a fifth of the time and a non-default scale a fifth. */
    public static Gen<Scheme> schemes(SchemeKind... kinds) {
        Gen<Double> caps = arbitrary().pick(List.of(0.0, 0.0, 0.0, 0.0, 5.0));
        Gen<Double> scales = arbitrary().pick(List.of(0.0, 0.0, 0.0, 0.0, 1.0));
        return arbitrary().pick(List.of(kinds)).zip(caps, scales, longs().all(), Scheme::new);
    }

    /** Data of the given kinds for q and k (v is normal), offsets, and key tiles. */
    public static Gen<Data> data(FloatKind... qkKinds) {
        Gen<Integer> tiles = integers().between(0, 0).mix(integers().between(1, 130), 40);
        return Gens.fills(qkKinds).zip(Gens.fills(qkKinds), Gens.fills(FloatKind.NORMAL, FloatKind.GRID),
                Gens.offsets(), tiles, Data::new);
    }

    /** Cases of every kind with q and k of the given kinds. */
    public static Gen<AttentionCase> cases(int maxQueries, int maxKeys, int maxDim, FloatKind... qkKinds) {
        return shapes(maxQueries, maxKeys, maxDim).zip(maskings(), schemes(SchemeKind.values()), data(qkKinds),
                AttentionCase::new);
    }

    /** The arrays and options. */
    public Inputs build() {
        Shape s = shape;
        SplittableRandom random = new SplittableRandom(scheme.seed());
        CausalMask causal = scheme.kind().causal() && masking.causal() == CausalMask.NONE ? CausalMask.BOTTOM_RIGHT : masking.causal();
        AttentionOptions options = AttentionOptions.of(s.heads(), s.kvHeads(), s.headDim()).withValueDim(s.valueDim())
                .withCausal(causal).withScheme(scheme(random));
        // StreamingLLM has its own window.
        if (masking.window() >= 0 && scheme.kind() != SchemeKind.STREAMING) {
            options = options.withWindow(masking.window());
        }
        if (scheme.softCap() > 0) {
            options = options.withSoftCap(scheme.softCap());
        }
        if (scheme.scale() > 0) {
            options = options.withScale(scheme.scale());
        }
        int o = data.offset();
        float[] q = data.q().array(o, s.queries() * s.heads() * s.headDim(), MatrixCase.SLACK);
        float[] k = data.k().array(o, s.keys() * s.kvHeads() * s.headDim(), MatrixCase.SLACK);
        float[] v = data.v().array(o, s.keys() * s.kvHeads() * s.valueDim(), MatrixCase.SLACK);
        SplittableRandom maskRandom = new SplittableRandom(masking.seed());
        Positions positions = null;
        if (masking.explicitPositions()) {
            int[] p = new int[s.queries()];
            for (int i = 0; i < p.length; i++) {
                p[i] = maskRandom.nextInt(s.keys());
            }
            positions = Positions.of(p);
        }
        return new Inputs(options, s.queries(), s.keys(), positions, dense(s, maskRandom), q, k, v, o, data.keyTile());
    }

    private DenseBias dense(Shape s, SplittableRandom random) {
        DenseKind kind = masking.dense();
        if (kind == DenseKind.NONE) {
            return null;
        }
        int heads = kind == DenseKind.ADDITIVE_SHARED || kind == DenseKind.MASK_SHARED ? 1 : s.heads();
        int size = heads * s.queries() * s.keys();
        if (kind == DenseKind.MASK_SHARED || kind == DenseKind.MASK_PER_HEAD) {
            boolean[] allowed = new boolean[size];
            for (int i = 0; i < size; i++) {
                allowed[i] = random.nextInt(5) != 0;
            }
            return DenseBias.mask(allowed, 0, heads, s.queries(), s.keys());
        }
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextInt(6) == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextDouble() * 4 - 2);
        }
        return DenseBias.additive(values, 0, heads, s.queries(), s.keys());
    }

    private PositionScheme scheme(SplittableRandom random) {
        Shape s = shape;
        return switch (scheme.kind()) {
            case NONE -> null;
            case ALIBI -> AlibiBias.of(s.heads());
            case ALIBI_SYMMETRIC -> AlibiBias.symmetric(s.heads());
            case T5_BIDIRECTIONAL, T5_CAUSAL -> {
                boolean bidirectional = scheme.kind() == SchemeKind.T5_BIDIRECTIONAL;
                T5Buckets buckets = T5Buckets.of(bidirectional, 4 + 2 * random.nextInt(15), 20 + random.nextInt(100));
                yield T5RelativeBias.of(buckets, s.heads(), uniform(random, s.heads() * buckets.numBuckets(), 3), 0);
            }
            case SHAW, SHAW_KEYS_ONLY -> {
                int clip = random.nextInt(12);
                int rows = 2 * clip + 1;
                yield ShawRelativePositions.of(clip, s.headDim(), uniform(random, rows * s.headDim(), 1), 0, s.valueDim(),
                        scheme.kind() == SchemeKind.SHAW ? uniform(random, rows * s.valueDim(), 1) : null, 0);
            }
            case XL -> {
                int width = s.heads() * s.headDim();
                int maxDistance = random.nextInt(s.keys() + 5);
                yield TransformerXlPositions.of(s.heads(), s.headDim(), uniform(random, width, 0.5), 0,
                        uniform(random, width, 0.5), 0, uniform(random, (maxDistance + 1) * width, 1), 0, maxDistance);
            }
            case SINKS -> AttentionSinks.of(uniform(random, s.heads(), 3), 0, s.heads());
            case STREAMING -> StreamingWindow.of(random.nextInt(6), random.nextInt(30));
            case CHUNKED -> ChunkedAttention.of(1 + random.nextInt(80));
            case TEMPERATURE -> AttentionTemperature.of(random.nextInt(3) == 0 ? 1 + random.nextDouble() * 40
                    : 1 + random.nextInt(40), random.nextDouble());
            case DEBERTA -> {
                int buckets = random.nextInt(3) == 0 ? 0 : 2 + random.nextInt(15);
                int maxRelative = buckets > 0 ? buckets / 2 + 2 + random.nextInt(60) : 1 + random.nextInt(20);
                int size = s.heads() * 2 * (buckets > 0 ? buckets : maxRelative) * s.headDim();
                yield DebertaPositions.of(s.heads(), s.headDim(), buckets, maxRelative, uniform(random, size, 1), 0,
                        uniform(random, size, 1), 0);
            }
            case KERPLE -> KerpleBias.of(positive(random, s.heads(), 2), positive(random, s.heads(), 1));
            case FIRE, FIRE_WITHIN -> {
                int width = 1 + random.nextInt(40);
                double threshold = scheme.kind() == SchemeKind.FIRE ? 1 + random.nextInt(60) : 1e6;
                yield FireBias.of(0.02 + random.nextDouble(), threshold, random.nextBoolean() ? 1e-6 : 0,
                        uniform(random, width, 2), uniform(random, width, 1), uniform(random, s.heads() * width, 1),
                        uniform(random, s.heads(), 1));
            }
        };
    }

    /** Values in {@code [0.01, 0.01 + scale)}. */
    private static float[] positive(SplittableRandom random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (0.01 + random.nextDouble() * scale);
        }
        return a;
    }

    private static float[] uniform(SplittableRandom random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }
}
