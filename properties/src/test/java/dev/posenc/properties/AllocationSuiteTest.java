package dev.posenc.properties;

/**
 * The allocation property against the implementation this JVM chose: each of the build's runs (512, 256 and 128
 * bits, the scalar fallback) forks its JVM with its own options, so every width is checked.
 */
class AllocationSuiteTest extends AllocationContract {}
