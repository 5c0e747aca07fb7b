package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.posenc.attention.KvCache;
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
        assertArrayEquals(outs[2], outs[0], 1e-4f, "the vector side as the reference");
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
