/**
 * Entry point: {@link dev.posenc.Kernels#get()} returns the implementation chosen for this JVM,
 * {@link dev.posenc.Kernels#reference()} the scalar reference. Shared value types such as
 * {@link dev.posenc.Positions} live here; each kernel family has its own package.
 */
package dev.posenc;
