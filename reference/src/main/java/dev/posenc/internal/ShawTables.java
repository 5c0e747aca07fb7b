package dev.posenc.internal;

/**
 * The state of a {@code ShawRelativePositions}: key and value embeddings, row-major
 * {@code [(2k + 1) × width]}; {@code value} is {@code null} when the scheme has none.
 */
public record ShawTables(float[] key, float[] value) {}
