package dev.posenc.vector;

import dev.posenc.attention.KvPrecision;
import dev.posenc.reference.AttentionCall;

/**
 * What the wide and the narrow block share: the {@link Entries}, Qᵀ (their query rows, offset by the
 * scheme and scaled by {@code s·τ(p)}, lane-major by panel), the evaluator of the call's position
 * scheme, the logits' pipeline and the online softmax (started at the scheme's sink logits), all set
 * up by {@link #begin}.
 */
abstract class Block {
    private static final int PANEL = TileProducts.PANEL;

    final Entries entries = new Entries();
    final OnlineSoftmax softmax = new OnlineSoftmax();
    final TileLogits tileLogits = new TileLogits();
    private final VectorSchemes schemes = new VectorSchemes();
    /** The call's scheme evaluator. */
    VectorScheme scheme;
    /** Qᵀ {@code [headDim × panels·PANEL]}. */
    float[] queries = new float[0];
    /** The largest {@code τ(p)·‖q + offset‖} of the entries (without s), and the scheme's share of the logit bound. */
    double queryNorm;
    double extraNorm;

    /** Starts the block of entries {@code [heads h0, h1) × [rows r0, r1)}; {@code tables}: the workspace's. */
    final void begin(AttentionCall call, int h0, int h1, int r0, int r1, SchemeTables tables) {
        entries.set(call, h0, h1, r0, r1);
        scheme = schemes.of(call, tables);
        double scale = call.softCap() > 0 ? call.scale() / call.softCap() : call.scale();
        int lanes = entries.panels() * PANEL;
        if (queries.length < call.headDim() * lanes) {
            queries = new float[call.headDim() * lanes];
        }
        queryNorm = entries.scaledQueries(call, scheme.queryOffsets(), scale, queries, true);
        extraNorm = scheme.prepare(call, entries, queries, (float) scale, queryNorm);
        softmax.begin(call, entries);
    }

    /**
     * Whether the call reads an F16 cache holding an infinity or a NaN at a key the entries may see: the
     * conversion in registers reads those as finite numbers ({@link HalfPrecision}), so the entries are
     * computed exactly instead.
     */
    final boolean seesNonFiniteHalf(AttentionCall call) {
        return call.precision() == KvPrecision.F16 && call.lastNonFinite() >= entries.lo && entries.lo < entries.hi;
    }
}
