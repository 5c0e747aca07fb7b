package dev.posenc.bench;

import dev.posenc.bench.jlama.JlamaRmsNorm;
import dev.posenc.bench.plain.PlainNorms;
import dev.posenc.norm.NormKernel;
import dev.posenc.norm.RmsNormWeighting;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * LayerNorm and RMSNorm over 512 hidden-state rows of width 768 (BERT/GPT-2) and 4096 (Llama 7B),
 * with learned weights, out of place (Jlama: RMSNorm only, into a tensor from its cache).
 */
public class NormBenchmark extends KernelBenchmark {
    private static final float LAYER_EPS = 1e-5f;
    private static final float RMS_EPS = 1e-6f;

    @Param({"768", "4096"})
    public int dim;

    @Param({"512"})
    public int rows;

    private NormKernel kernel;
    private JlamaRmsNorm jlama;
    private float[] x;
    private float[] out;
    private float[] gamma;
    private float[] beta;

    @Setup
    public void setUp() {
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
        switch (impl) {
            case reference, vector -> kernel = impl.provider().norms();
            case plain -> { }
            case jlama -> jlama = new JlamaRmsNorm(x, rows, dim, gamma, RMS_EPS);
        }
    }

    @Benchmark
    public float[] layerNorm(Elements counter) {
        switch (impl) {
            case plain -> PlainNorms.layerNorm(x, out, rows, dim, gamma, beta, LAYER_EPS);
            case jlama -> throw Implementation.noPeer("layerNorm");
            default -> kernel.layerNorm(x, 0, out, 0, rows, dim, gamma, beta, LAYER_EPS);
        }
        counter.elements += (long) rows * dim;
        return out;
    }

    @Benchmark
    public Object rmsNorm(Elements counter) {
        counter.elements += (long) rows * dim;
        return switch (impl) {
            case plain -> {
                PlainNorms.rmsNorm(x, out, rows, dim, gamma, RMS_EPS);
                yield out;
            }
            case jlama -> jlama.run();
            default -> {
                kernel.rmsNorm(x, 0, out, 0, rows, dim, gamma, RMS_EPS, RmsNormWeighting.PLAIN);
                yield out;
            }
        };
    }
}
