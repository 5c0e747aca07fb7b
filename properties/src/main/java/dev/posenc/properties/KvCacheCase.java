package dev.posenc.properties;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.posenc.Positions;
import dev.posenc.attention.KeyRotation;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;

/**
 * A generated attention call over a {@link KvCache}: an {@link AttentionCase} (shape, masking, scheme, data)
 * whose keys and values are appended, in chunks of random sizes through both append forms, to a cache of
 * some precision, on the heap or off-heap, with spare capacity. The stored values may come from a recipe
 * of the cache's own ({@link Stored}) instead of the attention case's.
 */
public record KvCacheCase(AttentionCase attention, Storage storage) {

    /** What the cache stores, beyond the attention case's data. */
    public enum Stored {
        /** The attention case's data. */
        DRAWN,
        /** |x| in [2¹⁴, 65504] (and 65504 and 65519.996, which rounds to it in F16): F16's largest values. */
        F16_NEAR_MAX,
        /** |x| below 2⁻¹⁴, zeros among them: F16's subnormals (normal floats, exact in BF16's range). */
        F16_SUBNORMAL,
        /** Exact midpoints between two neighbours of the precision (random floats for F32): ties to even. */
        TIES,
        /** |x| in [10³⁷, 3·10³⁸], all positive half of the time: Σ_j v_j overflows float over two keys. */
        HUGE
    }

    /** Precision, storage, spare capacity, the recipes of keys and values, and the seed of chunks and recipes. */
    public record Storage(KvPrecision precision, boolean offHeap, int spare, Stored keys, Stored values, long seed) {}

    /**
     * Cases up to {@code maxQueries × maxKeys}: well-behaved data, or ({@code extreme}) q and k of huge, tiny and
     * offset magnitudes (those F16 holds when the cache is F16) and stored values at the precisions' edges.
     */
    public static Gen<KvCacheCase> cases(int maxQueries, int maxKeys, int maxDim, boolean extreme) {
        // DeBERTa (an encoder's scheme) is rejected over a cache: AttentionContract checks that.
        return arbitrary().enumValues(KvPrecision.class).flatMap(p -> AttentionCase.cases(maxQueries, maxKeys, maxDim,
                kinds(p, extreme)).assuming(c -> c.scheme().kind() != AttentionCase.SchemeKind.DEBERTA)
                .zip(storages(p, extreme), KvCacheCase::new));
    }

    private static FloatKind[] kinds(KvPrecision p, boolean extreme) {
        if (!extreme) {
            return new FloatKind[] {FloatKind.NORMAL, FloatKind.WIDE, FloatKind.GRID};
        }
        return p == KvPrecision.F16 ? new FloatKind[] {FloatKind.OFFSET, FloatKind.TINY, FloatKind.NORMAL}
                : new FloatKind[] {FloatKind.OFFSET, FloatKind.TINY, FloatKind.LARGE, FloatKind.MIXED};
    }

    /** Storages of precision {@code p}: ties a third of the time, or ({@code extreme}) the precisions' edges. */
    public static Gen<Storage> storages(KvPrecision p, boolean extreme) {
        List<Stored> stored = !extreme ? List.of(Stored.DRAWN, Stored.DRAWN, Stored.TIES)
                : p == KvPrecision.F16 ? List.of(Stored.DRAWN, Stored.F16_NEAR_MAX, Stored.F16_SUBNORMAL, Stored.TIES)
                : List.of(Stored.DRAWN, Stored.F16_NEAR_MAX, Stored.F16_SUBNORMAL, Stored.HUGE);
        return arbitrary().pick(List.of(false, true)).zip(integers().between(0, 0).mix(integers().between(1, 40), 50),
                arbitrary().pick(stored), arbitrary().pick(stored), longs().all(),
                (offHeap, spare, k, v, seed) -> new Storage(p, offHeap, spare, k, v, seed));
    }

    /**
     * The call's inputs holding what the cache stores — keys and values rounded to the precision by
     * {@link NearestEven} — and the unrounded rows appended to the cache.
     */
    public record Built(AttentionCase.Inputs inputs, float[] k, float[] v) {
        /**
         * The inputs whose keys are {@code raw}'s rotated by {@code rotation} (may be null) at positions
         * {@code 0 … keys − 1} and whose keys and values are then rounded to {@code p}: what a cache holds after
         * {@code raw}'s rows were appended with that rotation.
         */
        public static Built of(AttentionCase.Inputs raw, KvPrecision p, KeyRotation rotation) {
            float[] k = raw.k().clone();
            if (rotation != null) {
                rotation.rotate(Positions.range(0, raw.keys()), raw.options().kvHeads(), k, raw.offset());
            }
            return new Built(new AttentionCase.Inputs(raw.options(), raw.queries(), raw.keys(), raw.positions(), raw.dense(),
                    raw.q(), rounded(p, k, raw.offset()), rounded(p, raw.v(), raw.offset()), raw.offset(),
                    raw.keyTile()), raw.k(), raw.v());
        }

