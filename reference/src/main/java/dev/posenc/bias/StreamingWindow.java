package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * StreamingLLM (Xiao et al. 2024, "Efficient Streaming Language Models with Attention Sinks"): a
 * causal sliding window that keeps the first {@code n} tokens visible. The query at position p sees key
 * t iff
 * <pre>  t ≤ p  and  (t &lt; n  or  t ≥ p − w)</pre>
 * that is the {@code n} sink tokens and the {@code w} keys before the query and its own. The authors'
 * {@code StartRecentKVCache(start_size, recent_size)} is {@code n = start_size}, {@code w = recent_size}
 * (the cache holds both, the new token attends to them and to itself); a window counted as in HF's
 * {@code sliding_window = W} ({@code t > p − W}, the query included) is {@code w = W − 1}. StreamingLLM
 * also numbers positions within the cache for RoPE: that is the caller's choice of RoPE positions; this
 * scheme only decides which keys are seen, by key row.
 *
 * <p>Attention evaluates the gap {@code [n, p − w)} as a mask: {@link #bias} is −∞ there and 0
 * elsewhere. It requires a causal mask and no window in the options (the options' window would hide
 * the sink tokens). Immutable and thread-safe.
 */
public final class StreamingWindow implements PositionScheme {
    private final int sinkTokens;
    private final int window;

    private StreamingWindow(int sinkTokens, int window) {
        this.sinkTokens = sinkTokens;
        this.window = window;
    }

    /**
     * @param sinkTokens n ≥ 0, the first tokens that stay visible (StreamingLLM: 4)
     * @param window     w ≥ 0, the recent keys seen before the query's own
     */
    public static StreamingWindow of(int sinkTokens, int window) {
        return new StreamingWindow(Checks.nonNegative(sinkTokens, "sinkTokens"), Checks.nonNegative(window, "window"));
    }

    /** n. */
    public int sinkTokens() {
        return sinkTokens;
    }

    /** w. */
    public int window() {
        return window;
    }

    /** Whether the key at {@code keyPosition} lies in the gap between the sinks and the window of a query at {@code queryPosition}. */
    public boolean hides(int queryPosition, int keyPosition) {
        return keyPosition >= sinkTokens && keyPosition < (long) queryPosition - window;
    }

    /** −∞ in the gap (the key is hidden), 0 elsewhere. */
    @Override
    public double bias(int head, int queryPosition, int keyPosition) {
        return hides(queryPosition, keyPosition) ? Double.NEGATIVE_INFINITY : 0;
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (!causal || window >= 0) {
            throw new IllegalArgumentException("StreamingWindow needs a causal mask and no window in the options (it has its own"
                    + " window = " + this.window + "), but attention has causal = " + causal + ", window = " + window);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamingWindow s && s.sinkTokens == sinkTokens && s.window == window;
    }

    @Override
    public int hashCode() {
        return 31 * sinkTokens + window;
    }

    @Override
    public String toString() {
        return "StreamingWindow[sinkTokens=" + sinkTokens + ", window=" + window + "]";
    }
}
