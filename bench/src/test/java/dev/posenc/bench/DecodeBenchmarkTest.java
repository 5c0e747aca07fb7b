package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.posenc.attention.KvCache;
import dev.posenc.attention.Tokens;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read of a decode step's own cache, the denominator of the paired target "f32 decode reads K/V at the read bandwidth";
 * the step on two threads with either executor; a chunk of prefill over the cache.
 */
class DecodeBenchmarkTest {
    @Test
    void readCacheReadsEveryByteOfTheCachesKeysAndValuesOnce() {
        for (String kv : List.of("f32", "f16", "bf16")) {
            for (String storage : List.of("offheap", "heap")) {
                DecodeBenchmark b = benchmark(kv, storage, 48);
                try {
                    KvCache cache = b.cache();
                    long bytes = DecodeBenchmark.cacheValues(48) * KvCacheStorage.precision(kv).bytes();
                    assertEquals(bytes, cache.keys().byteSize() + cache.values().byteSize(), "K and V are the whole cache");
                    Bytes counter = new Bytes();
                    Object sum = b.readCache(counter);
                    assertEquals(bytes, counter.bytes, kv + " " + storage + ": counts the cache's bytes");
                    // Every int of K and V summed once: a byte skipped or read twice changes the sum (Gaussian bits).
                    assertEquals(intSum(cache.keys()) + intSum(cache.values()), sum, kv + " " + storage);
                    b.readCache(counter);
                    assertEquals(2 * bytes, counter.bytes, "per call");
                } finally {
                    b.tearDown();
                }
            }
        }
    }

    @Test
    void readCacheNeedsACacheAndWholeVectors() {
        DecodeBenchmark plain = new DecodeBenchmark();
        plain.impl = Implementation.plain;
        plain.scheme = "alibi";
        plain.kv = "f32";
        plain.keys = 48;
        plain.storage = "offheap";
        plain.setUp();
        try {
            assertThrows(IllegalStateException.class, () -> plain.readCache(new Bytes()), "plain Java reads arrays, not a KvCache");
        } finally {
            plain.tearDown();
        }
        assertThrows(IllegalArgumentException.class, () -> DecodeBenchmark.sum(MemorySegment.ofArray(new int[3])));
    }

    @Test
    void prefillChunkAttendsItsQueriesOverTheCache() {
        int keys = 100;
        List<String[]> sides = List.of(new String[] {"vector", "offheap"}, new String[] {"vector", "heap"},
                new String[] {"reference", "offheap"});
        float[][] outs = new float[sides.size()][];
        for (int i = 0; i < sides.size(); i++) {
            DecodeBenchmark b = benchmark(Implementation.valueOf(sides.get(i)[0]), "f32", sides.get(i)[1], keys);
            try {
                Elements tokens = new Elements();
                Flops flops = new Flops();
                outs[i] = ((float[]) b.prefillChunk(tokens, flops)).clone();
                assertEquals(DecodeBenchmark.CHUNK, tokens.elements, "a token per query");
                long visible = 0;
                for (int position = keys - DecodeBenchmark.CHUNK; position < keys; position++) {
                    visible += position + 1; // ALiBi: causal, every key up to the query's own
                }
                assertEquals(4L * DecodeBenchmark.HEADS * DecodeBenchmark.HEAD_DIM * visible, flops.flops);
            } finally {
                b.tearDown();
            }
        }
        assertArrayEquals(outs[0], outs[1], "off-heap and heap caches, bit for bit");
        DecodeBenchmark reference = benchmark(Implementation.reference, "f32", "offheap", keys);
        try {
            assertWithinFloatBound(outs[2], outs[0], reference.chunkQuery(), reference.cache());
        } finally {
            reference.tearDown();
        }
        DecodeBenchmark small = benchmark("f32", "offheap", 48);
        try {
            assertThrows(IllegalStateException.class, () -> small.prefillChunk(new Elements(), new Flops()), "fewer keys than a chunk");
        } finally {
            small.tearDown();
        }
    }

