package dev.posenc.properties;

/** The position schemes' suite (they are library types, so there is nothing to bind). */
class PositionBiasSuiteTest extends PositionBiasContract {}
