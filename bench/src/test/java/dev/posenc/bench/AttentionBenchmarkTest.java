package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Prefill on two threads, with the single-thread pool or the polling executor as the caller's executor. */
class AttentionBenchmarkTest {
    @Test
    void bothTwoThreadPrefillsGiveTheOneThreadPrefillsBits() throws Exception {
        // The reference and plain Java compute the last 8 query rows (REFERENCE_ROWS), so each call stays short.
        for (Implementation impl : List.of(Implementation.reference, Implementation.plain)) {
            AttentionBenchmark b = new AttentionBenchmark();
            b.impl = impl;
            b.scheme = "alibi";
            b.setUp();
            try {
                Flops oneFlops = new Flops();
                float[] one = b.prefill(new Elements(), oneFlops).clone();
                assertArrayEquals(one, b.prefillTwoThreads(new Elements(), new Flops()).clone(), impl + ", pool");
                Flops flops = new Flops();
                assertArrayEquals(one, b.prefillTwoThreadsPolling(new Elements(), flops).clone(), impl + ", polling");
                assertEquals(oneFlops.flops, flops.flops, "the same FLOPs as on one thread");
            } finally {
                b.tearDown();
            }
        }
    }
}
