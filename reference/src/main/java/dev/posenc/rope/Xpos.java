package dev.posenc.rope;

import dev.posenc.internal.Checks;
import java.util.Objects;

/**
 * xPos (Sun et al. 2022, "A Length-Extrapolatable Transformer"): RoPE whose pair {@code i} is also scaled by
 * {@code ζ_i^((p − c)/γ)} on queries and by its inverse on keys, so that
 * <pre>  ⟨xPos_q(n)·q, xPos_k(m)·k⟩ = Σ_i ζ_i^((n − m)/γ)·⟨R(n)q_i, R(m)k_i⟩,   ζ_i = (2i + 0.4·r)/(1.4·r) &lt; 1</pre>
 * depends on {@code n − m} only, and every pair's contribution decays as {@code ζ_i^((n − m)/γ)} with the
 * distance ({@code γ} = {@code scale_base}, 512). As torchscale {@code XPOS} ({@code xpos_relative_position.py}):
 * {@code scale = (arange(0, d, 2) + 0.4·d)/(1.4·d)}, rotation {@code rotate_every_two}
 * ({@link RopeLayout#INTERLEAVED}) with {@code inv_freq = 10000^(−2i/d)}, keys {@code downscale=True}. The
 * centre {@code c} keeps the scales near 1: torchscale uses {@code c = ⌈L/2⌉} for a sequence of L tokens
 * ({@code min_pos = −L // 2}), see {@link #centeredOn}; any c common to queries and keys gives the same scores.
 * Far from the centre the scales leave the float range: {@code ζ_0^(−|p − c|/γ)} passes {@code Float.MAX_VALUE} at
 * {@code |p − c| ≈ 36 000} for γ = 512 (queries before the centre, keys after it). A rotation whose scale would
 * overflow is refused ({@link #requireFinite}), where torchscale's float32 gives infinities; move the centre
 * ({@link #withCenter}) to the sequence's middle. Scales on the other side shrink towards 0 (subnormal, then 0):
 * such a row's score with a row near the centre is that small indeed.
 *
 * <p>The rotation is {@link #embedding()}'s, with its layout, frequencies and attention factor (which
 * multiplies the scales): a default {@code RotaryEmbedding.of(d, 10_000, INTERLEAVED)} is torchscale's.
 * Immutable; one instance is either the query or the key side.
 */
public final class Xpos {
    /** torchscale's {@code scale_base} default. */
    public static final double SCALE_BASE = 512;

    private final RotaryEmbedding embedding;
    private final double scaleBase;
    private final int center;
    private final boolean keys;

    private Xpos(RotaryEmbedding embedding, double scaleBase, int center, boolean keys) {
        this.embedding = Checks.notNull(embedding, "embedding");
        this.scaleBase = Checks.finitePositive(scaleBase, "scaleBase");
        this.center = center;
        this.keys = keys;
    }

    /** torchscale's xPos for heads of {@code headDim} dims (even): base 10000, interleaved pairs, γ = 512, queries, centre 0. */
    public static Xpos of(int headDim) {
        return of(RotaryEmbedding.of(headDim, 10_000, RopeLayout.INTERLEAVED), SCALE_BASE);
    }

    /** xPos over {@code embedding}'s rotation with {@code scale_base} {@code scaleBase}: the query side, centre 0. */
    public static Xpos of(RotaryEmbedding embedding, double scaleBase) {
        return new Xpos(embedding, scaleBase, 0, false);
    }

    /** torchscale's centre for a sequence of {@code length} tokens (queries and keys alike): {@code ⌈length/2⌉}. */
    public static int centeredOn(int length) {
        return (int) ((Checks.nonNegative(length, "length") + 1L) / 2);
    }

    /** The query side: scales {@code ζ_i^(+(p − c)/γ)}. */
    public Xpos queries() {
        return new Xpos(embedding, scaleBase, center, false);
    }

    /** The key side: scales {@code ζ_i^(−(p − c)/γ)} (torchscale's {@code downscale=True}). */
    public Xpos keys() {
        return new Xpos(embedding, scaleBase, center, true);
    }

    /** The same with centre {@code center}. */
    public Xpos withCenter(int center) {
        return new Xpos(embedding, scaleBase, center, keys);
    }

    /** The rotation. */
    public RotaryEmbedding embedding() {
        return embedding;
    }

    /** γ, torchscale's {@code scale_base}. */
    public double scaleBase() {
        return scaleBase;
    }

    /** The centre c. */
    public int center() {
        return center;
    }

    /** Whether this is the key side. */
    public boolean isKeys() {
        return keys;
    }

    /** {@code ζ_i = (2i + 0.4·r)/(1.4·r)} for pair {@code i} of the rotary dimension r. */
    public double zeta(int i) {
        int r = embedding.rotaryDim();
        Checks.inRange(i, 0, r / 2 - 1, "i");
        return (2.0 * i + 0.4 * r) / (1.4 * r);
    }

    /** The scale of pair {@code i} at {@code position}: {@code ζ_i^(±(p − c)/γ)}, + for queries, − for keys. */
    public double scale(int i, int position) {
        double exponent = ((double) position - center) / scaleBase;
        return Math.pow(zeta(i), keys ? -exponent : exponent);
    }

    /**
     * Requires every scale at positions {@code [min, max]} to be at most {@code Float.MAX_VALUE}: pair 0's
     * {@code ζ_0^(±(p − c)/γ)} (the smallest ζ, so the largest scale) at both ends (the attention factor, near 1,
     * multiplies it).
     *
     * @throws IllegalArgumentException naming the position, the centre and the scale otherwise
     */
    public void requireFinite(int min, int max) {
        requireFinite(min);
        requireFinite(max);
    }

    private void requireFinite(int position) {
        double s = scale(0, position);
        if (!(s <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("xPos scale ζ_0^(" + (keys ? "−" : "+") + "(p − c)/γ) = " + s + " at position "
                    + position + " (centre " + center + ", γ = " + scaleBase + ") overflows float (max " + Float.MAX_VALUE
                    + "): keep positions near the centre (withCenter, e.g. Xpos.centeredOn(length))");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xpos x && x.embedding.equals(embedding) && Double.compare(x.scaleBase, scaleBase) == 0
                && x.center == center && x.keys == keys;
    }

    @Override
    public int hashCode() {
        return Objects.hash(embedding, scaleBase, center, keys);
    }

    @Override
    public String toString() {
        return "Xpos[" + (keys ? "keys" : "queries") + ", γ=" + scaleBase + ", centre=" + center + ", " + embedding + "]";
    }
}
