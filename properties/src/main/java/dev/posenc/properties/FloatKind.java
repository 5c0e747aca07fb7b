package dev.posenc.properties;

import java.util.SplittableRandom;

/** Distributions of generated float data, from well-behaved to numerically hostile. */
public enum FloatKind {
    /** N(0, 1). */
    NORMAL,
    /** N(0, 1000²): large logits. */
    WIDE,
    /** Mean 1e4, std 1e−2: catastrophic cancellation for E[x²] − E[x]² or a float mean. */
    OFFSET,
    /** |x| up to 1e20..3e38: float x² overflows. */
    LARGE,
    /** |x| ~ 1e−20: dominated by eps. */
    TINY,
    /** Magnitudes spread over 10^±30 with random signs. */
    MIXED,
    /** Every element equal. */
    CONSTANT,
    /** Multiples of 2⁻¹⁰ in [−64, 64): sums with small integers are exact. */
    GRID;

    /** One value; {@code constant} is the row's shared value for {@link #CONSTANT}. */
    float draw(SplittableRandom random, float constant) {
        return switch (this) {
            case NORMAL -> (float) gaussian(random);
            case WIDE -> (float) (1000 * gaussian(random));
            case OFFSET -> (float) (1e4 + 1e-2 * gaussian(random));
            case LARGE -> (float) (sign(random) * Math.pow(10, 20 + 18.5 * random.nextDouble()));
            case TINY -> (float) (1e-20 * gaussian(random));
            case MIXED -> (float) (sign(random) * Math.pow(10, -30 + 60 * random.nextDouble()));
            case CONSTANT -> constant;
            case GRID -> (float) ((random.nextInt(1 << 17) - (1 << 16)) * 0x1p-10);
        };
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian in every JDK.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static int sign(SplittableRandom random) {
        return random.nextBoolean() ? 1 : -1;
    }
}
