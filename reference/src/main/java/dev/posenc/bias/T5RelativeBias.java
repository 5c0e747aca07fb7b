package dev.posenc.bias;

import dev.posenc.internal.Checks;

/**
 * T5's learned relative position bias (HF {@code T5Attention.compute_bias}): head {@code h} adds
 * {@code table[h, bucket(j − p)]} to the logit of the query at position p and the key at j, with the
 * {@link T5Buckets buckets} of the model (bidirectional in the encoder, causal in the decoder).
 *
 * <p>T5 does not scale its logits by {@code 1/√d} (Mesh TensorFlow folds it into the initialisation):
 * use it with {@code AttentionOptions.withScale(1.0)}.
 *
 * <p>The table is copied at construction. Immutable and thread-safe.
 */
public final class T5RelativeBias implements RelativeBias {
    private final T5Buckets buckets;
    private final int heads;
    private final float[] table;

    private T5RelativeBias(T5Buckets buckets, int heads, float[] table) {
        this.buckets = buckets;
        this.heads = heads;
        this.table = table;
    }

    /**
     * A copy of {@code table[offset …]}, row-major {@code [heads × numBuckets]} (this library's
     * layout: one row of buckets per head).
     */
    public static T5RelativeBias of(T5Buckets buckets, int heads, float[] table, int offset) {
        int size = checkTable(buckets, heads, table, "table", offset, "heads × numBuckets");
        float[] copy = new float[size];
        System.arraycopy(table, offset, copy, 0, size);
        return new T5RelativeBias(buckets, heads, copy);
    }

    /**
     * From HF's {@code relative_attention_bias.weight}, an {@code nn.Embedding(numBuckets, heads)}:
     * row-major {@code [numBuckets × heads]} from {@code offset} (transposed on the way in).
     */
    public static T5RelativeBias fromEmbeddingWeight(T5Buckets buckets, int heads, float[] weight, int offset) {
        int size = checkTable(buckets, heads, weight, "weight", offset, "numBuckets × heads");
        float[] table = new float[size];
        for (int b = 0; b < buckets.numBuckets(); b++) {
            for (int h = 0; h < heads; h++) {
                table[h * buckets.numBuckets() + b] = weight[offset + b * heads + h];
            }
        }
        return new T5RelativeBias(buckets, heads, table);
    }

    private static int checkTable(T5Buckets buckets, int heads, float[] table, String name, int offset, String what) {
        Checks.notNull(buckets, "buckets");
        Checks.positive(heads, "heads");
        int size = Checks.product(heads, "heads", buckets.numBuckets(), "numBuckets");
        Checks.fits(table, name, offset, size, what);
        return size;
    }

    /** The bucket function. */
    public T5Buckets buckets() {
        return buckets;
    }

    @Override
    public int heads() {
        return heads;
    }

    /** {@code table[h, bucket]}, for {@code 0 <= head < heads()} and {@code 0 <= bucket < numBuckets}. */
    public float table(int head, int bucket) {
        Checks.index(head, heads, "head");
        return table[head * buckets.numBuckets() + Checks.index(bucket, buckets.numBuckets(), "bucket")];
    }

    @Override
    public double bias(int head, int queryPosition, int keyPosition) {
        return table(head, buckets.bucket((long) keyPosition - queryPosition));
    }

    @Override
    public String toString() {
        return "T5RelativeBias[heads=" + heads + ", " + buckets + "]";
    }
}
