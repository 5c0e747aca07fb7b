package dev.posenc.bench;

/**
 * How a memory-bound kernel touches its float data, per element: the bytes it moves between the
 * core and memory and the bytes its working set holds. The memory probe ({@link BandwidthBenchmark})
 * sweeps each pattern; the catalog names each kernel's. Write-allocate traffic (reading a line
 * before writing it) is counted on neither side.
 */
public enum AccessPattern {
    /** {@code y = a·x}: read x, write y (softmax, norms, RoPE into a second array). */
    OUT_OF_PLACE(8, 8),
    /** {@code x = a·x}: read and write one array (RoPE in place). */
    IN_PLACE(8, 4),
    /** {@code x += y}: read both, write x (adding learned position rows). */
    ACCUMULATE(12, 8),
    /** {@code Σ x}: read only (decode streaming its KV cache). */
    READ(4, 4),
    /** {@code y = c}: write only (generating a table). */
    WRITE(4, 4),
    /**
     * {@code y = (16-bit) x}: read a float, write a 16-bit value (appending F16 or BF16 rows to a KV cache): 6 bytes
     * per float read.
     */
    NARROW(6, 6);

    private final int moved;
    private final int resident;

    AccessPattern(int moved, int resident) {
        this.moved = moved;
        this.resident = resident;
    }

    /** Bytes moved per float element. */
    public int bytesMoved() {
        return moved;
    }

    /** Bytes of working set per float element. */
    public int bytesResident() {
        return resident;
    }
}
