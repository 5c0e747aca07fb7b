package dev.posenc.bench.jlama;

import com.github.tjake.jlama.math.ActivationFunction;
import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.DistributedContext;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.TransformerBlock;
import com.github.tjake.jlama.model.functions.EmbedInput;
import com.github.tjake.jlama.model.functions.SampleOutput;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.TensorInfo;
import com.github.tjake.jlama.safetensors.WeightLoader;
import com.github.tjake.jlama.tensor.AbstractTensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The smallest Jlama model that its layers accept as their owner: a float32 configuration of the
 * given width and no weights (Jlama's {@code RMSNorm} reads the width, eps and tensor allocator from it).
 */
final class JlamaHost extends AbstractModel {

    JlamaHost(int dim, float eps) {
        super(InferenceType.INPUT_TO_EMBEDDING,
                new Config(4096, dim, 4 * dim, 1, 1, 1, eps, 32_000, 1, List.of(2), ActivationFunction.Type.SILU, 10_000.0, 1.0),
                new NoWeights(), null, DType.F32, DType.F32, Optional.empty());
    }

    @Override
    protected EmbedInput loadInputWeights() {
        return null;
    }

    @Override
    protected TransformerBlock[] loadTransformerBlockWeights() {
        return null;
    }

    @Override
    protected SampleOutput loadOutputWeights() {
        return null;
    }

    @Override
    public ModelSupport.ModelType getModelType() {
        return null;
    }

    /** A float32 model with no tensors. */
    private static final class NoWeights implements WeightLoader {
        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Map<String, TensorInfo> tensorInfoMap() {
            return Map.of();
        }

        @Override
        public AbstractTensor load(String name, DistributedContext dctx, boolean sparseRows, boolean sparseColumns) {
            throw new UnsupportedOperationException("the benchmark host has no weight " + name);
        }

        @Override
        public DType getModelDType() {
            return DType.F32;
        }

        @Override
        public void close() {}
    }
}
