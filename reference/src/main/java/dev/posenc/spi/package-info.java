/** The service interface through which accelerated implementations plug into {@link dev.posenc.Kernels}. */
package dev.posenc.spi;
