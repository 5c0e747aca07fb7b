package dev.posenc.rope;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;
import java.util.Arrays;

/**
 * The positions of a run of rows along several axes, one {@link Positions} per axis with the same count:
 * (temporal, height, width) for {@link MultimodalRope M-RoPE} (HF's {@code position_ids} of shape
 * {@code [3, seq]}), (row, column) for a {@link VisionRope ViT's 2-D RoPE}. Row {@code r} is at
 * {@code (axis(0).at(r), axis(1).at(r), …)}. Holds the given {@code Positions} (views read their arrays at
 * call time, see {@link Positions}); {@link MropeIndex} builds them for a multimodal prompt.
 */
public final class AxialPositions {
    /** The most axes any scheme uses (ggml's {@code GGML_MROPE_SECTIONS}). */
    public static final int MAX_AXES = 4;
    private final Positions[] axes;

    private AxialPositions(Positions[] axes) {
        this.axes = axes;
    }

    /**
     * The positions with one {@code Positions} per axis, 1 to {@value #MAX_AXES} of them, all of one count.
     *
     * @throws IllegalArgumentException for a {@code null} axis, too many axes or unequal counts
     */
    public static AxialPositions of(Positions... axes) {
        Checks.notNull(axes, "axes");
        Checks.inRange(axes.length, 1, MAX_AXES, "axes.length");
        for (int a = 0; a < axes.length; a++) {
            Checks.notNull(axes[a], "axes[" + a + "]");
            if (axes[a].count() != axes[0].count()) {
                throw new IllegalArgumentException("every axis needs one position per row: axes[" + a + "].count() = "
                        + axes[a].count() + " but axes[0].count() = " + axes[0].count());
            }
        }
        return new AxialPositions(axes.clone());
    }

    /** Every one of {@code axes} axes at {@code positions} (text tokens in M-RoPE: t = h = w). */
    public static AxialPositions same(Positions positions, int axes) {
        Checks.notNull(positions, "positions");
        Positions[] all = new Positions[Checks.inRange(axes, 1, MAX_AXES, "axes")];
        Arrays.fill(all, positions);
        return new AxialPositions(all);
    }

    /**
     * The (row, column) of the patches of a {@code t × h × w} patch grid in Qwen2-VL's vision tower order
     * (HF {@code Qwen2VisionTransformerPretrainedModel.rot_pos_emb}): {@code merge × merge} windows one after
     * the other, row-major inside each window and across windows, the whole grid once per frame. With
     * {@code merge = 1}: row-major (Pixtral's {@code position_ids_in_meshgrid}).
     *
     * @throws IllegalArgumentException unless {@code t, h, w, merge ≥ 1}, {@code merge} divides {@code h} and {@code w},
     *                                  and the grid has at most 2²⁷ patches
     */
    public static AxialPositions patches(int t, int h, int w, int merge) {
        Checks.positive(t, "t");
        Checks.positive(h, "h");
        Checks.positive(w, "w");
        Checks.positive(merge, "merge");
        if (h % merge != 0 || w % merge != 0) {
            throw new IllegalArgumentException("the grid's h = " + h + " and w = " + w + " must be multiples of merge = "
                    + merge);
        }
        // Two int tables the size of the grid: bounded like a generated float table.
        int count = Checks.generatedTable(2L * Checks.product(t, "t", h, "h", w, "w"), "2 × t × h × w") / 2;
        int[] rows = new int[count];
        int[] columns = new int[count];
        int n = 0;
        for (int frame = 0; frame < t; frame++) {
            for (int wr = 0; wr < h / merge; wr++) {
                for (int wc = 0; wc < w / merge; wc++) {
                    for (int r = 0; r < merge; r++) {
                        for (int c = 0; c < merge; c++) {
                            rows[n] = wr * merge + r;
                            columns[n++] = wc * merge + c;
                        }
                    }
                }
            }
        }
        return new AxialPositions(new Positions[] {Positions.of(rows), Positions.of(columns)});
    }

    /** How many axes. */
    public int axes() {
        return axes.length;
    }

    /** How many rows. */
    public int count() {
        return axes[0].count();
    }

    /** The positions along axis {@code a}. */
    public Positions axis(int a) {
        return axes[Checks.inRange(a, 0, axes.length - 1, "a")];
    }

    /** The position of row {@code r} along axis {@code a}. */
    public int at(int a, int r) {
        return axes[Checks.index(a, axes.length, "a")].at(r);
    }

    /** The smallest position on any axis; {@link Integer#MAX_VALUE} when empty. */
    public int min() {
        int m = Integer.MAX_VALUE;
        for (Positions p : axes) {
            m = Math.min(m, p.min());
        }
        return m;
    }

    /** The largest position on any axis; {@link Integer#MIN_VALUE} when empty. */
    public int max() {
        int m = Integer.MIN_VALUE;
        for (Positions p : axes) {
            m = Math.max(m, p.max());
        }
        return m;
    }

    @Override
    public String toString() {
        return "AxialPositions" + Arrays.toString(axes);
    }
}
