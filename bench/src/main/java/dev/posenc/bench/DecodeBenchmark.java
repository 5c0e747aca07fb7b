package dev.posenc.bench;

import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.bench.jlama.JlamaDecode;
import dev.posenc.bench.plain.PlainAttention;
import dev.posenc.bench.plain.PlainAttention.Terms;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One decode step of attention over a KV cache: one query at the last position, 32 query heads over 8
 * kv heads (GQA, Llama 3 8B's shape) of width 128, a cache of {@code keys} positions whose K and V are
 * stored in {@code kv} precision (f32 today: 32 MiB at 4096 positions), with each scheme of
 * {@link Schemes} ({@code none}, as after RoPE: the shape Jlama's attention has). One token per call;
 * FLOPs {@code 4·heads·headDim} per key the scheme leaves visible (all of them but for {@code streaming}
 * and {@code chunked}).
 */
public class DecodeBenchmark extends KernelBenchmark {
    static final int HEADS = 32;
    static final int KV_HEADS = 8;
    static final int HEAD_DIM = 128;

    @Param({"none", "alibi", "t5", "sinks", "streaming", "chunked", "temperature", "deberta", "kerple", "fire"})
    public String scheme;

    /** The K/V cache's element type: {@code f32} (the only one posenc's attention takes so far). */
    @Param({"f32"})
    public String kv;

    @Param({"4096"})
    public int keys;

    private AttentionKernel kernel;
    private JlamaDecode jlama;
    private AttentionOptions options;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private float[] bias;
    private Terms terms;
    private int visible;
    private float[] scores;
    private final AttentionWorkspace workspace = new AttentionWorkspace();

    /** Values (K and V) a cache of {@code keys} positions holds. */
    static long cacheValues(int keys) {
        return 2L * keys * KV_HEADS * HEAD_DIM;
    }

    /** Bytes per cached value for a {@code kv} precision name. */
    static int bytesPerValue(String kv) {
        return switch (kv) {
            case "f32" -> 4;
            case "f16", "bf16" -> 2;
            default -> throw new IllegalArgumentException("kv must be f32, f16 or bf16, was " + kv);
        };
    }

    @Setup
    public void setUp() {
        if (!kv.equals("f32")) {
            throw new IllegalArgumentException("kv must be f32 (the only K/V precision posenc's attention takes so far), was " + kv);
        }
        options = Schemes.options(scheme, HEADS, KV_HEADS, HEAD_DIM);
        SplittableRandom random = new SplittableRandom(42);
        q = AttentionBenchmark.normal(random, HEADS * HEAD_DIM);
        k = AttentionBenchmark.normal(random, keys * KV_HEADS * HEAD_DIM);
        v = AttentionBenchmark.normal(random, keys * KV_HEADS * HEAD_DIM);
        out = new float[q.length];
        bias = Schemes.biasByDistance(options, keys);
        terms = Schemes.terms(options);
        visible = Schemes.visibleKeys(options, keys - 1);
        scores = new float[keys];
        switch (impl) {
            case reference, vector -> kernel = impl.provider().attention();
            case plain -> { }
            case jlama -> {
                if (!scheme.equals("none")) {
                    throw new UnsupportedOperationException("Jlama's attention has no " + scheme + " bias; run jlama with scheme=none");
                }
                jlama = new JlamaDecode(HEADS, KV_HEADS, HEAD_DIM, keys, q, k, v);
            }
        }
    }

    @Benchmark
    public Object decode(Elements tokens, Flops flops) {
        tokens.elements += 1;
        flops.flops += 4L * HEADS * visible * HEAD_DIM;
        switch (impl) {
            case plain -> PlainAttention.attend(HEADS, KV_HEADS, HEAD_DIM, 1, keys, 0, 1, 0, HEADS, q, k, v, bias, terms, out, scores);
            case jlama -> {
                return jlama.run();
            }
            default -> kernel.attend(options, 1, keys, null, null, q, 0, k, 0, v, 0, out, 0, workspace);
        }
        return out;
    }
}
