package dev.posenc.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Lets the library's kernels read the arrays inside immutable API objects (frequency tables,
 * cos/sin caches, bias tables) without a defensive copy per call, while users see only read
 * accessors. Each such API class registers a reader for its private state in its static
 * initialiser; a kernel then calls {@link #of}. Kernels must never write through what they get.
 */
public final class SharedState {
    private static final Map<Class<?>, Function<Object, Object>> READERS = new ConcurrentHashMap<>();

    private SharedState() {}

    /** Called once by {@code type}'s static initialiser. */
    @SuppressWarnings("unchecked")
    public static <T> void register(Class<T> type, Function<? super T, ?> reader) {
        if (READERS.putIfAbsent(type, (Function<Object, Object>) reader) != null) {
            throw new IllegalStateException("a reader for " + type.getName() + " is already registered");
        }
    }

    /**
     * The private state of {@code owner}, as its class registered it.
     *
     * @param stateType the type the registered reader returns
     */
    public static <S> S of(Object owner, Class<S> stateType) {
        Function<Object, Object> reader = READERS.get(owner.getClass());
        if (reader == null) {
            throw new IllegalStateException("no reader registered for " + owner.getClass().getName());
        }
        return stateType.cast(reader.apply(owner));
    }
}
