package dev.posenc.internal;

/**
 * A sinusoidal row as one formula per column: {@code PE[p, j] = sin(p·frequency[j] + phase[j])},
 * with phase 0 for sine columns, π/2 for cosine columns ({@code cos x = sin(x + π/2)}) and
 * frequency = phase = 0 for zero columns. Lets a kernel fill any layout with one contiguous loop.
 */
public record ColumnAngles(double[] frequency, double[] phase) {}
