package dev.posenc.properties;

import static org.quicktheories.generators.SourceDSL.longs;

import dev.posenc.Positions;
import dev.posenc.rope.RopeLayout;
import dev.posenc.rope.RopeScaling;
import dev.posenc.rope.RotaryEmbedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.quicktheories.core.Gen;

/**
 * Generators for the RoPE suites: embeddings of every layout and schedule with random HF parameters, and
 * batches of rows (shapes, positions, offsets, data). Each is drawn from a seed, so a failing example is
 * reproduced by its printed description.
 */
public final class RopeCases {
    /** Positions are drawn up to this (the issue's 2²⁰). */
    public static final int MAX_POSITION = 1 << 20;
    private static final int[] MAX_POSITION_EMBEDDINGS = {2048, 4096, 8192, 32768, 131072};
    private static final FloatKind[] KINDS = {
            FloatKind.NORMAL, FloatKind.WIDE, FloatKind.GRID, FloatKind.MIXED, FloatKind.TINY, FloatKind.CONSTANT,
            FloatKind.OFFSET};

    private RopeCases() {}

    /** Embeddings of every layout and schedule. */
    public static Gen<RotaryEmbedding> embeddings() {
        return embeddings(e -> true);
    }

    /** Embeddings satisfying {@code filter} (drawn again until one does). */
    public static Gen<RotaryEmbedding> embeddings(Predicate<RotaryEmbedding> filter) {
        return longs().all().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            RotaryEmbedding e;
            do {
                e = embedding(random);
            } while (!filter.test(e));
            return e;
        });
    }

    /** Whether the frequencies of {@code e} depend on the sequence length (dynamic, longrope). */
    public static boolean lengthDependent(RotaryEmbedding e) {
        return e.scaling() instanceof RopeScaling.Dynamic || e.scaling() instanceof RopeScaling.LongRope;
    }

    /** Batches of 1..8 rows of 1..9 heads at positions up to {@code maxPosition}, in place a quarter of the time. */
    public static Gen<Batch> batches(int maxPosition) {
        return batches(maxPosition, maxPosition);
    }

    /** As {@link #batches(int)} with every position of a batch within {@code window} of its smallest. */
    public static Gen<Batch> batches(int maxPosition, int window) {
        return longs().all().map(seed -> batch(new SplittableRandom(seed), maxPosition, window));
    }

    /**
     * A batch: {@code rows × heads} heads at {@code positions} (a range from {@code first} when
     * {@code positions} is {@code null}), input and output offsets, and the data recipe.
     */
    public record Batch(int rows, int heads, int first, int[] positions, int xOffset, int outOffset, boolean inPlace,
                        FloatFill fill) {

        /** The positions, as a range or a view of the array. */
        public Positions positionsObject() {
            return positions == null ? Positions.range(first, rows) : Positions.of(positions);
        }

        /** Elements of the {@code [rows][heads][headDim]} block. */
        public int size(int headDim) {
            return rows * heads * headDim;
        }

        /** The input: sentinels, the data at {@link #xOffset()}, sentinels. */
        public float[] input(int headDim) {
            return fill.array(xOffset, size(headDim), MatrixCase.SLACK);
        }

        /** An output of sentinels, long enough for {@link #outOffset()}. */
        public float[] output(int headDim) {
            return Arrays2.sentinels(outOffset + size(headDim) + MatrixCase.SLACK);
        }

        /** Where the output starts: {@link #xOffset()} in place, else {@link #outOffset()}. */
        public int resultOffset() {
            return inPlace ? xOffset : outOffset;
        }

        /** The largest |position|. */
        public long maxAbsPosition() {
            return Math.max(Math.abs((long) positionsObject().min()), Math.abs((long) positionsObject().max()));
        }

        @Override
        public String toString() {
            String at = positions == null ? "positions " + first + "…" + (first + rows - 1)
                    : "positions " + Arrays.toString(positions);
            return "[" + rows + " rows × " + heads + " heads] " + at + " x@" + xOffset
                    + (inPlace ? " in place " : " out@" + outOffset + " ") + fill + " x starts " + fill.values(8);
        }
    }

    private static Batch batch(SplittableRandom random, int maxPosition, int window) {
        int rows = 1 + random.nextInt(8);
        int heads = 1 + random.nextInt(9);
        int low = small(random) ? 0 : random.nextInt(maxPosition - Math.min(window, maxPosition) + 1);
        int span = Math.min(window, maxPosition - low);
        int first = low + (small(random) ? random.nextInt(Math.min(16, span + 1)) : random.nextInt(Math.max(1, span - rows + 2)));
        int[] positions = null;
        if (random.nextBoolean() || first + rows - 1 > low + span) {
            positions = new int[rows];
            for (int r = 0; r < rows; r++) {
                positions[r] = low + (small(random) ? random.nextInt(Math.min(16, span + 1)) : random.nextInt(span + 1));
            }
        }
        int xOffset = random.nextBoolean() ? 0 : random.nextInt(1, 20);
        int outOffset = random.nextBoolean() ? 0 : random.nextInt(1, 20);
        return new Batch(rows, heads, first, positions, xOffset, outOffset, random.nextInt(4) == 0,
                new FloatFill(KINDS[random.nextInt(KINDS.length)], random.nextLong()));
    }

    private static boolean small(SplittableRandom random) {
        return random.nextInt(4) == 0;
    }

    static RotaryEmbedding embedding(SplittableRandom random) {
        int headDim = headDim(random);
        int fullEven = headDim & ~1;
        int rotaryDim = random.nextBoolean() ? fullEven : 2 + 2 * random.nextInt(fullEven / 2);
        double base = new double[] {10_000, 500_000, 1_000_000, 150_000, Math.exp(random.nextDouble(4.6, 16.2))}
                [random.nextInt(5)];
        RopeLayout layout = RopeLayout.values()[random.nextInt(2)];
        int maxPositions = MAX_POSITION_EMBEDDINGS[random.nextInt(MAX_POSITION_EMBEDDINGS.length)];
        RotaryEmbedding e = RotaryEmbedding.of(headDim, rotaryDim, base, layout);
        return e.withScaling(scaling(random, rotaryDim, maxPositions), maxPositions);
    }

    /** Head sizes of real models, tiny ones, and ones next to multiples of the vector lanes. */
    private static int headDim(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> new int[] {64, 128, 80, 96, 256, 32}[random.nextInt(6)];
            case 1 -> 2 + random.nextInt(30);
            case 2 -> Math.max(2, 32 * (1 + random.nextInt(5)) + random.nextInt(-2, 3));
            default -> 2 + random.nextInt(160);
        };
    }

    private static RopeScaling scaling(SplittableRandom random, int rotaryDim, int maxPositions) {
        double factor = random.nextBoolean() ? new double[] {1, 2, 4, 8, 32}[random.nextInt(5)]
                : random.nextDouble(0.5, 40);
        return switch (random.nextInt(rotaryDim > 2 ? 6 : 5)) {
            case 0 -> new RopeScaling.Default();
            case 1 -> new RopeScaling.Linear(factor);
            case 2 -> new RopeScaling.Yarn(factor, random.nextBoolean() ? 0 : maxPositions / (1 + random.nextInt(32)),
                    random.nextBoolean() ? 0 : random.nextDouble(8, 64), random.nextBoolean() ? 0 : random.nextDouble(0.5, 4),
                    random.nextBoolean() ? 0 : random.nextDouble(0.1, 2), random.nextBoolean() ? 0 : random.nextDouble(0.1, 2),
                    random.nextInt(4) == 0 ? random.nextDouble(0.5, 2) : 0, random.nextBoolean());
            case 3 -> {
                double low = random.nextBoolean() ? 1 : random.nextDouble(0.5, 2);
                yield new RopeScaling.Llama3(factor, low, low + random.nextDouble(0.5, 6),
                        random.nextBoolean() ? 8192 : 500 + random.nextInt(20_000));
            }
            case 4 -> {
                List<Double> shortFactor = new ArrayList<>();
                List<Double> longFactor = new ArrayList<>();
                for (int i = 0; i < rotaryDim / 2; i++) {
                    shortFactor.add(random.nextDouble(0.9, 2));
                    longFactor.add(random.nextDouble(1, 64));
                }
                yield new RopeScaling.LongRope(shortFactor, longFactor, random.nextBoolean() ? 0 : factor,
                        random.nextInt(4) == 0 ? random.nextDouble(0.5, 2) : 0,
                        random.nextBoolean() ? 0 : maxPositions / (1 + random.nextInt(32)));
            }
            default -> new RopeScaling.Dynamic(factor);
        };
    }
}
