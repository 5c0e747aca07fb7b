package dev.posenc.bench;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The memory probe: the bandwidth of one {@link AccessPattern} over a working set of {@code bytes} per
 * thread, with the preferred float species, in bytes moved per second ({@link Bytes}, summed over JMH's
 * threads). The report runs it as a curve from 16 KiB to 1 GiB (out of place, one thread), from which it
 * reads the memory levels, and at each kernel's own pattern and working set, which gives that kernel's
 * memory ceiling (a kernel on two threads: two threads, each over half its working set).
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

    private float[] x;
    private float[] y;
    private short[] halves;
    private long moved;

    @Setup
    public void setUp() {
        long elements = bytes / pattern.bytesResident();
        int n = (int) Math.min(elements - elements % STEP, Integer.MAX_VALUE - 2L * STEP);
        if (n < STEP) {
            throw new IllegalArgumentException("bytes must hold at least " + STEP * pattern.bytesResident() + " bytes, was " + bytes);
        }
        x = new float[n];
        y = pattern.bytesResident() == 2 * Float.BYTES ? new float[n] : x;
        halves = pattern == AccessPattern.NARROW ? new short[n] : null;
        Arrays.fill(x, 1.5f);
        Arrays.fill(y, 0.5f);
        moved = (long) n * pattern.bytesMoved();
    }

    @Benchmark
    public Object sweep(Bytes counter) {
        counter.bytes += moved;
        return switch (pattern) {
            case OUT_OF_PLACE, IN_PLACE -> scale(x, y);
            case ACCUMULATE -> accumulate(x, y);
            case READ -> sum(x);
            case WRITE -> fill(y);
            case NARROW -> narrow(x, halves);
        };
    }

    /**
     * {@code y = −x} (in place when y is x). A factor of magnitude 1 keeps in-place sweeps at the fill's magnitude: with
     * 0.999, as before, 0.5·0.999ᵏ leaves float's normal range after about 86 600 sweeps, and from then on an in-place
     * probe would time the microcode assists of subnormal multiplies, not memory.
     */
    private static float[] scale(float[] x, float[] y) {
        for (int i = 0; i < x.length; i += F.length()) {
            FloatVector.fromArray(F, x, i).mul(-1f).intoArray(y, i);
        }
        return y;
    }

    /** {@code x += y}. */
    private static float[] accumulate(float[] x, float[] y) {
        for (int i = 0; i < x.length; i += F.length()) {
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, y, i)).intoArray(x, i);
        }
        return x;
    }

    /**
     * {@code Σ x} with four accumulators (one would be bound by the add latency, not by memory). Each load is the
     * receiver of its add, not the accumulator (the C2 rule of {@code dev.posenc.vector}'s package comment): with the
     * accumulator as receiver, a JVM without receiver profiles ({@code -XX:TypeProfileWidth=0}) boxed every vector of
     * this loop, 197 008 B per call over 64 KiB.
     */
    private static float sum(float[] x) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int i = 0; i < x.length; i += STEP) {
            s0 = FloatVector.fromArray(F, x, i).add(s0);
            s1 = FloatVector.fromArray(F, x, i + F.length()).add(s1);
            s2 = FloatVector.fromArray(F, x, i + 2 * F.length()).add(s2);
            s3 = FloatVector.fromArray(F, x, i + 3 * F.length()).add(s3);
        }
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    }

    /** {@code y} = the top 16 bits of each {@code x} (BF16 truncated): a float read and a 16-bit value written per element. */
    private static short[] narrow(float[] x, short[] y) {
        for (int i = 0; i < x.length; i += F.length()) {
            ((ShortVector) FloatVector.fromArray(F, x, i).reinterpretAsInts().lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, HALVES, 0)).intoArray(y, i);
        }
        return y;
    }

    /** {@code y = c}. */
    private static float[] fill(float[] y) {
        FloatVector c = FloatVector.broadcast(F, 0.25f);
        for (int i = 0; i < y.length; i += F.length()) {
            c.intoArray(y, i);
        }
        return y;
    }
}
