package dev.posenc.bench.jlama;

import java.util.Optional;

/** Whether Jlama loads in this JVM, and which tensor operations it picked. */
public final class JlamaProbe {
    private JlamaProbe() {}

    /** Why Jlama cannot run here, or empty if it can. */
    public static Optional<String> problem() {
        try {
            String name = com.github.tjake.jlama.tensor.operations.TensorOperationsProvider.get().name();
            return name.contains("Panama") || name.contains("Native") ? Optional.empty()
                    : Optional.of("Jlama picked its scalar fallback (" + name + "), not its vector operations");
        } catch (LinkageError | RuntimeException e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** E.g. {@code Jlama 0.8.4, Panama Vector Operations}. */
    public static String describe() {
        Package p = com.github.tjake.jlama.tensor.AbstractTensor.class.getPackage();
        String version = p.getImplementationVersion() == null ? "" : " " + p.getImplementationVersion();
        return "Jlama" + version + ", " + com.github.tjake.jlama.tensor.operations.TensorOperationsProvider.get().name();
    }
}
