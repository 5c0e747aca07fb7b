package dev.posenc.bench;

import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import java.lang.foreign.Arena;
import org.openjdk.jmh.annotations.Param;

/**
 * What the benchmarks over a {@link KvCache} share ({@link DecodeBenchmark}, {@link KvCacheBenchmark}): the cache's
 * element type and where it lives.
 */
public abstract class KvCacheStorage extends KernelBenchmark {
    /** The K/V cache's element type: {@code f32}, {@code f16} or {@code bf16}. */
    @Param({"f32", "f16", "bf16"})
    public String kv;

    /** Where the cache lives: {@code offheap} (a shared {@link Arena}'s segment) or {@code heap} (arrays). */
    @Param({"offheap", "heap"})
    public String storage;

    /** The precision of a {@code kv} name. */
    static KvPrecision precision(String kv) {
        return switch (kv) {
            case "f32" -> KvPrecision.F32;
            case "f16" -> KvPrecision.F16;
            case "bf16" -> KvPrecision.BF16;
            default -> throw new IllegalArgumentException("kv must be f32, f16 or bf16, was " + kv);
        };
    }

    /** A new shared arena for {@code storage = offheap}, null for {@code heap}. */
    Arena storageArena() {
        return switch (storage) {
            case "offheap" -> Arena.ofShared();
            case "heap" -> null;
            default -> throw new IllegalArgumentException("storage must be offheap or heap, was " + storage);
        };
    }

    /** A cache of {@code spec} in {@code arena}'s memory, or on the heap if it is null. */
    static KvCache cache(KvCacheSpec spec, Arena arena) {
        return arena != null ? KvCache.offHeap(spec, arena) : KvCache.onHeap(spec);
    }
}
