package dev.posenc.properties.verify;

import dev.posenc.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * One JVM of {@code verify}: the implementation it must test and the flags that make the library
 * choose it.
 *
 * @param name       how the output names the run: {@code vector-256}, {@code scalar}
 * @param vectorBits the forced vector width, or 0 for the scalar fallback (a JVM without {@code jdk.incubator.vector})
 */
record VerifyRun(String name, int vectorBits) {

    /** The Vector API at a forced width. */
    static VerifyRun vector(int bits) {
        return new VerifyRun("vector-" + bits, bits);
    }

    /** The scalar fallback: the incubator module is absent, so the library must fall back by itself. */
    static VerifyRun scalarFallback() {
        return new VerifyRun("scalar", 0);
    }

    /** One line on what the run tests. */
    String title() {
        return vectorBits == 0 ? "the scalar fallback of a JVM without jdk.incubator.vector"
                : "the Vector API at " + vectorBits + " bits";
    }

    /** JVM options selecting the implementation and telling the selection check what it must be. */
    List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        if (vectorBits > 0) {
            options.add("--add-modules=jdk.incubator.vector");
            options.add("-D" + Kernels.IMPL_PROPERTY + "=vector");
            options.add("-D" + Kernels.BITS_PROPERTY + "=" + vectorBits);
        } else {
            options.add("-D" + Kernels.IMPL_PROPERTY + "=auto");
        }
        options.add("-Dposenc.expect=" + (vectorBits > 0 ? name : "reference"));
        return options;
    }
}
