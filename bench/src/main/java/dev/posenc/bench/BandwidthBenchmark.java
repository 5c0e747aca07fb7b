package dev.posenc.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The memory probe: the bandwidth of one {@link AccessPattern} over a working set of {@code bytes} per
 * thread, with the preferred float species, in bytes moved per second ({@link Bytes}, summed over JMH's
 * threads). The report runs it as a curve from 16 KiB to 1 GiB (out of place, one thread), from which it
 * reads the memory levels, and at each kernel's own pattern and working set, which gives that kernel's
 * memory ceiling (a kernel on two threads: two threads, each over half its working set).
 *
 * <p>A probe is a bound, so it sweeps its arrays where the machine is fastest: off the heap, each array starting on a
 * page ({@link #ALIGNMENT}), so every vector lies within one cache line and the i-th elements of two arrays share their
 * page offset (a load matches the low 12 address bits of an earlier store only a whole 4 KiB later in the sweep, not
 * the stores just before it: no 4K aliasing). Heap arrays
 * lie where the allocator put them: a large one 16 B past a G1 region's start, a small one at any 8-byte boundary,
 * two small ones back to back (the second 16 B past the first's page offset). Placed like that, with the same loops, the probe
 * measured a level of the allocator's choosing. Paired calls in one JVM (PairedCalls, sweeps of 16 MiB per call,
 * 2026-11-30 21:23–21:30, load 1.4–2.8) of heap arrays placed on purpose, 64-byte aligned against: 16 B off, out of
 * place 0.418 and accumulate 0.473 of the aligned speed at 16 KiB; the second array 16 B past the first's page offset,
 * 0.370 and 0.671; in place, read, write 0.43–0.66 as the allocator placed them. The report's curve moved with it:
 * its 16 KiB point read 121–152 GB/s in six of 2026-11-30's reports and 227 in the seventh (20:09), the same
 * out-of-place loop. The learned kernel
 * ({@code LearnedPositionBenchmark.addLearned}, 512×4096, heap arrays) paired against this probe at its 16 MiB ran 0.975
 * (0.966–0.983) and 0.995 (0.980–1.009) of it, 3000 pairs each (21:36, load 2.7), and 0.999–1.005 of the heap probe.
 *
 * <p>Measured against the heap probe it replaces (main at 0aea0a8), JMH, 3 forks each of the report's quick probe
 * timing (2 × 0.25 s warm-up, 3 × 0.15 s), one build right after the other, 21:31–21:35, load 2.3–3.7, best
 * iteration per fork, GB/s: at 16 KiB, out of place 151–154 → 339–344, accumulate 179–227 → 427–450, in place
 * 146–159 → 349–365, read 139–143 → 214–223, write 79–82 → 183–193, narrow 123–128 → 123–133 (its shuffle bounds it
 * there, not memory); at 1 MiB, out of place 62–66 → 76–79, accumulate 104–108 → 116–127, read 83–92 → 142–143, write
 * 37–40 → 46–48. At 16 MiB, where both builds' arrays are large (JMH levels move ±3% from fork to fork there), paired
 * calls in one JVM, new ÷ old, 2000 pairs, load 2.6–3.4: accumulate 1.012 (quartiles 1.003–1.024), out of place
 * 1.010 (0.998–1.022), in place 1.005 (0.969–1.029); in place at 64 MiB 1.018 (0.994–1.041).
 *
 * <p>Tried and not taken (the same paired harness, 21:14–21:30, load 1.4–2.8): heap arrays 64-byte aligned by hand
 * (possible only with the objects' addresses, which Java does not give) were as fast as these segments but at
 * 16 KiB, where the segments' loops ran 0.951 (accumulate) and 0.979 (out of place) of theirs, and 0.978–1.086
 * elsewhere; four vectors per iteration (as {@link #sum}) ran 0.948 and 0.936 of one vector at 16 KiB, 1.035 and
 * 1.011 at 64 KiB, 1.007–1.018 at 16–64 MiB, and 0.83 at 16 KiB over segments; row-sized inner loops of 4096 floats
 * (the learned kernel's shape) 1.003–1.012 at 16 MiB.
 */
@State(Scope.Thread)
public class BandwidthBenchmark extends ProbeBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** As many 16-bit lanes as {@link #F} has floats, in half its width. */
    private static final VectorSpecies<Short> HALVES = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    /** Loops step four vectors at a time. */
    private static final int STEP = 4 * F.length();

    @Param({"OUT_OF_PLACE"})
    public AccessPattern pattern;

    /** The working set of each thread in bytes (16384 … 1073741824). */
    @Param({"16384", "1048576", "67108864"})
    public long bytes;

    /** Where each array starts: on a page boundary (see the class comment). */
    static final long ALIGNMENT = 4096;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private MemorySegment x;
    private MemorySegment y;
    private MemorySegment halves;
    private int n;
    private long moved;
    private final AllocationFreeWarmup warmup = new AllocationFreeWarmup();

    @Setup
    public void setUp() {
        long elements = bytes / pattern.bytesResident();
        n = (int) Math.min(elements - elements % STEP, Integer.MAX_VALUE - 2L * STEP);
        if (n < STEP) {
            throw new IllegalArgumentException("bytes must hold at least " + STEP * pattern.bytesResident() + " bytes, was " + bytes);
        }
        Arena arena = Arena.ofAuto();
        x = arena.allocate((long) n * Float.BYTES, ALIGNMENT);
        y = pattern.bytesResident() == 2 * Float.BYTES ? arena.allocate((long) n * Float.BYTES, ALIGNMENT) : x;
        halves = pattern == AccessPattern.NARROW ? arena.allocate((long) n * Short.BYTES, ALIGNMENT) : null;
        fill(x, n, 1.5f);
        fill(y, n, 0.5f);
        moved = (long) n * pattern.bytesMoved();
    }

    /**
     * Warms the probe before its first JMH iteration, once per fork, until its calls stop allocating
     * ({@link AllocationFreeWarmup}), as the kernels' vector side is: a ceiling is the probe's best iteration, and one
     * measured before C2 has compiled the sweep is not a bound. The narrow sweep took longest: JMH iterations of 0.1 s
     * from the fork's start, 12 KiB (2026-11-30 21:49, load 3.0), allocated 101 kB per call (boxed vectors) for five
     * iterations and reached its steady 10 M calls/s only in the eighth; in the report of 21:40 (load 1.2 before, 3.9
     * after), after the quick profile's 2 × 0.25 s of warm-up, its first measured iterations ran at 0.1 and 39 GB/s
     * and its best at 118.
     */
    @Setup(Level.Iteration)
    public void warmUntilAllocationFree(BenchmarkParams params) throws ReflectiveOperationException {
        warmup.once(this, params);
    }

    /** The arrays a sweep reads or writes, each once. */
    List<MemorySegment> arrays() {
        return Stream.of(x, y, halves).filter(Objects::nonNull).distinct().toList();
    }

    @Benchmark
    public Object sweep(Bytes counter) {
        counter.bytes += moved;
        return switch (pattern) {
            case OUT_OF_PLACE, IN_PLACE -> scale(x, y, n);
            case ACCUMULATE -> accumulate(x, y, n);
            case READ -> sum(x, n);
            case WRITE -> fill(y, n, 0.25f);
            case NARROW -> narrow(x, halves, n);
        };
    }

    /**
     * {@code y = −x} (in place when y is x). A factor of magnitude 1 keeps in-place sweeps at the fill's magnitude: with
     * 0.999, as before, 0.5·0.999ᵏ leaves float's normal range after about 86 600 sweeps, and from then on an in-place
     * probe would time the microcode assists of subnormal multiplies, not memory.
     */
    private static MemorySegment scale(MemorySegment x, MemorySegment y, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector.fromMemorySegment(F, x, (long) i * Float.BYTES, ORDER).mul(-1f).intoMemorySegment(y, (long) i * Float.BYTES, ORDER);
        }
        return y;
    }

    /** {@code x += y}. */
    private static MemorySegment accumulate(MemorySegment x, MemorySegment y, int n) {
        for (int i = 0; i < n; i += F.length()) {
            long at = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(F, x, at, ORDER).add(FloatVector.fromMemorySegment(F, y, at, ORDER)).intoMemorySegment(x, at, ORDER);
        }
        return x;
    }

    /**
     * {@code Σ x} with four accumulators (one would be bound by the add latency, not by memory). Each load is the
     * receiver of its add, not the accumulator (the C2 rule of {@code dev.posenc.vector}'s package comment): with the
     * accumulator as receiver, a JVM without receiver profiles ({@code -XX:TypeProfileWidth=0}) boxed every vector of
     * this loop, 197 008 B per call over 64 KiB.
     */
    private static float sum(MemorySegment x, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        long vector = (long) F.length() * Float.BYTES;
        for (int i = 0; i < n; i += STEP) {
            long at = (long) i * Float.BYTES;
            s0 = FloatVector.fromMemorySegment(F, x, at, ORDER).add(s0);
            s1 = FloatVector.fromMemorySegment(F, x, at + vector, ORDER).add(s1);
            s2 = FloatVector.fromMemorySegment(F, x, at + 2 * vector, ORDER).add(s2);
            s3 = FloatVector.fromMemorySegment(F, x, at + 3 * vector, ORDER).add(s3);
        }
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    }

    /** {@code y} = the top 16 bits of each {@code x} (BF16 truncated): a float read and a 16-bit value written per element. */
    private static MemorySegment narrow(MemorySegment x, MemorySegment y, int n) {
        for (int i = 0; i < n; i += F.length()) {
            ((ShortVector) FloatVector.fromMemorySegment(F, x, (long) i * Float.BYTES, ORDER).reinterpretAsInts()
                    .lanewise(VectorOperators.LSHR, 16).convertShape(VectorOperators.I2S, HALVES, 0))
                    .intoMemorySegment(y, (long) i * Short.BYTES, ORDER);
        }
        return y;
    }

    /** {@code y = c}. */
    private static MemorySegment fill(MemorySegment y, int n, float value) {
        FloatVector c = FloatVector.broadcast(F, value);
        for (int i = 0; i < n; i += F.length()) {
            c.intoMemorySegment(y, (long) i * Float.BYTES, ORDER);
        }
        return y;
    }
}
