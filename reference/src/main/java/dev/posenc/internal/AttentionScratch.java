package dev.posenc.internal;

import java.util.function.Supplier;

/**
 * The private state of an {@code AttentionWorkspace}: one {@link AttentionProblem}, numbered
 * growable arrays that a kernel uses as it likes, and one state object per kernel class that needs
 * its own (made on first use). Arrays grow (and so allocate) only when a call needs more than an
 * earlier one did. Thread-confined like its workspace.
 */
public final class AttentionScratch {
    private static final int SLOTS = 16;

    private final int keyTile;
    private final AttentionProblem problem = new AttentionProblem();
    private final float[][] floats = new float[SLOTS][];
    private final int[][] ints = new int[SLOTS][];
    private final double[][] doubles = new double[SLOTS][];
    private Object kernelState;

    public AttentionScratch(int keyTile) {
        this.keyTile = keyTile;
    }

    /** The requested keys per tile, or 0 for the kernel's default. */
    public int keyTile() {
        return keyTile;
    }

    /** The reusable call description. */
    public AttentionProblem problem() {
        return problem;
    }

    /** Float array {@code slot}, at least {@code length} long (contents unspecified). */
    public float[] floats(int slot, int length) {
        float[] a = floats[slot];
        if (a == null || a.length < length) {
            a = new float[length];
            floats[slot] = a;
        }
        return a;
    }

    /** Int array {@code slot}, at least {@code length} long (contents unspecified). */
    public int[] ints(int slot, int length) {
        int[] a = ints[slot];
        if (a == null || a.length < length) {
            a = new int[length];
            ints[slot] = a;
        }
        return a;
    }

    /** Double array {@code slot}, at least {@code length} long (contents unspecified). */
    public double[] doubles(int slot, int length) {
        double[] a = doubles[slot];
        if (a == null || a.length < length) {
            a = new double[length];
            doubles[slot] = a;
        }
        return a;
    }

    /**
     * The state object of one kernel class, made by {@code create} on first use. One kernel class per
     * workspace keeps its state here; another class asking replaces it.
     */
    public <T> T kernelState(Class<T> type, Supplier<T> create) {
        if (!type.isInstance(kernelState)) {
            kernelState = create.get();
        }
        return type.cast(kernelState);
    }
}
