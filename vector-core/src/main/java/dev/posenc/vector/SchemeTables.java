package dev.posenc.vector;

import java.util.function.Supplier;

/**
 * What the evaluators derive from a scheme object — copies of its tables, tables in their own layout —
 * kept once per workspace and shared by its blocks (a call has one scheme). The evaluator of each
 * scheme defines the object and refills it in place when a call brings another scheme object of its
 * kind, so that calls allocate nothing; only a call whose scheme is of another kind than the last one's
 * makes a new object.
 */
final class SchemeTables {
    private Object tables;

    /** The tables object of type {@code type} kept here, made by {@code make} if the one kept is of another type. */
    <T> T of(Class<T> type, Supplier<T> make) {
        if (!type.isInstance(tables)) {
            tables = make.get();
        }
        return type.cast(tables);
    }
}
