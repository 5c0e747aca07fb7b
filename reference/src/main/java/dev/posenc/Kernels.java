package dev.posenc;

import dev.posenc.reference.ReferenceKernels;
import dev.posenc.spi.KernelProviderFactory;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses, once per JVM, the implementation that {@link #get()} returns.
 *
 * <p>The Vector API implementation (module {@code dev.posenc.vector}) is chosen when it is on the
 * class or module path, {@code jdk.incubator.vector} is in the boot layer (start the JVM with
 * {@code --add-modules jdk.incubator.vector}), the C2 compiler is on and the preferred vector
 * species is at least 128 bits wide. Otherwise the scalar reference is used. Either way one line at
 * level INFO on the {@code dev.posenc} {@link System.Logger} says which and why. Both have the same
 * semantics; results differ only by the rounding bounds each kernel documents.
 *
 * <p>System properties, read once:
 * <ul>
 *   <li>{@value #IMPL_PROPERTY}: {@code auto} (default), {@code reference} (force scalar) or
 *       {@code vector} (require the Vector API; fail with {@link IllegalStateException} if it cannot run);
 *   <li>{@value #BITS_PROPERTY}: {@code 128}, {@code 256} or {@code 512} forces the vector width
 *       (no wider than the CPU's preferred width); unset means the preferred width.
 * </ul>
 * Any other value makes every call of {@link #get()} throw {@link IllegalArgumentException} naming
 * the property, its value and the accepted values.
 */
public final class Kernels {
    /** System property selecting the implementation: {@code auto}, {@code reference} or {@code vector}. */
    public static final String IMPL_PROPERTY = KernelProviderFactory.IMPL_PROPERTY;
    /** System property forcing the vector width in bits: {@code 128}, {@code 256} or {@code 512}. */
    public static final String BITS_PROPERTY = KernelProviderFactory.BITS_PROPERTY;

    private Kernels() {}

    /**
     * The implementation chosen for this JVM (see the class comment).
     *
     * @throws IllegalArgumentException if {@value #IMPL_PROPERTY} or {@value #BITS_PROPERTY} has a value
     *         that is not accepted
     * @throws IllegalStateException if {@code vector} was required and cannot run here
     */
    public static KernelProvider get() {
        Selection chosen = Selection.CHOSEN;
        if (chosen.provider == null) {
            throw chosen.badProperty ? new IllegalArgumentException(chosen.reason)
                    : new IllegalStateException(chosen.reason);
        }
        return chosen.provider;
    }

    /** The scalar reference implementation: the readable specification, accumulating in double. */
    public static KernelProvider reference() {
        return ReferenceKernels.INSTANCE;
    }

    /** Why {@link #get()} returns what it returns (or why it throws), as logged at start-up. */
    public static String selectionReason() {
        return Selection.CHOSEN.reason;
    }

    /** The provider and why; without a provider, why {@link #get()} throws (a bad property, or a required vector that cannot run). */
    private record Selection(KernelProvider provider, String reason, boolean badProperty) {
        static final Selection CHOSEN = choose();

        private static Selection choose() {
            String impl = System.getProperty(IMPL_PROPERTY, "auto").trim();
            String bits = System.getProperty(BITS_PROPERTY);
            Selection selection;
            if (bits != null && !List.of("128", "256", "512").contains(bits.trim())) {
                selection = invalid(BITS_PROPERTY, bits, "128, 256 or 512 (or unset: the CPU's preferred width)");
            } else {
                selection = switch (impl) {
                    case "reference", "scalar" ->
                            new Selection(reference(), IMPL_PROPERTY + "=" + impl + " forces the scalar reference", false);
                    case "auto" -> tryVector(false);
                    case "vector" -> tryVector(true);
                    default -> invalid(IMPL_PROPERTY, impl, "auto (the default), reference or vector");
                };
            }
            if (selection.provider != null) {
                System.getLogger("dev.posenc").log(System.Logger.Level.INFO, "posenc: using " + selection.provider.name()
                        + " kernels (" + selection.provider.description() + "): " + selection.reason);
            }
            return selection;
        }

        private static Selection invalid(String property, String value, String accepted) {
            return new Selection(null, "-D" + property + "='" + value + "' is not accepted: use " + accepted, true);
        }

        private static Selection tryVector(boolean required) {
            String why;
            try {
                Iterator<KernelProviderFactory> factories = ServiceLoader.load(KernelProviderFactory.class).iterator();
                if (factories.hasNext()) {
                    KernelProvider provider = factories.next().create();
                    return new Selection(provider, "the Vector API is available", false);
                }
                why = "no accelerated implementation (posenc-vector) is on the class or module path";
            } catch (UnsupportedOperationException | ServiceConfigurationError | LinkageError e) {
                why = e.getMessage();
            }
            if (required) {
                return new Selection(null, "-D" + IMPL_PROPERTY + "=vector was requested but cannot run: " + why, false);
            }
            return new Selection(reference(), "falling back to the scalar reference: " + why, false);
        }
    }
}
