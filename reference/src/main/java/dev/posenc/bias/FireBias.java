package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * FIRE, functional interpolation for relative positions (Li et al. 2024, "Functional Interpolation for
 * Relative Positions Improves Long Context Transformers", ICLR): head h adds a learned function of the
 * normalised distance,
 * <pre>
 *   b_h(p, t) = f_θ(x)_h,   x = ψ(|p − t|) / (ψ(max(p, L)) + ε),   ψ(d) = log(c·d + 1)
 *   f_θ(x)_h  = B2_h + Σ_k W2_hk·max(0, W1_k·x + B1_k)</pre>
 * a one-hidden-layer ReLU MLP from the scalar x to one bias per head, c > 0 the log transform's
 * scale and L > 0 the threshold below which positions are not normalised by their own size
 * ("progressive interpolation": a query past L sees distances as fractions of its position, so
 * contexts longer than the training length map into the trained range). This matches the reference
 * PyTorch module in the paper's appendix ({@code FIRE}: {@code mlp = Linear(1, width), ReLU,
 * Linear(width, heads)}, {@code c}, {@code threshold = |L_multiplier·init_L|}, {@code eps}; init c = 0.1,
 * L = 512, ε = 1e−6), whose distance is the causal {@code i − j} (here |p − t|, the same under a
 * causal mask). Every term is evaluated in double.
 *
 * <p>The weights are copied at construction. Immutable and thread-safe.
 */
public final class FireBias implements PositionScheme {
    private final double c;
    private final double threshold;
    private final double eps;
    private final float[] inputWeight;
    private final float[] inputBias;
    private final float[] outputWeight;
    private final float[] outputBias;

    private FireBias(double c, double threshold, double eps, float[] inputWeight, float[] inputBias,
                     float[] outputWeight, float[] outputBias) {
        this.c = c;
        this.threshold = threshold;
        this.eps = eps;
        this.inputWeight = inputWeight;
        this.inputBias = inputBias;
        this.outputWeight = outputWeight;
        this.outputBias = outputBias;
    }

    /**
     * Copies of the MLP's weights ({@code width} hidden units, {@code heads} outputs), all finite.
     *
     * @param c            the log transform's scale, in (0, 1e290] (ψ of every int distance is then at most 680)
     * @param threshold    L, finite and > 0 (the module's {@code |L_multiplier·init_L|}), with
     *                     {@code 2⁻¹⁰⁰ ≤ ψ(L) + ε ≤ 2¹⁰⁰} (the normaliser's float reciprocal is then a normal float)
     * @param eps          ε, finite and ≥ 0
     * @param inputWeight  W1 {@code [width]} (the first {@code Linear(1, width).weight})
     * @param inputBias    B1 {@code [width]}
     * @param outputWeight W2 row-major {@code [heads × width]} (the second {@code Linear(width, heads).weight})
     * @param outputBias   B2 {@code [heads]}
     */
    public static FireBias of(double c, double threshold, double eps, float[] inputWeight, float[] inputBias,
                              float[] outputWeight, float[] outputBias) {
        if (!(Checks.finitePositive(c, "c") <= 1e290)) {
            throw new IllegalArgumentException("c must be <= 1e290, was " + c);
        }
        Checks.finitePositive(threshold, "threshold");
        if (!(Checks.finite(eps, "eps") >= 0)) {
            throw new IllegalArgumentException("eps must be >= 0, was " + eps);
        }
        double normaliser = Math.log1p(c * threshold) + eps;
        if (!(normaliser >= 0x1p-100 && normaliser <= 0x1p100)) {
            throw new IllegalArgumentException("the normaliser log(c·threshold + 1) + eps must be in [2^-100, 2^100], was "
                    + (Math.log1p(c * threshold) + eps) + " (c = " + c + ", threshold = " + threshold + ", eps = " + eps + ")");
        }
        Checks.notNull(inputWeight, "inputWeight");
        Checks.notNull(outputBias, "outputBias");
        int width = Checks.positive(inputWeight.length, "inputWeight.length");
        int heads = Checks.positive(outputBias.length, "outputBias.length");
        Checks.fits(inputBias, "inputBias", 0, width, "width");
        Checks.fits(outputWeight, "outputWeight", 0, Checks.product(heads, "heads", width, "width"), "heads × width");
        return new FireBias(c, threshold, eps, finite(inputWeight, width, "inputWeight"), finite(inputBias, width, "inputBias"),
                finite(outputWeight, heads * width, "outputWeight"), finite(outputBias, heads, "outputBias"));
    }

    private static float[] finite(float[] x, int n, String name) {
        float[] copy = new float[n];
        for (int i = 0; i < n; i++) {
            copy[i] = (float) Checks.finite(x[i], name + "[" + i + "]");
        }
        return copy;
    }

    /** Heads, one output each. */
    public int heads() {
        return outputBias.length;
    }

    /** Hidden units of the MLP. */
    public int width() {
        return inputWeight.length;
    }

    public double c() {
        return c;
    }

    /** L. */
    public double threshold() {
        return threshold;
    }

    /** ε. */
    public double eps() {
        return eps;
    }

    /** W1_k. */
    public float inputWeight(int k) {
        return inputWeight[Checks.index(k, inputWeight.length, "k")];
    }

    /** B1_k. */
    public float inputBias(int k) {
        return inputBias[Checks.index(k, inputBias.length, "k")];
    }

    /** W2_hk. */
    public float outputWeight(int head, int k) {
        return outputWeight[Checks.index(head, heads(), "head") * width() + Checks.index(k, width(), "k")];
    }

    /** B2_h. */
    public float outputBias(int head) {
        return outputBias[Checks.index(head, outputBias.length, "head")];
    }

    /** ψ(d) = log(c·d + 1) of a distance d ≥ 0. */
    public double psi(long distance) {
        return Math.log1p(c * distance);
    }

    /** The normaliser {@code ψ(max(p, L)) + ε} of a query at position p. */
    public double normaliser(int queryPosition) {
        return Math.log1p(c * Math.max(queryPosition, threshold)) + eps;
    }

    /** x of the class comment. */
    public double normalisedDistance(int queryPosition, int keyPosition) {
        return psi(Math.abs((long) keyPosition - queryPosition)) / normaliser(queryPosition);
    }

    /** {@code f_θ(x)_h}, the MLP in double. */
    public double mlp(int head, double x) {
        double sum = outputBias(head);
        int row = head * width();
        for (int k = 0; k < width(); k++) {
            sum += outputWeight[row + k] * Math.max(0, inputWeight[k] * x + inputBias[k]);
        }
        return sum;
    }

    @Override
    public double bias(int head, int queryPosition, int keyPosition) {
        return mlp(head, normalisedDistance(queryPosition, keyPosition));
    }

    @Override
    public void requireCompatible(int heads, int headDim, int valueDim, boolean causal, int window) {
        if (heads != heads()) {
            throw new IllegalArgumentException("FireBias has " + heads() + " heads but attention has heads = " + heads);
        }
    }

    @Override
    public String toString() {
        return "FireBias[heads=" + heads() + ", width=" + width() + ", c=" + c + ", L=" + threshold + ", eps=" + eps + "]";
    }
}
