/**
 * The scalar reference kernels: each one reads like its paper's formula and accumulates in double.
 * Not exported; reach them through {@link dev.posenc.Kernels#reference()}.
 */
package dev.posenc.reference;
