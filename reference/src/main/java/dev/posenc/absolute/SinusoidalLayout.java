package dev.posenc.absolute;

/** Where the sine and the cosine of each frequency go in a sinusoidal position row of width d. */
public enum SinusoidalLayout {
    /**
     * {@code PE[p, 2i] = sin(p·w_i)}, {@code PE[p, 2i+1] = cos(p·w_i)}: Vaswani et al. 2017 (the
     * paper), HF {@code create_sinusoidal_embeddings} (XLM, DistilBERT). Odd d: the last column is a
     * sine.
     */
    INTERLEAVED,
    /**
     * {@code PE[p, i] = sin(p·w_i)} for {@code i < s}, {@code PE[p, s+i] = cos(p·w_i)} for
     * {@code i < d − s}, {@code s = ⌈d/2⌉}: all sines, then all cosines. HF Marian/BART/Pegasus,
     * GPT-J's {@code create_sinusoidal_positions}, Transformer-XL, tensor2tensor and fairseq (the
     * last two with {@link SinusoidalFrequencies#TENSOR2TENSOR} frequencies).
     */
    HALF_SPLIT
}
