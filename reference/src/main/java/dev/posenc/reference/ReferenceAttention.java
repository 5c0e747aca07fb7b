package dev.posenc.reference;

import dev.posenc.internal.AttentionProblem;
import dev.posenc.internal.AttentionScratch;
import dev.posenc.internal.ExactAttention;
import dev.posenc.internal.WorkItemAttention;

/**
 * Attention as the formula reads ({@link ExactAttention}): for every head and query row, the row of
 * logits in double, its softmax, the weighted sum of values, rounded once to float. Materialises one
 * row of {@code keys} doubles at a time (in the workspace); no tiling. Work items are 16 rows of one
 * head.
 */
final class ReferenceAttention extends WorkItemAttention {
    private static final int ROWS_PER_ITEM = 16;
    private static final int SCORES = 0;
    private static final int ACC = 1;

    @Override
    protected int items(AttentionProblem p) {
        return p.heads * blocks(p);
    }

    @Override
    protected void run(AttentionProblem p, int item, AttentionScratch scratch) {
        int head = item / blocks(p);
        int first = item % blocks(p) * ROWS_PER_ITEM;
        double[] scores = scratch.doubles(SCORES, p.keys);
        double[] acc = scratch.doubles(ACC, p.valueDim);
        for (int row = first; row < Math.min(p.queries, first + ROWS_PER_ITEM); row++) {
            ExactAttention.row(p, head, row, scores, acc);
        }
    }

    private static int blocks(AttentionProblem p) {
        return (p.queries + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
    }
}
