package dev.posenc.vector;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What the evaluators derive from a scheme object — copies of its tables, tables in their own layout —
 * kept once per workspace and shared by its blocks (a call has one scheme). The evaluator of each
 * scheme defines the object and refills it in place when a call brings another scheme object of its
 * kind, so that calls allocate nothing. One object is kept per kind the workspace has seen (a handful at
 * most), so that calls alternating kinds on one workspace allocate nothing either (keeping only the last
 * kind's object made a new one, kilobytes for DeBERTa, on every such call).
 */
final class SchemeTables {
    private Object[] kept = new Object[0];

    /** The tables object of type {@code type} kept here, made by {@code make} if none of that type is kept yet. */
    <T> T of(Class<T> type, Supplier<T> make) {
        for (Object tables : kept) {
            if (type.isInstance(tables)) {
                return type.cast(tables);
            }
        }
        T made = make.get();
        kept = Arrays.copyOf(kept, kept.length + 1);
        kept[kept.length - 1] = made;
        return made;
    }
}
