package dev.posenc.internal;

/**
 * The state of a {@code TransformerXlPositions}: content bias {@code u} and position bias {@code v},
 * row-major {@code [heads × headDim]}, and the projected relative embeddings {@code r},
 * row-major {@code [(maxDistance + 1) × heads × headDim]} (row δ is {@code W_R·R_δ}).
 */
public record XlTables(float[] u, float[] v, float[] r) {}
