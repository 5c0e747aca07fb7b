package dev.posenc.properties;

import static org.quicktheories.generators.SourceDSL.longs;

import dev.posenc.Positions;
import dev.posenc.rope.AxialPositions;
import dev.posenc.rope.AxialRope;
import dev.posenc.rope.MropeSections;
import dev.posenc.rope.MultimodalRope;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RopeScaling;
import dev.posenc.rope.RotaryEmbedding;
import dev.posenc.rope.VisionFrequencies;
import dev.posenc.rope.VisionRope;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.quicktheories.core.Gen;

/**
 * Generators for the axial RoPE suite: M-RoPE over the text embeddings of {@link RopeCases} (every schedule)
 * with random contiguous or interleaved sections (sizes of 0 included), 2-D vision RoPE of both conventions
 * and layouts, and rows whose positions differ per axis — or are equal on every axis a quarter of the time.
 */
public final class AxialCases {
    private AxialCases() {}

    /** M-RoPE and vision RoPE satisfying {@code filter}. */
    public static Gen<AxialRope> ropes(Predicate<AxialRope> filter) {
        return longs().all().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            AxialRope rope;
            do {
                rope = random.nextInt(3) == 0 ? vision(random) : multimodal(random);
            } while (!filter.test(rope));
            return rope;
        });
    }

    /** Whether the frequencies follow the sequence length (M-RoPE over dynamic or longrope). */
    public static boolean lengthDependent(AxialRope rope) {
        return rope instanceof MultimodalRope m && RopeCases.lengthDependent(m.embedding());
    }

    /** M-RoPE over a random text embedding with random sections. */
    static MultimodalRope multimodal(SplittableRandom random) {
        RotaryEmbedding e = RopeCases.embedding(random);
        return new MultimodalRope(e, sections(random, e.rotaryDim() / 2));
    }

    /** Sections sharing out {@code pairs} pairs, contiguous or interleaved, any of them possibly 0. */
    static MropeSections sections(SplittableRandom random, int pairs) {
        if (random.nextBoolean()) {
            int h = random.nextInt((pairs + 1) / 3 + 1);
            int w = random.nextInt(pairs / 3 + 1);
            return MropeSections.interleaved(pairs - h - w, h, w);
        }
        int a = random.nextInt(pairs + 1);
        int b = random.nextInt(pairs + 1);
        return MropeSections.of(Math.min(a, b), Math.abs(a - b), pairs - Math.max(a, b));
    }

    private static VisionRope vision(SplittableRandom random) {
        int headDim = 4 * (1 + random.nextInt(random.nextBoolean() ? 8 : 64));
        double base = random.nextBoolean() ? 10_000 : Math.exp(random.nextDouble(2, 14));
        return VisionRope.of(VisionFrequencies.values()[random.nextInt(2)], headDim, base,
                RopeLayout.values()[random.nextInt(2)]);
    }

    /** Positions for {@code batch}'s rows on {@code axes} axes, below {@code maxPosition}. */
    public static AxialPositions positions(RopeCases.Batch batch, int axes, long seed, int maxPosition) {
        SplittableRandom random = new SplittableRandom(seed);
        Positions first = batch.positionsObject();
        if (random.nextInt(4) == 0) {
            return AxialPositions.same(first, axes);
        }
        Positions[] all = new Positions[axes];
        all[0] = first;
        for (int a = 1; a < axes; a++) {
            int[] p = new int[batch.rows()];
            for (int r = 0; r < p.length; r++) {
                p[r] = random.nextInt(4) == 0 ? first.at(r) : random.nextInt(maxPosition + 1);
            }
            all[a] = Positions.of(p);
        }
        return AxialPositions.of(all);
    }

    /** Text embeddings whose schedule is the default or dynamic NTK (what HF composes with M-RoPE in practice). */
    static boolean defaultOrDynamic(RotaryEmbedding e) {
        return e.scaling() instanceof RopeScaling.Default || e.scaling() instanceof RopeScaling.Dynamic;
    }

    /** The positions as text, for failure messages. */
    static String describe(AxialPositions p) {
        StringBuilder s = new StringBuilder("[");
        for (int a = 0; a < p.axes(); a++) {
            int[] axis = new int[p.count()];
            for (int r = 0; r < axis.length; r++) {
                axis[r] = p.at(a, r);
            }
            s.append(a == 0 ? "" : ", ").append(Arrays.toString(axis));
        }
        return s.append("]").toString();
    }
}
