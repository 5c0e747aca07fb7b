package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.attention.AttentionKernel;
import dev.posenc.attention.AttentionOptions;
import dev.posenc.attention.AttentionWorkspace;
import dev.posenc.attention.CausalMask;
import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvCacheSpec;
import dev.posenc.attention.KvPrecision;
import dev.posenc.attention.Tokens;
import dev.posenc.bias.AlibiBias;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@link KvCache} of more than 2³¹ elements, which only off-heap storage holds: the spec accepts it, and
 * indexes into it are longs, so the rows at its far end are written and read where they belong. The case
 * is F16 keys of 32769 rows × 65536 columns, 2³¹ + 2¹⁶ elements (4 GiB and 128 KiB; values of one column),
 * filled to the end, then attended over by the kernel and the reference at the last positions (decode and prefill). The
 * library's binding runs it once ({@code LargeKvCacheTest}): filling 4 GiB takes about half a minute on a busy machine, and what it checks — the cache's
 * long offsets, and the kernels' reads through them — does not change with the vector width, so the first
 * run (the preferred width, the reference alongside) is enough.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class LargeKvCacheContract {
    private static final int HEAD_DIM = 1 << 16;
    private static final int CAPACITY = (1 << 15) + 1;
    /** Off-heap bytes the case allocates, and what it leaves the machine. */
    private static final long BYTES = 4L << 30 | 1 << 20;
    private static final long HEADROOM = 1L << 30;

    /** The implementation under test. */
    protected abstract AttentionKernel kernel();

    @Test
    public void theSpecOfAHugeCacheCountsInLongs() {
        KvCacheSpec spec = KvCacheSpec.of(Integer.MAX_VALUE, 64, 256, KvPrecision.F32).withValueDim(128);
        assertEquals((long) Integer.MAX_VALUE * 64 * 256, spec.keyElements());
        assertEquals((long) Integer.MAX_VALUE * 64 * 128, spec.valueElements());
        assertEquals(((long) Integer.MAX_VALUE * 64 * 256 + (long) Integer.MAX_VALUE * 64 * 128) * 4, spec.bytes());
        BadInput.rejects(() -> KvCache.onHeap(spec), null, "keys", String.valueOf(spec.keyElements()), "offHeap");
    }

    @Test
    public void moreThanIntMaxElementsOffHeap() throws IOException {
        long available = availableMemory();
        assumeTrue(available >= BYTES + HEADROOM, "needs " + (BYTES + HEADROOM >> 20) + " MiB of available memory for a"
                + " cache of 2^31 + 2^16 F16 elements and headroom; the machine has " + (available >> 20) + " MiB available");
        long direct = directMemoryLimit();
        assumeTrue(direct >= BYTES, "the JVM's direct-memory limit (MaxDirectMemorySize, by default the largest heap) is "
                + (direct >> 20) + " MiB, below the " + (BYTES >> 20) + " MiB of the cache");
        KvCacheSpec spec = new KvCacheSpec(CAPACITY, 1, HEAD_DIM, 1, KvPrecision.F16, false);
        assertEquals((1L << 31) + (1 << 16), spec.keyElements());
        int chunk = 256;
        float[] zeros = new float[chunk * HEAD_DIM];
        float[] values = new float[chunk];
        int last = 12;
        float[] k = PositionBiasContract.fill(last * HEAD_DIM, 31);
        float[] v = PositionBiasContract.fill(last, 32);
        try (Arena arena = Arena.ofConfined()) {
            KvCache cache = KvCache.offHeap(spec, arena);
            assertEquals(2 * spec.keyElements(), cache.keys().byteSize());
            while (cache.nextPosition() < CAPACITY - last) {
                int n = Math.min(chunk, CAPACITY - last - cache.nextPosition());
                cache.append(Tokens.of(zeros, n, 1, HEAD_DIM), Tokens.of(values, n, 1, 1));
            }
            cache.append(Tokens.of(k, last, 1, HEAD_DIM), Tokens.of(v, last, 1, 1));
            assertEquals(CAPACITY, cache.nextPosition());
            float[] rounded = new float[k.length];
            float[] roundedV = new float[last];
            for (int i = 0; i < k.length; i++) {
                rounded[i] = NearestEven.round(KvPrecision.F16, k[i]);
                assertEquals(rounded[i], cache.key(CAPACITY - last + i / HEAD_DIM, 0, i % HEAD_DIM), "element " + i);
            }
            for (int t = 0; t < last; t++) {
                roundedV[t] = NearestEven.round(KvPrecision.F16, v[t]);
                assertEquals(roundedV[t], cache.value(CAPACITY - last + t, 0, 0));
            }
            assertEquals(0f, cache.key(CAPACITY - last - 1, 0, HEAD_DIM - 1), "a zero row just before");
            // Two query heads, ALiBi (translation-invariant: the oracle holds the last rows at positions 0 … 11), window 2;
            // one query (decode: rows read in place) and nine (18 entries, more than a vector: tiles packed).
            AttentionOptions options = AttentionOptions.of(2, 1, HEAD_DIM).withValueDim(1)
                    .withCausal(CausalMask.BOTTOM_RIGHT).withWindow(2).withScheme(AlibiBias.of(2));
            for (int queries : new int[] {1, 9}) {
                float[] q = PositionBiasContract.fill(queries * 2 * HEAD_DIM, 33);
                AttentionOracle oracle = AttentionOracle.of(new AttentionCase.Inputs(options, queries, last,
                        Positions.range(last - queries, queries), null, q, rounded, roundedV, 0, 0));
                for (AttentionKernel kernel : new AttentionKernel[] {kernel(), Kernels.reference().attention()}) {
                    float[] out = new float[queries * 2];
                    kernel.attend(options, Tokens.of(q, queries, 2, HEAD_DIM), cache, Tokens.of(out, queries, 2, 1),
                            new AttentionWorkspace());
                    oracle.assertFloatClose(kernel + ", " + queries + " queries at the far end of 2^31 + 2^16 elements", out, 0);
                }
            }
        }
    }

    /** MemAvailable of /proc/meminfo, or the JVM's view of free memory where there is none. */
    private static long availableMemory() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        }
        return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getFreeMemorySize();
    }

    /** -XX:MaxDirectMemorySize, or the largest heap when it is 0 (its default). */
    private static long directMemoryLimit() {
        long set = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxDirectMemorySize").getValue());
        return set > 0 ? set : Runtime.getRuntime().maxMemory();
    }
}
