/** Row-wise softmax with scale, bias and masked (−∞) entries. */
package dev.posenc.softmax;
