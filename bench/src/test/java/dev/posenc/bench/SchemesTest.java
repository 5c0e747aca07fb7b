package dev.posenc.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posenc.bias.PositionScheme;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

class SchemesTest {
    /** The {@code temperature} row scales every query the benchmarks time, prefill's and decode's: τ > 1. */
    @Test
    void temperatureScalesEveryBenchmarkedQuery() throws NoSuchFieldException {
        PositionScheme temperature = Schemes.options("temperature", 8, 8, 128).scheme();
        int keys = AttentionBenchmark.KEYS;
        for (int p = keys - AttentionBenchmark.PREFILL_QUERIES; p < keys; p++) {
            assertTrue(temperature.queryScale(p) > 1, "prefill query at " + p + ": τ = " + temperature.queryScale(p));
        }
        for (String decodeKeys : DecodeBenchmark.class.getField("keys").getAnnotation(Param.class).value()) {
            int last = Integer.parseInt(decodeKeys) - 1;
            double tau = temperature.queryScale(last);
            assertTrue(tau > 1, "decode query at " + last + ": τ = " + tau);
        }
    }
}
