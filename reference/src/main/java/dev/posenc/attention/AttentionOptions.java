package dev.posenc.attention;

import dev.posenc.bias.PositionScheme;
import dev.posenc.internal.Checks;
import java.util.Objects;

/**
 * The fixed part of an attention layer, built once and reused for every call: head counts and
 * widths, scale, causal mask, sliding window, logit soft-cap and position scheme. Immutable; each
 * {@code with…} returns a validated copy.
 *
 * <p>Grouped-query attention: {@code heads} query heads share {@code kvHeads} key/value heads, query
 * head h reading kv head {@code h / (heads / kvHeads)} (HF {@code repeat_kv}); {@code kvHeads = 1}
 * is multi-query attention, {@code kvHeads = heads} multi-head attention.
 */
public final class AttentionOptions {
    /** {@link #window()} when there is no sliding window. */
    public static final int NO_WINDOW = -1;

    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int valueDim;
    private final double scale;
    private final CausalMask causal;
    private final int window;
    private final double softCap;
    private final PositionScheme scheme;

    private AttentionOptions(int heads, int kvHeads, int headDim, int valueDim, double scale, CausalMask causal,
                             int window, double softCap, PositionScheme scheme) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.valueDim = valueDim;
        this.scale = scale;
        this.causal = causal;
        this.window = window;
        this.softCap = softCap;
        this.scheme = scheme;
        if (softCap > 0 && !(scale / softCap >= Float.MIN_NORMAL && scale / softCap <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("scale / softCap = " + scale / softCap + " must be a positive normal float, in ["
                    + Float.MIN_NORMAL + ", " + Float.MAX_VALUE + "] (kernels scale the queries by it in float): scale = "
                    + scale + ", softCap = " + softCap);
        }
        if (scheme != null) {
            scheme.requireCompatible(heads, headDim, valueDim, causal != CausalMask.NONE, window);
        }
    }

    /** Multi-head attention: {@code heads} query and key/value heads of width {@code headDim}. */
    public static AttentionOptions of(int heads, int headDim) {
        return of(heads, heads, headDim);
    }

