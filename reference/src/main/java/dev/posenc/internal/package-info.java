/**
 * Leaf helpers shared by the API types and both implementations: argument checks ({@link
 * dev.posenc.internal.Checks}) and small numeric helpers. Nothing here imports the API. Exported only
 * to {@code dev.posenc.vector}; not part of the public API.
 */
package dev.posenc.internal;
