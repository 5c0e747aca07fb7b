package dev.posenc.properties;

/**
 * The determinism property against the implementation this JVM chose: each of the build's runs (512, 256
 * and 128 bits, the scalar fallback) forks its cold and warm JVMs with its own options, so every width is
 * checked.
 */
class DeterminismSuiteTest extends DeterminismContract {}
