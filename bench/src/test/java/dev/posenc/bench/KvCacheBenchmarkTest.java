package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvPrecision;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each call of the append benchmark appends the same rows at the same positions; plain Java stores what the cache stores. */
class KvCacheBenchmarkTest {
    static final int ROWS = 3;

    @Test
    void everyCallAppendsItsRowsAtPositionsZeroOnWithTheSameBits() {
        for (Implementation impl : List.of(Implementation.reference, Implementation.vector)) {
            for (String kv : List.of("f32", "f16", "bf16")) {
                for (String rotation : List.of("none", "rope")) {
                    for (String storage : List.of("offheap", "heap")) {
                        KvCacheBenchmark b = benchmark(impl, kv, rotation, storage);
                        try {
                            String name = impl + " " + kv + " " + rotation + " " + storage;
                            Elements tokens = new Elements();
                            KvCache cache = (KvCache) b.append(tokens);
                            byte[] keys = cache.keys().toArray(ValueLayout.JAVA_BYTE);
                            byte[] values = cache.values().toArray(ValueLayout.JAVA_BYTE);
                            b.append(tokens);
                            assertEquals(2 * ROWS, tokens.elements, name + ": a token per row and call");
                            assertEquals(0, cache.firstPosition(), name);
                            assertEquals(ROWS, cache.nextPosition(), name + ": the second call appended at 0 … rows − 1 again");
                            assertEquals(-1, cache.keys().mismatch(MemorySegment.ofArray(keys)), name);
                            assertEquals(-1, cache.values().mismatch(MemorySegment.ofArray(values)), name);
                        } finally {
                            b.tearDown();
                        }
                    }
                }
            }
        }
    }

    @Test
    void plainJavaStoresTheRowsTheCacheStores() {
        for (String kv : List.of("f32", "f16", "bf16")) {
            KvPrecision precision = KvCacheStorage.precision(kv);
            for (String storage : List.of("offheap", "heap")) {
                KvCacheBenchmark vector = benchmark(Implementation.vector, kv, "none", storage);
                KvCacheBenchmark plain = benchmark(Implementation.plain, kv, "none", storage);
                KvCacheBenchmark rotated = benchmark(Implementation.vector, kv, "rope", storage);
                KvCacheBenchmark plainRotated = benchmark(Implementation.plain, kv, "rope", storage);
                try {
                    String name = kv + " " + storage;
                    KvCache cache = (KvCache) vector.append(new Elements());
                    plain.append(new Elements());
                    assertEquals(-1, cache.keys().mismatch(plain.plainKeys), name + ": keys, bit for bit");
                    assertEquals(-1, cache.values().mismatch(plain.plainValues), name + ": values, bit for bit");
                    KvCache rotatedCache = (KvCache) rotated.append(new Elements());
                    plainRotated.append(new Elements());
                    assertEquals(-1, rotatedCache.values().mismatch(plainRotated.plainValues), name + ", rope: values");
                    // Keys: RoPE from a float table (angle p·f in float, p ≤ 2) and the kernel's cache differ by a few
                    // float roundings of |x| ≤ 6 (≤ 1e-5); rounded to the precision, each may land one step (2u_p|k|) apart.
                    double step = switch (precision) {
                        case F32 -> 0x1p-23;
                        case F16 -> 0x1p-10;
                        case BF16 -> 0x1p-7;
                    };
                    for (int i = 0; i < ROWS * KvCacheBenchmark.WIDTH; i++) {
                        float expected = rotatedCache.key(i / KvCacheBenchmark.WIDTH, i / KvCacheBenchmark.HEAD_DIM % KvCacheBenchmark.KV_HEADS,
                                i % KvCacheBenchmark.HEAD_DIM);
                        float actual = precision.read(plainRotated.plainKeys, (long) i * precision.bytes());
                        assertEquals(expected, actual, 1e-5 + step * Math.abs(expected), name + ", rope: key " + i);
                    }
                } finally {
                    vector.tearDown();
                    plain.tearDown();
                    rotated.tearDown();
                    plainRotated.tearDown();
                }
            }
        }
    }

    @Test
    void unknownParametersAndJlamaAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> benchmark(Implementation.vector, "f8", "none", "heap"));
        assertThrows(IllegalArgumentException.class, () -> benchmark(Implementation.vector, "f32", "alibi", "heap"));
        assertThrows(IllegalArgumentException.class, () -> benchmark(Implementation.plain, "f32", "none", "disk"));
        assertThrows(UnsupportedOperationException.class, () -> benchmark(Implementation.jlama, "f32", "none", "heap"));
    }

    private static KvCacheBenchmark benchmark(Implementation impl, String kv, String rotation, String storage) {
        KvCacheBenchmark b = new KvCacheBenchmark();
        b.impl = impl;
        b.rows = ROWS;
        b.kv = kv;
        b.rotation = rotation;
        b.storage = storage;
        b.setUp();
        return b;
    }
}
