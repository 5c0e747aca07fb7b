package dev.posenc.rope;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;
import java.util.Arrays;

/**
 * The M-RoPE positions of a multimodal prompt, token by token: HF's {@code get_rope_index}
 * ({@code Qwen2VLModel.get_rope_index}; {@code Qwen2_5_VLModel.get_rope_index} with its video time
 * scaling). Append the prompt's parts in order, then read {@link #positions()}.
 *
 * <ul>
 *   <li>Text tokens (vision start/end markers included) advance all three components together, from
 *       the largest position so far + 1.
 *   <li>An image or video of {@code t × h × w} patches (HF's {@code grid_thw}, before the merge) is
 *       {@code t·(h/m)·(w/m)} tokens, m the spatial merge size, frame by frame and row-major: the token at
 *       (frame f, row y, column x) is at {@code (s + τ(f), s + y, s + x)}, s the block's start.
 *   <li>{@code τ(f) = f} in Qwen2-VL. In Qwen2.5-VL {@code τ(f) = floor(f·second_per_grid_t·tokens_per_second)}
 *       for a video ({@code second_per_grid_t} 1 when not given), 0 for an image; the product is formed in
 *       double before the floor, as HF does since PR #48669 (earlier versions truncated
 *       {@code second_per_grid_t} to an integer first, which differs for fractional intervals).
 *   <li>Text after a block resumes at the block's largest position + 1, so the positions of a prompt with
 *       images grow more slowly than its token count: decode token n of the answer is at
 *       {@code n + }{@link #ropeDelta()} on all three components (HF's {@code rope_deltas}).
 * </ul>
 * Padding ({@code attention_mask}) is not modelled: build the positions of the unpadded tokens. Not
 * thread-safe while being built; the {@link AxialPositions} it returns are independent copies.
 */
public final class MropeIndex {
    /** The most tokens a prompt may have: three int components each, bounded like a generated table (2²⁸ ints). */
    public static final int MAX_TOKENS = Checks.MAX_GENERATED_TABLE / 3;

    private final int merge;
    private final double tokensPerSecond;
    private int[][] rows = new int[3][16];
    private int tokens;
    private int next;

    private MropeIndex(int merge, double tokensPerSecond) {
        this.merge = Checks.positive(merge, "spatialMergeSize");
        this.tokensPerSecond = tokensPerSecond;
    }

    /** Qwen2-VL's rule ({@code spatial_merge_size} 2 in its configs): the t index of frame f is f. */
    public static MropeIndex qwen2vl(int spatialMergeSize) {
        return new MropeIndex(spatialMergeSize, Double.NaN);
    }

    /** Qwen2.5-VL's rule, with its vision config's {@code tokens_per_second} (2 in its configs). */
    public static MropeIndex qwen25vl(int spatialMergeSize, double tokensPerSecond) {
        return new MropeIndex(spatialMergeSize, Checks.finitePositive(tokensPerSecond, "tokensPerSecond"));
    }

    /** Appends {@code count ≥ 1} text tokens. */
    public MropeIndex text(int count) {
        Checks.positive(count, "count");
        reserve(count, count + " text tokens");
        int start = next;
        if ((long) start + count - 1 >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " text tokens from position " + start + " would pass position "
                    + (Integer.MAX_VALUE - 1));
        }
        for (int n = 0; n < count; n++) {
            add(start + n, start + n, start + n);
        }
        return this;
    }

    /** Appends an image of {@code t × h × w} patches ({@code image_grid_thw}). */
    public MropeIndex image(int t, int h, int w) {
        return block(t, h, w, 0);
    }

    /** Appends a video of {@code t × h × w} patches ({@code video_grid_thw}), one second per temporal patch. */
    public MropeIndex video(int t, int h, int w) {
        return video(t, h, w, 1.0);
    }

    /**
     * Appends a video whose temporal patches are {@code secondsPerGrid} apart ({@code second_per_grid_ts};
     * used by Qwen2.5-VL only).
     */
    public MropeIndex video(int t, int h, int w, double secondsPerGrid) {
        Checks.finite(secondsPerGrid, "secondsPerGrid");
        if (secondsPerGrid < 0) {
            throw new IllegalArgumentException("secondsPerGrid must be >= 0, was " + secondsPerGrid);
        }
        return block(t, h, w, secondsPerGrid);
    }

    private MropeIndex block(int t, int h, int w, double secondsPerGrid) {
        Checks.positive(t, "t");
        Checks.positive(h, "h");
        Checks.positive(w, "w");
        if (h % merge != 0 || w % merge != 0) {
            throw new IllegalArgumentException("the grid's h = " + h + " and w = " + w + " must be multiples of the spatial"
                    + " merge size " + merge);
        }
        int gridH = h / merge;
        int gridW = w / merge;
        reserve(Checks.product(t, "t", gridH, "h / spatialMergeSize", gridW, "w / spatialMergeSize"),
                "a block of " + t + " × " + h + " × " + w + " patches");
        int start = next;
        long last = Math.max(tau(t - 1, secondsPerGrid), Math.max(gridH, gridW) - 1);
        if (last >= Integer.MAX_VALUE - (long) start) {
            throw new IllegalArgumentException("a block of " + t + " × " + h + " × " + w + " patches starting at position "
                    + start + " would pass position " + (Integer.MAX_VALUE - 1));
        }
        for (int f = 0; f < t; f++) {
            int temporal = start + (int) tau(f, secondsPerGrid);
            for (int y = 0; y < gridH; y++) {
                for (int x = 0; x < gridW; x++) {
                    add(temporal, start + y, start + x);
                }
            }
        }
        return this;
    }

    /** The temporal index of frame {@code f}. */
    private long tau(int f, double secondsPerGrid) {
        return Double.isNaN(tokensPerSecond) ? f : (long) Math.floor(f * secondsPerGrid * tokensPerSecond);
    }

    /** Requires room for {@code more} tokens, before anything is appended or allocated. */
    private void reserve(int more, String what) {
        if ((long) tokens + more > MAX_TOKENS) {
            throw new IllegalArgumentException(what + " after " + tokens + " tokens would pass MAX_TOKENS = " + MAX_TOKENS);
        }
    }

    private void add(int temporal, int height, int width) {
        if (tokens == rows[0].length) {
            int grown = (int) Math.min(MAX_TOKENS, 2L * tokens);
            for (int c = 0; c < 3; c++) {
                rows[c] = Arrays.copyOf(rows[c], grown);
            }
        }
        rows[0][tokens] = temporal;
        rows[1][tokens] = height;
        rows[2][tokens] = width;
        tokens++;
        next = Math.max(next, Math.max(temporal, Math.max(height, width)) + 1);
    }

    /** Tokens appended so far. */
    public int tokens() {
        return tokens;
    }

    /** The position of the next text token: the largest position so far + 1 (0 for an empty prompt). */
    public int nextPosition() {
        return next;
    }

    /** HF's {@code rope_deltas}: {@link #nextPosition()} − {@link #tokens()}, ≤ 0 once images are in. */
    public int ropeDelta() {
        return next - tokens;
    }

    /**
     * The (temporal, height, width) positions of the tokens so far, as HF's {@code position_ids[:, 0, :]}.
     *
     * @throws IllegalArgumentException for an empty prompt
     */
    public AxialPositions positions() {
        Checks.positive(tokens, "tokens");
        return AxialPositions.of(Positions.of(Arrays.copyOf(rows[0], tokens)),
                Positions.of(Arrays.copyOf(rows[1], tokens)), Positions.of(Arrays.copyOf(rows[2], tokens)));
    }
}
