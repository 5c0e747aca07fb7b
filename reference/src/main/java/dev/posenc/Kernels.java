package dev.posenc;

import dev.posenc.reference.ReferenceKernels;
import dev.posenc.spi.KernelProviderFactory;
import java.util.Iterator;
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
 */
public final class Kernels {
    /** System property selecting the implementation: {@code auto}, {@code reference} or {@code vector}. */
    public static final String IMPL_PROPERTY = "posenc.impl";
    /** System property forcing the vector width in bits: {@code 128}, {@code 256} or {@code 512}. */
    public static final String BITS_PROPERTY = KernelProviderFactory.BITS_PROPERTY;

    private Kernels() {}

    /** The implementation chosen for this JVM (see the class comment). */
    public static KernelProvider get() {
        return Selection.CHOSEN.provider;
    }

    /** The scalar reference implementation: the readable specification, accumulating in double. */
    public static KernelProvider reference() {
        return ReferenceKernels.INSTANCE;
    }

    /** Why {@link #get()} returns what it returns, as logged at start-up. */
    public static String selectionReason() {
        return Selection.CHOSEN.reason;
    }

    private record Selection(KernelProvider provider, String reason) {
        static final Selection CHOSEN = choose();

        private static Selection choose() {
            String impl = System.getProperty(IMPL_PROPERTY, "auto").trim();
            Selection selection = switch (impl) {
                case "reference", "scalar" ->
                        new Selection(reference(), IMPL_PROPERTY + "=" + impl + " forces the scalar reference");
                case "auto" -> tryVector(false);
                case "vector" -> tryVector(true);
                default -> throw new IllegalStateException(IMPL_PROPERTY + " must be auto, reference or vector, was '"
                        + impl + "'");
            };
            System.getLogger("dev.posenc").log(System.Logger.Level.INFO,
                    "posenc: using " + selection.provider.name() + " kernels (" + selection.provider.description()
                            + "): " + selection.reason);
            return selection;
        }

        private static Selection tryVector(boolean required) {
            String why;
            try {
                Iterator<KernelProviderFactory> factories = ServiceLoader.load(KernelProviderFactory.class).iterator();
                if (factories.hasNext()) {
                    KernelProvider provider = factories.next().create();
                    return new Selection(provider, "the Vector API is available");
                }
                why = "no accelerated implementation (posenc-vector) is on the class or module path";
            } catch (UnsupportedOperationException | ServiceConfigurationError | LinkageError e) {
                why = e.getMessage();
            }
            if (required) {
                throw new IllegalStateException(IMPL_PROPERTY + "=vector was requested but cannot run: " + why);
            }
            return new Selection(reference(), "falling back to the scalar reference: " + why);
        }
    }
}
