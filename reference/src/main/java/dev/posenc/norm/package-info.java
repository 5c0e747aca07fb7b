/** LayerNorm and RMSNorm, accumulated in double. */
package dev.posenc.norm;