    /**
     * {@code heads} query heads over {@code kvHeads} key/value heads of width {@code headDim} (values
     * too, until {@link #withValueDim}); scale {@code 1/√headDim}, no causal mask, window, soft-cap
     * or position scheme.
     *
     * @throws IllegalArgumentException unless all are positive and {@code kvHeads} divides {@code heads}
     */
    public static AttentionOptions of(int heads, int kvHeads, int headDim) {
        Checks.positive(heads, "heads");
        Checks.positive(kvHeads, "kvHeads");
        Checks.positive(headDim, "headDim");
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads = " + heads + " must be a multiple of kvHeads = " + kvHeads);
        }
        return new AttentionOptions(heads, kvHeads, headDim, headDim, 1.0 / Math.sqrt(headDim), CausalMask.NONE,
                NO_WINDOW, 0.0, null);
    }

    /** Values (and the output) of width {@code valueDim} > 0, which may differ from the key width. */
    public AttentionOptions withValueDim(int valueDim) {
        return new AttentionOptions(heads, kvHeads, headDim, Checks.positive(valueDim, "valueDim"), scale, causal,
                window, softCap, scheme);
    }

    /**
     * The logit scale s, a positive normal float ({@code [2⁻¹²⁶, Float.MAX_VALUE]}: kernels scale in float);
     * default {@code 1/√headDim}; T5 uses 1.
     */
    public AttentionOptions withScale(double scale) {
        Checks.floatScale(scale, "scale");
        return new AttentionOptions(heads, kvHeads, headDim, valueDim, scale, causal, window, softCap, scheme);
    }

    /** The causal mask and its alignment. */
    public AttentionOptions withCausal(CausalMask causal) {
        Checks.notNull(causal, "causal");
        return new AttentionOptions(heads, kvHeads, headDim, valueDim, scale, causal, window, softCap, scheme);
    }

    /**
     * A sliding window: the query at position p sees only keys at positions {@code j ≥ p − window}
     * (and {@code j ≤ p + window} without a causal mask). This is FlashAttention's
     * {@code window_size=(window, window or 0)}; HF's {@code sliding_window = W} (Mistral, Gemma 2,
     * {@code kv_idx > q_idx − W}) is {@code window = W − 1}.
     *
     * @param window ≥ 0 (0: a causal query sees only its own key)
     */
    public AttentionOptions withWindow(int window) {
        Checks.nonNegative(window, "window");
        return new AttentionOptions(heads, kvHeads, headDim, valueDim, scale, causal, window, softCap, scheme);
    }

    /**
     * Logit soft-capping (Gemma 2, Grok): the scaled logit x becomes {@code cap·tanh(x/cap)} before any
     * position scheme's bias or mask is added (FlashAttention-2's order).
     *
     * @param cap a positive normal float, {@code [2⁻¹²⁶, Float.MAX_VALUE]} (Gemma 2: 50), with {@code scale/cap} one
     *            too (kernels scale the queries by it in float; without this check an extreme pair overflowed)
     */
    public AttentionOptions withSoftCap(double cap) {
        Checks.floatScale(cap, "softCap");
        return new AttentionOptions(heads, kvHeads, headDim, valueDim, scale, causal, window, cap, scheme);
    }

    /** The position scheme evaluated inside the kernel, or {@code null} for none. */
    public AttentionOptions withScheme(PositionScheme scheme) {
        return new AttentionOptions(heads, kvHeads, headDim, valueDim, scale, causal, window, softCap, scheme);
    }

    /** Query heads. */
    public int heads() {
        return heads;
    }

    /** Key/value heads, a divisor of {@link #heads()}. */
    public int kvHeads() {
        return kvHeads;
    }

    /** Query heads per key/value head. */
    public int group() {
        return heads / kvHeads;
    }

    /** Width of query and key heads. */
    public int headDim() {
        return headDim;
    }

    /** Width of value and output heads. */
    public int valueDim() {
        return valueDim;
    }

    /** The logit scale s. */
    public double scale() {
        return scale;
    }

    /** The causal mask. */
    public CausalMask causal() {
        return causal;
    }

    /** The sliding window, or {@link #NO_WINDOW}. */
    public int window() {
        return window;
    }

    /** Whether a sliding window is set. */
    public boolean hasWindow() {
        return window != NO_WINDOW;
    }

    /** The soft cap, or 0 when logits are not capped. */
    public double softCap() {
        return softCap;
    }

    /** The position scheme, or {@code null}. */
    public PositionScheme scheme() {
        return scheme;
    }

    /**
     * The first key position the window and the scheme ({@link PositionScheme#firstVisibleKey}) leave visible
     * to a query at {@code position} (the causal mask hides no earlier key).
     */
    public int firstVisibleKey(int position) {
        int first = window < 0 ? 0 : (int) Math.max(0, (long) position - window);
        return scheme == null ? first : Math.max(first, scheme.firstVisibleKey(position));
    }

    /**
     * One past the last of key positions {@code 0 … keys − 1} the causal mask and window leave visible to a
     * query at {@code position}.
     */
    public int endVisibleKey(int position, int keys) {
        boolean isCausal = causal != CausalMask.NONE;
        long end = isCausal ? (long) position + 1 : window < 0 ? keys : (long) position + window + 1;
        return (int) Math.max(0, Math.min(keys, end));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionOptions a && a.heads == heads && a.kvHeads == kvHeads && a.headDim == headDim
                && a.valueDim == valueDim && Double.compare(a.scale, scale) == 0 && a.causal == causal
                && a.window == window && Double.compare(a.softCap, softCap) == 0 && Objects.equals(a.scheme, scheme);
    }

    @Override
    public int hashCode() {
        return Objects.hash(heads, kvHeads, headDim, valueDim, scale, causal, window, softCap, scheme);
    }

    @Override
    public String toString() {
        return "AttentionOptions[heads=" + heads + ", kvHeads=" + kvHeads + ", headDim=" + headDim + ", valueDim="
                + valueDim + ", scale=" + scale + ", causal=" + causal + (hasWindow() ? ", window=" + window : "")
                + (softCap > 0 ? ", softCap=" + softCap : "") + (scheme != null ? ", scheme=" + scheme : "") + "]";
    }
}
