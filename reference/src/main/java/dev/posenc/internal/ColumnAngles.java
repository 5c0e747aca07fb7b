package dev.posenc.internal;

/**
 * A sinusoidal row as one formula per column: {@code PE[p, j] = sin(p·frequency[j] + quarterTurns[j]·π/2)},
 * with 0 quarter turns for sine columns, 1 for cosine columns ({@code cos x = sin(x + π/2)}, applied
 * exactly by swapping sine and cosine) and frequency = 0 for zero columns. Lets a kernel fill any layout
 * with one contiguous loop. {@code stepCos[j] = cos(frequency[j])} and {@code stepSin[j] = sin(frequency[j])}
 * (by {@link Math#cos}, {@link Math#sin}) advance a column by one position; {@code maxFrequency} is the
 * largest frequency.
 */
public record ColumnAngles(double[] frequency, double[] quarterTurns, double[] stepCos, double[] stepSin,
                           double maxFrequency) {}
