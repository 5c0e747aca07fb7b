package dev.posenc.vector;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/** Reads HotSpot flags (C2 on? hardware FMA?) where the JVM exposes them. */
final class VmOptions {
    private VmOptions() {}

    /** The flag's value, or empty on a JVM without the HotSpot diagnostic bean or the flag. */
    static Optional<String> get(String name) {
        try {
            return Optional.of(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
