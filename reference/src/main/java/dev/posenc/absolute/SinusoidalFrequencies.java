package dev.posenc.absolute;

/** The frequencies {@code w_i} of a sinusoidal encoding of width d with base b (10000 in every paper). */
public enum SinusoidalFrequencies {
    /**
     * {@code w_i = b^(−2i/d)}, {@code i < ⌈d/2⌉}: the paper's formula, used by HF XLM/DistilBERT,
     * Marian/BART and GPT-J. An odd d has one more sine than cosines.
     */
    PAPER,
    /**
     * {@code w_i = exp(−i·ln(b) / max(h − 1, 1))}, {@code i < h = ⌊d/2⌋}: tensor2tensor
     * {@code get_timing_signal_1d} and fairseq {@code SinusoidalPositionalEmbedding} (fairseq divides
     * by h − 1 and so fails for d = 2; the max is tensor2tensor's). The lowest frequency is exactly
     * 1/b. An odd d gets a zero last column.
     */
    TENSOR2TENSOR
}