    @Test
    void bothTwoThreadStepsGiveTheOneThreadStepsBits() throws Exception {
        // 2 100 positions: the kernels' parallel form hands a worker to the executor; the plain baseline splits its heads.
        // The scalar reference's parallel form shares the vector kernel's ParallelWork, and runs fast before the JIT has
        // compiled anything: the vector side's own bits on any number of workers are the kernel suites' properties.
        for (Implementation impl : List.of(Implementation.reference, Implementation.plain, Implementation.vector)) {
            DecodeBenchmark b = benchmark(impl, "f32", "offheap", 2100);
            try {
                float[] one = ((float[]) b.decode(new Elements(), new Flops())).clone();
                for (int call = 0; call < 3; call++) {
                    assertArrayEquals(one, ((float[]) b.decodeTwoThreads(new Elements(), new Flops())).clone(), impl + ", pool");
                    assertArrayEquals(one, ((float[]) b.decodeTwoThreadsPolling(new Elements(), new Flops())).clone(), impl + ", polling");
                }
                Elements tokens = new Elements();
                Flops flops = new Flops();
                b.decodeTwoThreadsPolling(tokens, flops);
                Flops oneFlops = new Flops();
                b.decode(new Elements(), oneFlops);
                assertEquals(1, tokens.elements, "one token per call");
                assertEquals(oneFlops.flops, flops.flops, "the step's FLOPs, as on one thread");
            } finally {
                b.tearDown();
            }
        }
    }

    /**
     * The vector side's chunk against the reference's (double sums, within 2⁻⁴⁰ of exact: taken as exact) within the
     * properties suite's float bound ({@code AttentionOracle}): per query i, head h and column c,
     * {@code expm1(2Δ + (4n + 16)u)·max_j|v_jc| + u·|ref|}, with n = i's visible keys, {@code Δ = γ_{d+6}·s·max_j Σ_c|q_c k_jc|
     * + 4u·max|bias|} and ALiBi's bias below the keys' count (slopes ≤ 1). A wrong cache row, query row or chunk offset
     * moves an output by about max|v| / n, far above it.
     */
    private static void assertWithinFloatBound(float[] expected, float[] actual, Tokens q, KvCache cache) {
        double u = 0x1p-24;
        int d = DecodeBenchmark.HEAD_DIM;
        int group = DecodeBenchmark.HEADS / DecodeBenchmark.KV_HEADS;
        int keys = cache.size();
        for (int i = 0; i < q.tokens(); i++) {
            int n = keys - q.tokens() + i + 1;
            for (int h = 0; h < DecodeBenchmark.HEADS; h++) {
                double products = 0;
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int c = 0; c < d; c++) {
                        sum += Math.abs(q.array()[(i * DecodeBenchmark.HEADS + h) * d + c] * (double) cache.key(j, h / group, c));
                    }
                    products = Math.max(products, sum);
                }
                double delta = (d + 6) * u / (1 - (d + 6) * u) * products / Math.sqrt(d) + 4 * u * keys;
                for (int c = 0; c < d; c++) {
                    double largest = 0;
                    for (int j = 0; j < n; j++) {
                        largest = Math.max(largest, Math.abs(cache.value(j, h / group, c)));
                    }
                    int at = (i * DecodeBenchmark.HEADS + h) * d + c;
                    double bound = Math.expm1(2 * delta + (4 * n + 16) * u) * largest + u * Math.abs(expected[at]) + 0x1p-126;
                    assertEquals(expected[at], actual[at], bound, "query " + i + ", head " + h + ", column " + c);
                }
            }
        }
    }

    private static DecodeBenchmark benchmark(String kv, String storage, int keys) {
        return benchmark(Implementation.vector, kv, storage, keys);
    }

    private static DecodeBenchmark benchmark(Implementation impl, String kv, String storage, int keys) {
        DecodeBenchmark b = new DecodeBenchmark();
        b.impl = impl;
        b.scheme = "alibi";
        b.kv = kv;
        b.keys = keys;
        b.storage = storage;
        b.setUp();
        return b;
    }

    private static int intSum(MemorySegment s) {
        int sum = 0;
        for (long i = 0; i < s.byteSize() / Integer.BYTES; i++) {
            sum += s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
        }
        return sum;
    }
}
