package dev.posenc.vector;

import dev.posenc.bias.AlibiBias;
import dev.posenc.bias.AttentionSinks;
import dev.posenc.bias.AttentionTemperature;
import dev.posenc.bias.ChunkedAttention;
import dev.posenc.bias.DebertaPositions;
import dev.posenc.bias.FireBias;
import dev.posenc.bias.KerpleBias;
import dev.posenc.bias.ShawRelativePositions;
import dev.posenc.bias.StreamingWindow;
import dev.posenc.bias.T5RelativeBias;
import dev.posenc.bias.TransformerXlPositions;
import dev.posenc.reference.AttentionCall;

/**
 * The evaluators of one block, one per position scheme, each made on first use: {@link #of} picks the
 * call's by a switch over the sealed {@link dev.posenc.bias.PositionScheme}. A new scheme adds its
 * case here (the compiler asks for it) and its evaluator's file.
 */
final class VectorSchemes {
    private VectorAlibiBias alibi;
    private VectorT5RelativeBias t5;
    private VectorShawRelativePositions shaw;
    private VectorTransformerXlPositions xl;
    private VectorKerpleBias kerple;
    private VectorFireBias fire;
    private VectorDebertaPositions deberta;
    private VectorStreamingWindow streaming;

    /** The evaluator of the call's scheme, set to it; {@code tables}: the workspace's, shared by its blocks. */
    VectorScheme of(AttentionCall call, SchemeTables tables) {
        return switch (call.scheme()) {
            case null -> VectorScheme.NONE;
            case AlibiBias a -> (alibi == null ? alibi = new VectorAlibiBias() : alibi).use(a);
            case T5RelativeBias t -> (t5 == null ? t5 = new VectorT5RelativeBias() : t5).use(t, call, tables);
            case ShawRelativePositions s -> (shaw == null ? shaw = new VectorShawRelativePositions() : shaw).use(s, tables);
            case TransformerXlPositions x -> (xl == null ? xl = new VectorTransformerXlPositions() : xl).use(x, tables);
            case KerpleBias k -> (kerple == null ? kerple = new VectorKerpleBias() : kerple).use(k, call, tables);
            case FireBias f -> (fire == null ? fire = new VectorFireBias() : fire).use(f, call, tables);
            case DebertaPositions d -> (deberta == null ? deberta = new VectorDebertaPositions() : deberta).use(d, call, tables);
            case StreamingWindow s -> (streaming == null ? streaming = new VectorStreamingWindow() : streaming).use(s);
            // Terms the blocks read through the call (σ, τ, the first visible key): no per-tile work.
            case AttentionSinks _, ChunkedAttention _, AttentionTemperature _ -> VectorScheme.NONE;
        };
    }
}