        /** The unrounded keys as a view. */
        public Tokens keyRows() {
            return Tokens.of(k, inputs.offset(), inputs.keys(), inputs.options().kvHeads(), inputs.options().headDim());
        }

        /** The unrounded values as a view. */
        public Tokens valueRows() {
            return Tokens.of(v, inputs.offset(), inputs.keys(), inputs.options().kvHeads(), inputs.options().valueDim());
        }
    }

    /** The arrays and options, with the stored recipes in place of the drawn keys and values. */
    public Built build() {
        return build(null);
    }

    /** As {@link #build()}, the expected keys rotated by {@code rotation} (may be null) at their positions. */
    public Built build(KeyRotation rotation) {
        AttentionCase.Inputs raw = attention.build();
        SplittableRandom random = new SplittableRandom(storage.seed());
        int o = raw.offset();
        fill(storage.keys(), raw.k(), o, raw.keys() * raw.options().kvHeads() * raw.options().headDim(), random);
        fill(storage.values(), raw.v(), o, raw.keys() * raw.options().kvHeads() * raw.options().valueDim(), random);
        return Built.of(raw, storage.precision(), rotation);
    }

    /** A cache of the case's spec, capacity {@code keys + spare} (heap, or off-heap in {@code arena}), holding every row. */
    public KvCache cache(Built b, Arena arena) {
        KvCache cache = emptyCache(b, b.inputs().keys() + storage.spare(), false, arena);
        appendInChunks(cache, b, 0, b.inputs().keys(), null, new SplittableRandom(storage.seed() ^ 0x5eed));
        return cache;
    }

    /** An empty cache of the case's kv heads, widths, precision and storage. */
    public KvCache emptyCache(Built b, int capacity, boolean ring, Arena arena) {
        KvCacheSpec spec = KvCacheSpec.of(capacity, b.inputs().options().kvHeads(), b.inputs().options().headDim(),
                storage.precision()).withValueDim(b.inputs().options().valueDim());
        spec = ring ? spec.asRing() : spec;
        return storage.offHeap() ? KvCache.offHeap(spec, arena) : KvCache.onHeap(spec);
    }

    /**
     * Appends rows {@code [from, to)} of {@code b} in chunks of random sizes, alternately from views and from
     * memory segments, keys rotated by {@code rotation} (may be null).
     */
    public static void appendInChunks(KvCache cache, Built b, int from, int to, KeyRotation rotation, SplittableRandom random) {
        for (int r = from; r < to; ) {
            int n = Math.min(to - r, 1 + random.nextInt(Math.max(1, Math.min(to - from, cache.spec().capacity()))));
            append(cache, b, r, n, rotation, random.nextBoolean());
            r += n;
        }
    }

    /** Appends rows {@code [first, first + n)} of {@code b}, from views or from memory segments. */
    public static void append(KvCache cache, Built b, int first, int n, KeyRotation rotation, boolean segments) {
        Tokens k = b.keyRows().rows(first, n);
        Tokens v = b.valueRows().rows(first, n);
        if (segments) {
            cache.append(MemorySegment.ofArray(k.array()).asSlice((long) k.offset() * Float.BYTES),
                    MemorySegment.ofArray(v.array()).asSlice((long) v.offset() * Float.BYTES), n, rotation);
        } else {
            cache.append(k, v, rotation);
        }
    }

    private static float[] rounded(KvPrecision p, float[] a, int offset) {
        float[] r = a.clone();
        for (int i = offset; i < a.length; i++) {
            r[i] = a[i] == Arrays2.SENTINEL ? a[i] : NearestEven.round(p, a[i]);
        }
        return r;
    }

    private void fill(Stored kind, float[] a, int from, int n, SplittableRandom random) {
        boolean positive = random.nextBoolean();
        for (int i = from; i < from + n; i++) {
            float sign = random.nextBoolean() ? 1 : -1;
            switch (kind) {
                case DRAWN -> { }
                case F16_NEAR_MAX -> a[i] = sign * switch (random.nextInt(8)) {
                    case 0 -> 65504f;
                    case 1 -> 65519.996f;
                    default -> (float) Math.scalb(1 + random.nextDouble() * 0.999, 14 + random.nextInt(2));
                };
                case F16_SUBNORMAL -> a[i] = random.nextInt(10) == 0 ? 0f : sign * (float) (random.nextDouble() * 0x1p-14);
                case TIES -> a[i] = tie(storage.precision(), sign * (float) Math.scalb(1 + random.nextDouble(),
                        random.nextInt(-20, 10)));
                case HUGE -> a[i] = (positive ? 1 : sign) * (float) Math.pow(10, 37 + Math.log10(30) * random.nextDouble());
            }
        }
    }

    /** The midpoint between x rounded to p and its neighbour away from zero (x itself for F32). */
    private static float tie(KvPrecision p, float x) {
        if (p == KvPrecision.F32) {
            return x;
        }
        float r = NearestEven.round(p, x);
        return (float) (r + Math.copySign(NearestEven.ulp(p, r) / 2, r));
    }
}
