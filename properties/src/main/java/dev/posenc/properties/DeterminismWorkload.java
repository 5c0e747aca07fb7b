package dev.posenc.properties;

import dev.posenc.KernelProvider;
import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalFrequencies;
import dev.posenc.absolute.SinusoidalLayout;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.CausalMask;
import dev.posenc.attention.KeyRotation;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.PositionScheme;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.T5Buckets;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.bias.TransformerXlPositions;
import dev.posenc.norm.RmsNormWeighting;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.MropeSections;
import dev.posenc.rope.MultimodalRope;
import dev.posenc.rope.RopeCache;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RopeScaling;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.Xpos;
import dev.posenc.attention.AttentionWorkspace;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Small fixed calls of every kernel family, through every code path a SIMD kernel typically has
 * (unrolled loop, single-vector loop, scalar tail, special rows, in place and out of place, cached and
 * computed tables), whose outputs {@link DeterminismContract} compares bit for bit between a cold JVM
 * ({@code -Xint}) and a JVM whose kernels C2 has compiled.
 *
 * <p>Run as a main class: {@code DeterminismWorkload <provider class> <rounds> <file>} makes every case's
 * inputs once, runs the calls {@code rounds} times (the first ones warm the JIT up), then writes to the
 * file one line per family ({@value #KERNEL} family kernel-class) and one per case ({@value #BITS} name
 * hex…, the raw bits of every output float of the last round). The provider class has a public no-argument constructor and
 * implements {@code Supplier<KernelProvider>}.
 */
public final class DeterminismWorkload {
    /** Prefix of an output line naming a family's kernel class. */
    public static final String KERNEL = "posenc-kernel";
    /** Prefix of an output line holding a case's bits. */
    public static final String BITS = "posenc-bits";
    /** Columns: 77 = 4·16 + 13, so every width runs its unrolled loop, its single-vector loop and a tail. */
    private static final int N = 77;
    /** Keys of the decode over a cache read in chunks ({@link #kvCache}). */
    private static final int LONG_KEYS = 300;

    private DeterminismWorkload() {}

    /** {@link Kernels#get()}: the implementation this JVM's options select. */
    public static final class ChosenKernels implements Supplier<KernelProvider> {
        @Override
        public KernelProvider get() {
            return Kernels.get();
        }
    }

    /** One kernel call, on inputs made once, into its own output array. */
    record Case(float[] out, Consumer<float[]> call) {
        void run() {
            call.accept(out);
        }
    }

    /**
     * Every case, by name, in a fixed order, with its inputs made and its output allocated: running them
     * allocates only what the kernels do.
     */
    public static Map<String, Case> cases(KernelProvider k) {
        Map<String, Case> out = new LinkedHashMap<>();
        softmax(k, out);
        norms(k, out);
        absolute(k, out);
        rope(k, out);
        attention(k, out);
        kvCache(k, out);
        return out;
    }

    private static void softmax(KernelProvider k, Map<String, Case> out) {
        float[] x = data(3 * N, 1, 4);
        float[] bias = data(N, 2, 1);
        out.put("softmax", apply(y -> k.softmax().softmax(x, 0, y, 0, 3, N), 3 * N));
        out.put("softmax scale bias", apply(y -> k.softmax().softmax(x, 0, y, 0, 3, N, 0.37f, bias, 0), 3 * N));
        float[] special = data(2 * N, 3, 4);
        special[5] = Float.NEGATIVE_INFINITY;
        special[N + 3] = 3e38f;   // with the next two: whether ∞ − ∞ arises depends on the summation order
        special[N + 40] = 3e38f;
        special[N + 41] = -3e38f;
        out.put("softmax masked and overflowing", apply(y -> k.softmax().softmax(special, 0, y, 0, 2, N), 2 * N));
        float[] long1 = data(1000, 4, 8);
        out.put("softmax 1000", apply(y -> k.softmax().softmax(long1, 0, y, 0, 1, 1000), 1000));
    }

    private static void norms(KernelProvider k, float[] x, float[] w, Map<String, Case> out) {
        out.put("layerNorm", apply(y -> k.norms().layerNorm(x, 0, y, 0, 3, N, w, w, 1e-5), 3 * N));
        out.put("rmsNorm", apply(y -> k.norms().rmsNorm(x, 0, y, 0, 3, N, w, 1e-6, RmsNormWeighting.PLAIN), 3 * N));
        out.put("rmsNorm one plus", apply(y -> k.norms().rmsNorm(x, 0, y, 0, 3, N, w, 1e-6, RmsNormWeighting.ONE_PLUS),
                3 * N));
    }

    private static void norms(KernelProvider k, Map<String, Case> out) {
        float[] x = data(3 * N, 5, 3);
        for (int i = N; i < 2 * N; i++) {
            x[i] += 1e4f;   // mean 1e4, std 3: the two-pass statistics
        }
        norms(k, x, data(N, 6, 1), out);
    }

    private static void absolute(KernelProvider k, Map<String, Case> out) {
        Positions scattered = Positions.of(0, 1, 37, 100_000, -5, Integer.MAX_VALUE, Integer.MIN_VALUE);
        for (SinusoidalLayout layout : SinusoidalLayout.values()) {
            for (SinusoidalFrequencies f : SinusoidalFrequencies.values()) {
                SinusoidalEncoding e = SinusoidalEncoding.of(N, 10_000, layout, f);
                String name = "sinusoidal " + layout + " " + f;
                out.put(name + " rows", apply(y -> k.absolutePositions().sinusoidal(e, scattered, y, 0), 7 * N));
                Positions range = Positions.range(1 << 30, 20);
                out.put(name + " range", apply(y -> k.absolutePositions().sinusoidal(e, range, y, 0), 20 * N));
            }
        }
        SinusoidalEncoding wide = SinusoidalEncoding.of(600 + 13);   // rows of 512 floats or more: the tiled walk
        Positions twenty = Positions.range(5, 20);
        out.put("sinusoidal wide range", apply(y -> k.absolutePositions().sinusoidal(wide, twenty, y, 0), 20 * 613));
        SinusoidalEncoding below1 = SinusoidalEncoding.of(N, 1e-4, SinusoidalLayout.INTERLEAVED, SinusoidalFrequencies.PAPER);
        out.put("sinusoidal base 1e-4", apply(y -> k.absolutePositions().sinusoidal(below1, scattered, y, 0), 7 * N));
        float[] x = data(20 * N, 7, 1);
        SinusoidalEncoding paper = SinusoidalEncoding.of(N);
        out.put("addSinusoidal", apply(y -> {
            System.arraycopy(x, 0, y, 0, x.length);
            k.absolutePositions().addSinusoidal(paper, twenty, y, 0);
        }, 20 * N));
        float[] table = data(10 * N, 8, 1);
        Positions rows = Positions.of(9, 0, 4);
        out.put("addLearned", apply(y -> {
            System.arraycopy(x, 0, y, 0, 3 * N);
            k.absolutePositions().addLearned(table, 0, 10, N, rows, y, 0);
        }, 3 * N));
    }

    private static void rope(KernelProvider k, Map<String, Case> out) {
        Positions positions = Positions.of(0, 3, 1000, 1 << 30);
        for (RopeLayout layout : RopeLayout.values()) {
            // 128: four vectors per pass at 512 bits; 72 with rotary 40: pairs left for the scalar tail.
            for (RotaryEmbedding e : new RotaryEmbedding[] {
                    RotaryEmbedding.of(128, 10_000, layout),
                    RotaryEmbedding.of(72, 40, 500_000, layout).withScaling(RopeScaling.Yarn.of(4, 4096), 0),
                    RotaryEmbedding.of(64, 10_000, layout).withScaling(new RopeScaling.Linear(0.25), 0)}) {
                int size = 4 * 3 * e.headDim();
                float[] x = data(size, e.headDim() + layout.ordinal(), 1);
                String name = "rope " + layout + " " + e.headDim() + " " + e.scaling().ropeType();
                out.put(name + " rotate", apply(y -> k.rope().rotate(e, positions, 3, x, 0, y, 0), size));
                out.put(name + " rotate in place", apply(y -> {
                    System.arraycopy(x, 0, y, 0, size);
                    k.rope().rotate(e, positions, 3, y, 0);
                }, size));
                out.put(name + " unrotate", apply(y -> k.rope().unrotate(e, positions, 3, x, 0, y, 0), size));
                out.put(name + " shift", apply(y -> k.rope().shift(e, -77, 4, 3, x, 0, y, 0), size));
                RopeCache cache = k.rope().cache(e, 995, 10);
                Positions cached = Positions.range(995, 4);
                out.put(name + " cached", apply(y -> k.rope().rotate(cache, cached, 3, x, 0, y, 0), size));
            }
        }
        float[] x = data(4 * 2 * 128, 12, 1);
        MultimodalRope mrope = new MultimodalRope(RotaryEmbedding.of(128, 1_000_000, RopeLayout.HALF_SPLIT),
                MropeSections.interleaved(24, 20, 20));
        AxialPositions thw = AxialPositions.of(Positions.of(0, 5, 5, 9), Positions.of(0, 1, 2, 1 << 20),
                Positions.of(7, 0, 3, 1));
        out.put("rope M-RoPE", apply(y -> k.rope().rotate(mrope, thw, 2, x, 0, y, 0), x.length));
        // Far positions, within the ±36k around the centre where xPos's scales stay below the float maximum.
        Xpos xpos = Xpos.of(128).keys().withCenter(1 << 30);
        Positions far = Positions.of((1 << 30) - 3000, (1 << 30) - 7, 1 << 30, (1 << 30) + 30_000);
        out.put("rope xPos keys", apply(y -> k.rope().rotate(xpos, far, 2, x, 0, y, 0), x.length));
    }

    private static void attention(KernelProvider k, Map<String, Case> out) {
        int heads = 4;
        int kvHeads = 2;
        int d = 20;
        int queries = 5;
        int keys = 37;
        float[] q = data(queries * heads * d, 9, 1);
        float[] kk = data(keys * kvHeads * d, 10, 1);
        float[] v = data(keys * kvHeads * d, 11, 1);
        AttentionOptions plain = AttentionOptions.of(heads, kvHeads, d);
        AttentionOptions causal = plain.withCausal(CausalMask.BOTTOM_RIGHT).withSoftCap(5);
        int size = queries * heads * d;
        AttentionWorkspace workspace = new AttentionWorkspace();   // reused, as the kernel's javadoc asks
        out.put("attention", apply(y -> k.attention().attend(plain, queries, keys, null, null, q, 0, kk, 0, v, 0, y, 0,
                workspace), size));
        out.put("attention causal soft-capped", apply(y -> k.attention().attend(causal, queries, keys, null, null, q, 0,
                kk, 0, v, 0, y, 0, workspace), size));
        // Enough query rows for the prefill path (the cases above fit one vector: decode), causal with ALiBi.
        int rows = 37;
        float[] qRows = data(rows * heads * d, 12, 1);
        AttentionOptions prefill = plain.withCausal(CausalMask.TOP_LEFT).withScheme(AlibiBias.of(heads));
        out.put("attention prefill causal ALiBi", apply(y -> k.attention().attend(prefill, rows, keys, null, null, qRows, 0,
                kk, 0, v, 0, y, 0, workspace), rows * heads * d));
        // The other schemes, on the same prefill and decode calls: T5's buckets (16 of 32 exact, the rest logarithmic up
        // to 128), Shaw's clipped distance (4 < the 36 keys apart, with value embeddings), Transformer-XL's distance
        // clamped at 30 (< 36); issue 12's (FIRE's threshold below the positions: its per-logit MLP).
        float[] table = data(heads * 2 * 8 * d, 13, 1);
        float[] sixteen = data(16, 14, 1);
        int width = heads * d;
        PositionScheme[] schemes = {T5RelativeBias.of(T5Buckets.of(false), heads, data(heads * 32, 18, 1), 0),
                ShawRelativePositions.of(4, d, data(9 * d, 19, 1), 0, d, data(9 * d, 20, 1), 0),
                TransformerXlPositions.of(heads, d, data(width, 21, 0.5), 0, data(width, 22, 0.5), 0, data(31 * width, 23, 1), 0, 30),
                AttentionSinks.of(data(heads, 15, 1), 0, heads), StreamingWindow.of(2, 9),
                ChunkedAttention.of(16), AttentionTemperature.of(8, 0.5), DebertaPositions.of(heads, d, 8, 64, table, 0, table, 0),
                KerpleBias.of(new float[] {1f, 0.5f, 2f, 0.1f}, new float[] {0.5f, 1f, 0.2f, 2f}),
                FireBias.of(0.1, 16, 1e-6, sixteen, sixteen, data(heads * 16, 16, 1), data(heads, 17, 1))};
        for (PositionScheme scheme : schemes) {
            String name = scheme.getClass().getSimpleName();
            AttentionOptions o = plain.withCausal(CausalMask.TOP_LEFT).withScheme(scheme);
            out.put("attention prefill causal " + name, apply(y -> k.attention().attend(o, rows, keys, null, null, qRows, 0,
                    kk, 0, v, 0, y, 0, workspace), rows * heads * d));
            AttentionOptions last = plain.withCausal(CausalMask.BOTTOM_RIGHT).withScheme(scheme);
            out.put("attention decode causal " + name, apply(y -> k.attention().attend(last, queries, keys, null, null, q, 0,
                    kk, 0, v, 0, y, 0, workspace), size));
        }
    }

    /**
     * Attention over KV caches of each precision, filled once: a decode step over a ring that has wrapped, on the
     * heap and off-heap (sliding window, ALiBi at the stored positions, keys rotated on append; rows read in place, half precision
     * converted in registers), a decode step over 300 keys of an off-heap cache in tiles of 4 keys (read in chunks
     * whose states are merged), a prefill over a linear cache (rows packed per tile), and one rotated row appended
     * to an off-heap cache.
     */
    private static void kvCache(KernelProvider k, Map<String, Case> out) {
        int heads = 4;
        int kvHeads = 2;
        int d = 20;
        int positions = 57;
        float[] kk = data(positions * kvHeads * d, 13, 1);
        float[] v = data(positions * kvHeads * d, 14, 1);
        float[] q = data(37 * heads * d, 15, 1);
        RotaryEmbedding rope = RotaryEmbedding.of(d, 10_000, RopeLayout.HALF_SPLIT);
        KeyRotation rotation = KeyRotation.of(k.rope(), k.rope().cache(rope, 0, positions));
        AttentionOptions decode = AttentionOptions.of(heads, kvHeads, d).withCausal(CausalMask.BOTTOM_RIGHT).withWindow(30)
                .withScheme(AlibiBias.of(heads));
        AttentionOptions prefill = AttentionOptions.of(heads, kvHeads, d).withCausal(CausalMask.TOP_LEFT);
        AttentionWorkspace workspace = new AttentionWorkspace();
        // Tiles of 4 keys: a kernel that reads a decode's keys in chunks of whole tiles (the vector kernel's, at least
        // 14 tiles each) cuts these 300 into several and merges their states.
        float[] longK = data(LONG_KEYS * kvHeads * d, 16, 1);
        float[] longV = data(LONG_KEYS * kvHeads * d, 17, 1);
        AttentionOptions longDecode = AttentionOptions.of(heads, kvHeads, d).withCausal(CausalMask.BOTTOM_RIGHT)
                .withScheme(AlibiBias.of(heads));
        AttentionWorkspace shortTiles = new AttentionWorkspace(4);
        for (KvPrecision p : KvPrecision.values()) {
            KvCache ring = KvCache.onHeap(KvCacheSpec.of(40, kvHeads, d, p).asRing());
            ring.append(Tokens.of(kk, 37, kvHeads, d), Tokens.of(v, 37, kvHeads, d), rotation);
            ring.append(Tokens.of(kk, 37 * kvHeads * d, 20, kvHeads, d), Tokens.of(v, 37 * kvHeads * d, 20, kvHeads, d), rotation);
            // The views are made once, with the case's output array: a call allocates only what the kernel does.
            float[] ringOut = new float[heads * d];
            Tokens ringQuery = Tokens.of(q, 1, heads, d);
            Tokens ringView = Tokens.of(ringOut, 1, heads, d);
            out.put("attention decode over a " + p + " ring",
                    new Case(ringOut, y -> k.attention().attend(decode, ringQuery, ring, ringView, workspace)));
            KvCache offHeap = KvCache.offHeap(KvCacheSpec.of(40, kvHeads, d, p).asRing(), Arena.ofAuto());
            offHeap.append(Tokens.of(kk, 37, kvHeads, d), Tokens.of(v, 37, kvHeads, d), rotation);
            offHeap.append(Tokens.of(kk, 37 * kvHeads * d, 20, kvHeads, d), Tokens.of(v, 37 * kvHeads * d, 20, kvHeads, d), rotation);
            float[] offHeapOut = new float[heads * d];
            Tokens offHeapView = Tokens.of(offHeapOut, 1, heads, d);
            out.put("attention decode over an off-heap " + p + " ring",
                    new Case(offHeapOut, y -> k.attention().attend(decode, ringQuery, offHeap, offHeapView, workspace)));
            KvCache chunked = KvCache.offHeap(KvCacheSpec.of(LONG_KEYS, kvHeads, d, p), Arena.ofAuto());
            chunked.append(Tokens.of(longK, LONG_KEYS, kvHeads, d), Tokens.of(longV, LONG_KEYS, kvHeads, d));
            float[] chunkedOut = new float[heads * d];
            Tokens chunkedView = Tokens.of(chunkedOut, 1, heads, d);
            out.put("attention decode over " + LONG_KEYS + " keys of an off-heap " + p + " cache in chunks",
                    new Case(chunkedOut, y -> k.attention().attend(longDecode, ringQuery, chunked, chunkedView, shortTiles)));
            // A decode loop's append: one row at position 37, its key rotated, again and again (the row before dropped
            // first); the output is the row as stored, read back.
            KvCache appended = KvCache.offHeap(KvCacheSpec.of(64, kvHeads, d, p), Arena.ofAuto());
            appended.append(Tokens.of(kk, 37, kvHeads, d), Tokens.of(v, 37, kvHeads, d), rotation);
            Tokens rowK = Tokens.of(kk, 37 * kvHeads * d, 1, kvHeads, d);
            Tokens rowV = Tokens.of(v, 37 * kvHeads * d, 1, kvHeads, d);
            out.put("rope of a key row appended to an off-heap " + p + " cache", apply(y -> {
                appended.truncate(37);
                appended.append(rowK, rowV, rotation);
                for (int h = 0, i = 0; h < kvHeads; h++) {
                    for (int c = 0; c < d; c++, i++) {
                        y[i] = appended.key(37, h, c);
                        y[kvHeads * d + i] = appended.value(37, h, c);
                    }
                }
            }, 2 * kvHeads * d));
            KvCache linear = KvCache.onHeap(KvCacheSpec.of(64, kvHeads, d, p));
            linear.append(Tokens.of(kk, 37, kvHeads, d), Tokens.of(v, 37, kvHeads, d));
            float[] linearOut = new float[37 * heads * d];
            Tokens linearQueries = Tokens.of(q, 37, heads, d);
            Tokens linearView = Tokens.of(linearOut, 37, heads, d);
            out.put("attention prefill over a " + p + " cache",
                    new Case(linearOut, y -> k.attention().attend(prefill, linearQueries, linear, linearView, workspace)));
        }
    }

    /** The case of {@code call} into an output array of {@code length} floats. */
    private static Case apply(Consumer<float[]> call, int length) {
        return new Case(new float[length], call);
    }

    /** {@code n} floats of N(0, scale²) from {@code seed}. */
    private static float[] data(int n, long seed, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = 1 - random.nextDouble();
            a[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return a;
    }

    /** A case's line: {@value #BITS}, the name (blanks replaced by '_'), the raw bits of each float in hex. */
    static String line(String name, float[] values) {
        StringBuilder s = new StringBuilder(BITS).append(' ').append(name.replace(' ', '_'));
        for (float v : values) {
            s.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
        }
        return s.toString();
    }

    /** The implementation that {@code supplierClass} (see the class comment) supplies. */
    static KernelProvider provider(String supplierClass) throws ReflectiveOperationException {
        @SuppressWarnings("unchecked")
        Supplier<KernelProvider> supplier = (Supplier<KernelProvider>) Class.forName(supplierClass).getConstructor().newInstance();
        return supplier.get();
    }

    /** {@code <provider class> <rounds> <output file>}: see the class comment. */
    public static void main(String[] args) throws ReflectiveOperationException, IOException {
        KernelProvider provider = provider(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Map<String, Case> cases = cases(provider);
        for (int r = 1; r < rounds; r++) {
            cases.values().forEach(Case::run);
        }
        cases.values().forEach(Case::run);   // the last round, whose bits are compared
        List<String> lines = new ArrayList<>();
        lines.add(KERNEL + " softmax " + provider.softmax().getClass().getName());
        lines.add(KERNEL + " norms " + provider.norms().getClass().getName());
        lines.add(KERNEL + " absolutePositions " + provider.absolutePositions().getClass().getName());
        lines.add(KERNEL + " rope " + provider.rope().getClass().getName());
        lines.add(KERNEL + " attention " + provider.attention().getClass().getName());
        cases.forEach((name, c) -> lines.add(line(name, c.out())));
        Files.write(Path.of(args[2]), lines);
    }
}
