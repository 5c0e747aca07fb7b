package dev.posenc.bench;

import dev.posenc.bench.report.Cost;
import dev.posenc.bench.report.KernelEntry;
import java.util.List;

/**
 * Every kernel benchmark the performance report ({@code ./posenc report}) runs, in report order: one
 * entry per benchmark class, saying what bounds its kernels.
 *
 * <p>Accounting (bytes per element, float data): an out-of-place map {@code x → y} moves 8 (read x,
 * write y) and keeps 8 resident; an in-place update moves 8 and keeps 4; a generated table writes 4;
 * adding a table row in place moves 12 (read x and the row, write x) and keeps 8.
 * Small per-row or per-column vectors (weights, biases, frequency tables) are not counted.
 */
public final class Catalog {
    /** The kernel families. */
    public static final List<KernelEntry> KERNELS = List.of(
            KernelEntry.of("sinusoidal", SinusoidalBenchmark.class, Cost.memory(4))
                    .shape(p -> p.get("layout") + " " + p.get("rows") + "×" + p.get("dim")),
            KernelEntry.of("learned", LearnedPositionBenchmark.class, Cost.memory(12, 8))
                    .shape(p -> p.get("rows") + "×" + p.get("dim")),
            KernelEntry.of("rope", RopeBenchmark.class, Cost.memory(8, 4))
                    .method("rotateInto", Cost.memory(8))
                    .shape(p -> p.get("layout") + " " + p.get("positions") + "×" + p.get("heads") + "×" + p.get("headDim")
                            + (p.get("rotary").equals("full") ? "" : " half rotary") + " " + p.get("path"))
                    .quick("rotary", "full").quick("path", "cache"),
            KernelEntry.of("rope-variants", RopeVariantBenchmark.class, Cost.memory(8))
                    .shape(p -> p.get("variant") + " 512×" + p.get("heads") + "×" + p.get("headDim")),
            KernelEntry.of("softmax", SoftmaxBenchmark.class, Cost.memory(8))
                    .shape(p -> p.get("rows") + "×" + p.get("cols")),
            KernelEntry.of("norm", NormBenchmark.class, Cost.memory(8))
                    .shape(p -> p.get("rows") + "×" + p.get("dim")),
            // Prefill is compute-bound (FLOPs counted). Decode streams the whole KV cache once per step:
            // 4096 keys × 8 kv heads × (128 + 128) floats = 32 MiB per call, 1 MiB per (query, head) element.
            KernelEntry.of("attention", AttentionBenchmark.class, Cost.compute())
                    .method("decode", Cost.memory(1 << 20, 1 << 20))
                    .method("prefillTwoThreads", Cost.compute(2))
                    .shape(p -> p.get("scheme")));

    private Catalog() {}
}
