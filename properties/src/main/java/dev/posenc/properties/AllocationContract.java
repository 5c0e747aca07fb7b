package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.fail;

import dev.posenc.KernelProvider;
import dev.posenc.Kernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot loops allocate nothing, also when the kernel families are mixed in one JVM. Every {@link DeterminismWorkload}
 * case (every family, every code path) runs in turn {@value #ROUNDS} times in one forked JVM with the usual JIT
 * (tiered, usual thresholds) except that it compiles synchronously ({@code -Xbatch}), so that the rounds, not the
 * load of the machine, decide how far the JIT has got; each call is measured by the thread's allocation counter
 * ({@link AllocationProbe}). In each of the last {@value #LAST} rounds every call must allocate 0 bytes (every
 * case that {@link #allocatesNothingWhenWarm} promises it for: all but the scalar reference's RoPE).
 *
 * <p>What this catches: C2 declining to inline a helper that takes or returns vectors (its caller's node budget
 * spent, or the helper already compiled on its own into a medium method), which boxes those vectors on every
 * call; which sites it declines depends on every shape and family the JVM has run, so a benchmark of one kernel
 * alone can miss it (see the vector package's C2 rule). The forked JVM starts with {@link #jvmOptions()}: by
 * default those that made this JVM choose its implementation (as {@link DeterminismContract}), so a suite run at
 * each width checks that width, and the scalar fallback too. Subclass it, and override {@link #provider()} to test
 * your own {@link KernelProvider}.
 */
@ExtendWith(ShortStackTraces.class)
public abstract class AllocationContract {
    /** Rounds of the forked JVM: with {@code -Xbatch}, C2 has compiled every kernel, at its final inlining, well within them. */
    static final int ROUNDS = 4000;
    /** The rounds at the end whose calls must allocate nothing. */
    static final int LAST = 200;

    /** The implementation, as a class the forked JVM instantiates; default: {@code Kernels.get()} there. */
    protected Class<? extends Supplier<KernelProvider>> provider() {
        return DeterminismWorkload.ChosenKernels.class;
    }

    /** Options of the forked JVM; see the class comment for the default. */
    protected List<String> jvmOptions() {
        return ForkedJvm.inheritedOptions();
    }

    /**
     * Whether {@code kernels} promise that warm calls of the {@link DeterminismWorkload} case named
     * {@code workloadCase} allocate nothing: every case, except posenc's scalar reference RoPE, which is the formula
     * written to be read (each call makes its rows' cos and sin arrays and the function giving them).
     */
    protected boolean allocatesNothingWhenWarm(KernelProvider kernels, String workloadCase) {
        return kernels.rope() != Kernels.reference().rope() || !workloadCase.startsWith("rope ");
    }

    @Test
    public void warmKernelsAllocateNothingWhenTheFamiliesAreMixed(@TempDir Path dir) throws Exception {
        check(List.of("-Xbatch"), ROUNDS, LAST, dir, "boxed vectors where C2 declined to inline a helper?");
    }

    /**
     * Runs every case {@code rounds} times in a JVM forked with {@code jitOptions} and {@link #jvmOptions()}; fails,
     * naming each case and its bytes per call and suggesting {@code cause}, if a call of the last {@code last}
     * rounds allocated.
     */
    void check(List<String> jitOptions, int rounds, int last, Path dir, String cause) throws Exception {
        KernelProvider kernels = DeterminismWorkload.provider(provider().getName());
        Path file = dir.resolve("allocated.txt");
        List<String> options = new ArrayList<>(jitOptions);
        options.addAll(jvmOptions());
        ForkedJvm.finish(ForkedJvm.start(options, AllocationProbe.class, provider().getName(), Integer.toString(rounds),
                Integer.toString(last), file.toString()), "the JVM running the cases");
        StringBuilder allocating = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.split(" ", 4);
            if (parts[0].equals(AllocationProbe.ALLOCATED) && !parts[2].equals("0")
                    && allocatesNothingWhenWarm(kernels, parts[3])) {
                allocating.append(String.format("%n  %s: %s to %s bytes per call", parts[3], parts[1], parts[2]));
            }
        }
        if (!allocating.isEmpty()) {
            fail("after " + (rounds - last) + " rounds of every family's cases (" + String.join(" ", jitOptions)
                    + "), calls still allocate (" + cause + " see the vector package's C2 rule):" + allocating);
        }
    }
}
