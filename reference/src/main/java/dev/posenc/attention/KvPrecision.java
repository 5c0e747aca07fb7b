package dev.posenc.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The element type a {@link KvCache} stores its keys and values in. Attention computes in float
 * whatever the precision: half-precision elements are converted to float as they are read, in
 * registers. A row is rounded once, when it is appended ({@link #round}).
 *
 * <p>Who uses which: llama.cpp/ggml keep their KV cache in F16 by default ({@code --cache-type-k f16});
 * Jlama and llama3.java hold BF16 or F16 model tensors and F32 caches; PyTorch/HF caches follow the model's
 * dtype (BF16 for most recent checkpoints, F16 on older GPUs).
 *
 * <p>Which to choose: a half precision holds twice the positions in the same memory, but a decode step converts
 * every element it reads, so it is faster than F32 only where reading the cache, not computing with it, bounds the
 * step. BF16 converts in two vector operations per 16 elements, F16 in four (Java's Vector API has no half-precision
 * conversion). In posenc's report of 2026-12-01 01:06 ({@code ./posenc report --publish}, this project's Xeon, one
 * thread, 32 q / 8 kv heads × 128, off-heap, each ratio the median of paired calls in one JVM, load 0.9–1.9), the
 * half-precision step's speed ÷ F32's: at 4096 positions (32 MiB of F32 K/V, in the Xeon's L3) F16 0.92, BF16 1.19; at
 * 32768 (256 MiB, from DRAM) F16 1.15, BF16 1.32. Measure on your own CPU: {@code ./posenc report --kernels decode}.
 */
public enum KvPrecision {
    /** IEEE binary32: values are stored exactly. */
    F32(4),
    /**
     * IEEE binary16 (half): 11 significant bits, largest finite 65504, subnormals down to 2⁻²⁴;
     * round to nearest even ({@link Float#floatToFloat16}), relative error ≤ 2⁻¹¹ on normals.
     */
    F16(2),
    /**
     * bfloat16: the top 16 bits of a binary32 (8 significant bits, binary32's range), round to nearest
     * even; relative error ≤ 2⁻⁸ on normals. Its subnormals are binary32's.
     */
    BF16(2);

    private final int bytes;

    KvPrecision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return bytes;
    }

    /**
     * The value {@code x} has once stored: x itself (F32) or x rounded to nearest even. A NaN stays
     * NaN; a finite x beyond the precision's range becomes infinite here, and is rejected by
     * {@link KvCache#append}.
     */
    public float round(float x) {
        return switch (this) {
            case F32 -> x;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(x));
            case BF16 -> Float.intBitsToFloat(bfloat16(x) << 16);
        };
    }

    /** The element of this precision at byte {@code offset} of {@code memory} (native byte order), as a float. */
    public float read(MemorySegment memory, long offset) {
        return switch (this) {
            case F32 -> memory.get(ValueLayout.JAVA_FLOAT_UNALIGNED, offset);
            case F16 -> Float.float16ToFloat(memory.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
            case BF16 -> Float.intBitsToFloat(memory.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) << 16);
        };
    }

    /** The top 16 bits of x rounded to nearest even; a NaN stays a (quiet) NaN. */
    private static int bfloat16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (bits >>> 16) | 0x0040;
        }
        return (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
    }
}
