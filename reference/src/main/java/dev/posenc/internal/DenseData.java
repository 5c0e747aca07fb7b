package dev.posenc.internal;

/**
 * The state of a {@code DenseBias}: exactly one of {@code values} (additive, −∞ = masked) and
 * {@code allowed} is non-null; element {@code [h, i, j]} is at
 * {@code offset + (h·queries + i)·keys + j}, with {@code h = 0} for every head when shared.
 */
public record DenseData(float[] values, boolean[] allowed, int offset, boolean shared) {}
