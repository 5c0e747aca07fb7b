package dev.posenc.properties;

import dev.posenc.KernelProvider;
import dev.posenc.Positions;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.norm.RmsNormWeighting;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A few kernel calls of every family on fixed data; their results, one line per kernel, as
 * {@code name=[floats]}. Run as a main class it uses {@code Kernels.get()} and prints them: the
 * scalar-fallback test starts it in a JVM without {@code jdk.incubator.vector} and compares the lines
 * with the reference computed in its own JVM.
 */
final class SmallWorkload {
    private SmallWorkload() {}

    static Map<String, String> run(KernelProvider kernels) {
        Map<String, String> results = new LinkedHashMap<>();
        float[] x = new float[3 * 37];   // 37: not a multiple of any vector width
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.7) * 5;
        }
        float[] y = new float[x.length];
        kernels.softmax().softmax(x, 0, y, 0, 3, 37);
        results.put("softmax", Arrays.toString(y));
        kernels.norms().rmsNorm(x, 0, y, 0, 3, 37, null, 1e-6, RmsNormWeighting.PLAIN);
        results.put("rmsNorm", Arrays.toString(y));
        kernels.norms().layerNorm(x, 0, y, 0, 3, 37, null, null, 1e-5);
        results.put("layerNorm", Arrays.toString(y));
        float[] table = new float[5 * 38];
        kernels.absolutePositions().sinusoidal(SinusoidalEncoding.of(38), Positions.range(0, 5), table, 0);
        results.put("sinusoidal", Arrays.toString(table));
        return results;
    }

    public static void main(String[] args) throws ClassNotFoundException {
        // The Vector API implementation is on the class path; only the missing module may stop it.
        Class.forName("dev.posenc.vector.VectorKernelProviderFactory");
        System.out.println("incubator module in boot layer=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        System.out.println("kernels=" + dev.posenc.Kernels.get().name());
        run(dev.posenc.Kernels.get()).forEach((name, values) -> System.out.println(name + "=" + values));
    }
}
