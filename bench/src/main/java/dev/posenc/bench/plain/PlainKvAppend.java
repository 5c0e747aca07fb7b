package dev.posenc.bench.plain;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Storing token rows into a KV cache's memory as an engine's own append loop does: {@code n} floats of {@code x} from
 * index {@code from}, written at byte {@code at} of {@code cache} in native byte order, as floats or rounded to F16 or
 * BF16 (to nearest even, as posenc's {@code KvPrecision} rounds), one element at a time. Keys are rotated beforehand by
 * {@link PlainRope} when RoPE is applied on append. Nothing else: no check that a finite value stays finite in the
 * precision, and none of what posenc's {@code KvCache} keeps beside each row (its key's squared norm, its subnormal
 * flags, the last position holding a NaN or an infinity), which its attention kernels read.
 */
public final class PlainKvAppend {
    private PlainKvAppend() {}

    /** As floats: one bulk copy. */
    public static void f32(float[] x, int from, int n, MemorySegment cache, long at) {
        MemorySegment.copy(x, from, cache, ValueLayout.JAVA_FLOAT, at, n);
    }

    /** Rounded to F16 ({@link Float#floatToFloat16}). */
    public static void f16(float[] x, int from, int n, MemorySegment cache, long at) {
        for (int i = 0; i < n; i++) {
            cache.set(ValueLayout.JAVA_SHORT, at + (long) i * Short.BYTES, Float.floatToFloat16(x[from + i]));
        }
    }

    /**
     * Rounded to BF16: the top 16 bits, rounded to nearest even; a NaN stays a quiet NaN (Jlama 0.8.4's
     * {@code FloatConversions.float32ToBFloat16} tests for NaN too). Per element this loop is far slower than the F16 one,
     * whose conversion C2 turns into a vector instruction: a row of 8 kv heads × 128, K and V, took 0.08 µs in F16 and
     * 2.2 µs in BF16 (JMH, off-heap, no RoPE, 2026-11-30, load 1.9–2.4; the assembly not read).
     */
    public static void bf16(float[] x, int from, int n, MemorySegment cache, long at) {
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToRawIntBits(x[from + i]);
            int rounded = Float.isNaN(x[from + i]) ? (bits >>> 16) | 0x0040 : (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
            cache.set(ValueLayout.JAVA_SHORT, at + (long) i * Short.BYTES, (short) rounded);
        }
    }
}
