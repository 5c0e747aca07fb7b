package dev.posenc.properties;

/** The value types' parameter contract (the types are the library's own, so there is nothing to bind). */
class ParameterSuiteTest extends ParameterContract {}
