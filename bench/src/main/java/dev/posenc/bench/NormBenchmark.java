package dev.posenc.bench;

import dev.posenc.norm.NormKernel;
import dev.posenc.norm.RmsNormWeighting;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * LayerNorm and RMSNorm over 512 hidden-state rows of width 768 (BERT/GPT-2) and 4096 (Llama 7B),
 * with learned weights, out of place.
 */
public class NormBenchmark extends KernelBenchmark {
    @Param({"768", "4096"})
    public int dim;

    @Param({"512"})
    public int rows;

    private NormKernel kernel;
    private float[] x;
    private float[] out;
    private float[] gamma;
    private float[] beta;

    @Setup
    public void setUp() {
        kernel = impl.provider().norms();
        SplittableRandom random = new SplittableRandom(42);
        x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 2);
        }
        out = new float[x.length];
        gamma = new float[dim];
        beta = new float[dim];
        for (int j = 0; j < dim; j++) {
            gamma[j] = (float) (1 + 0.1 * random.nextDouble());
            beta[j] = (float) (0.1 * random.nextDouble());
        }
    }

    @Benchmark
    public float[] layerNorm(Elements counter) {
        kernel.layerNorm(x, 0, out, 0, rows, dim, gamma, beta, 1e-5);
        counter.elements += (long) rows * dim;
        return out;
    }

    @Benchmark
    public float[] rmsNorm(Elements counter) {
        kernel.rmsNorm(x, 0, out, 0, rows, dim, gamma, 1e-6, RmsNormWeighting.PLAIN);
        counter.elements += (long) rows * dim;
        return out;
    }
}
