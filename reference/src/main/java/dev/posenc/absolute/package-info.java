/** Absolute position encodings: sinusoidal (two layouts, two frequency formulas) and learned tables. */
package dev.posenc.absolute;
