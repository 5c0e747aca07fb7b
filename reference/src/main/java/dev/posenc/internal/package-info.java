/**
 * Library-internal helpers shared by the reference and the Vector API implementations. Exported
 * only to {@code dev.posenc.vector}; not part of the public API.
 */
package dev.posenc.internal;
