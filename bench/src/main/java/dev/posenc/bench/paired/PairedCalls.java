package dev.posenc.bench.paired;

import java.io.File;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two builds of one benchmark timed call by call in ONE JVM, each build in its own class loader, the order
 * alternating: both sides see the same JIT, the same load and the same phase of a shared machine, so the
 * median of the paired ratios settles "is B slower than A?" where JMH's medians over separate JVMs cannot
 * (on the 2-vCPU VM of issue 12, prefill switched between phases 1.35× apart inside one JVM, for seconds).
 * Each call is timed alone, so use it for calls of 0.1 ms or more. The report's paired guards
 * ({@code Guard.Paired}) time two calls of one build the same way ({@link #time}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.posenc.bench.paired.PairedCalls \
 *     old/benchmarks.jar AttentionBenchmark.prefill:scheme=alibi \
 *     bench/target/benchmarks.jar AttentionBenchmark.prefill:scheme=alibi [warm-up pairs] [pairs] [counter]</pre>
 *
 * A side is a class path (jars or folders, {@code File.pathSeparator} between them) and
 * {@code Benchmark.method[:field=value,...]}: a benchmark class of {@code dev.posenc.bench}, its public
 * {@code @Param} fields ({@code impl} is {@code vector} unless given, where the benchmark has one), set before its
 * {@code @Setup} methods run. The two sides may be different benchmarks: a kernel against its probe over as many
 * elements gives the kernel's share of that ceiling, both timed in the same phases of one JVM. With a counter
 * ({@code flops}), calls doing different work compare as rates: {@code PeakBenchmark.fma} against
 * {@code AttentionBenchmark.prefill:scheme=alibi} with {@code flops} gives prefill's share of the FMA peak.
 *
 * <p>With {@code --first <Benchmark.method[:field=value,...]>[;...]} before the class paths, each side's build first
 * runs those calls in its own loader ({@link Side#callFirst}), so that the measured calls are compiled in a JVM that has
 * run other paths of the same kernels, as an embedding's would (attention over arrays and a heap cache's decode before an
 * off-heap cache's decode).
 *
 * <p>Two sides on the same class path that call different methods of one benchmark with the same fields call one
 * object of it ({@link Side#of}): {@code DecodeBenchmark.decode} against {@code DecodeBenchmark.readCache}, or against
 * {@code decodeTwoThreads}, over one cache, so that the pair holds what one call alone holds. Sides on two class paths
 * (two builds), and a call paired with itself, each set up an object of their own in a loader of their own.
 */
public final class PairedCalls {
    /** The least time of warm-up and of measurement: thousands of pairs for a call of a fraction of a millisecond. */
    public static final double MIN_SECONDS = 1.5;
    /** The longest a shorter call is repeated to match the longer one ({@link #balance}): well inside one speed phase. */
    static final long BALANCE_NANOS = 20_000_000;
    /**
     * Below this many bytes per call a side's call counts as compiled: the threshold of the JMH rows' vector warm-up
     * ({@code KernelBenchmark#warmUntilAllocationFree}); until C2 has compiled a Vector API kernel its vectors are
     * boxed, and a kernel that hands work to a thread pool allocates a few hundred bytes per call by design.
     */
    static final double ALLOCATION_FREE = 1024;
    /** Warm-up pairs in a row in which both sides must be allocation-free. */
    static final int FREE_PAIRS = 3;
    /**
     * The warm-up waits for that at most this many times its least time more (20 s in the quick profile). At 8 (4 s more)
     * a decode side of 32768 positions, about 30 ms a call, was still allocating 52 224 B per call in the first pairing
     * of its group's JVM, and ran 1.44× slower than compiled (34.5 against 23.9 ms per call): in the report's runs of
     * 2026-11-30 04:02, 06:32 and 06:40 it made the f32 read target and F16 ÷ f32 at 32768 INCONCLUSIVE. Warmed for up to
     * 9 s, the F16 side of that group still allocated in one JVM of two; for up to 18 s, neither side did (PairedGroup on
     * those two pairings, load 1.5–2.7).
     */
    static final int ALLOCATION_WAIT = 40;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private PairedCalls() {}

    /**
     * One benchmark call of one build, ready to be timed: a method of a benchmark object set up in a class loader of its
     * own ({@link #Side(String, String)}), or of one that another side set up ({@link #of}).
     */
    static final class Side implements AutoCloseable {
        private final String classPath;
        private final URLClassLoader loader;
        private final Object benchmark;
        /** The benchmark's fields as set, {@code impl} included where it has one. */
        private final Map<String, String> fields;
        /** Whether this side set the benchmark up, so tears it down (a side sharing it does not). */
        private final boolean owner;
        /** Whether this side made its loader, so closes it (a side sharing its object, or a {@link #callFirst} one, does not). */
        private final boolean ownsLoader;
        private final Method method;
        private final Object[] states;
        private long calls;
        /** Calls per timing (see {@link #balance}). */
        int repeat = 1;
        /** The threads a call runs on: its method's {@link CallThreads}, else 1. */
        final int threads;
        /** Bytes this thread allocated per call in the last timing. */
        double allocated;
        /** The share of the last timing's wall time × {@link #threads} that its threads spent on a CPU ({@link #cpuTime}). */
        double onCpu;

        /** A side of its own: the benchmark of {@code spec} set up in a new class loader over {@code classPath}. */
        Side(String classPath, String spec) throws ReflectiveOperationException, MalformedURLException {
            this(classPath, new URLClassLoader(urls(classPath), ClassLoader.getPlatformClassLoader()), true, spec);
        }

        /** The benchmark of {@code spec} set up in {@code loader} (over {@code classPath}), closed with this side if it {@code ownsLoader}. */
        private Side(String classPath, URLClassLoader loader, boolean ownsLoader, String spec) throws ReflectiveOperationException {
            Spec s = Spec.of(spec);
            this.classPath = classPath;
            this.loader = loader;
            this.ownsLoader = ownsLoader;
            owner = true;
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader); // the kernels' ServiceLoader looks here
            try {
                Class<?> type = loader.loadClass(s.className());
                method = s.methodOf(type);
                benchmark = type.getConstructor().newInstance();
                fields = s.fieldsOf(type);
                for (Map.Entry<String, String> p : fields.entrySet()) {
                    Field field = type.getField(p.getKey());
                    field.set(benchmark, value(field.getType(), p.getValue()));
                }
                setUp(benchmark);
                threads = threads(method);
                states = states(method);
            } catch (ReflectiveOperationException | RuntimeException e) {
                try {
                    if (ownsLoader) {
                        loader.close();
                    }
                } catch (java.io.IOException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        /** A side calling {@code method} of {@code shared}'s benchmark object, with counters of its own. */
        private Side(Side shared, Method method) throws ReflectiveOperationException {
            classPath = shared.classPath;
            loader = shared.loader;
            benchmark = shared.benchmark;
            fields = shared.fields;
            owner = false;
            ownsLoader = false;
            this.method = method;
            threads = threads(method);
            states = states(method);
        }

        /**
         * The side of {@code spec} on {@code classPath}: one calling the benchmark object that a side of {@code others}
         * set up, when {@code spec} calls another method of it with the same fields and that side runs over the same class
         * path (the same build); else a side of its own. So a decode step and a read of that step's own cache
         * ({@code DecodeBenchmark.decode} and {@code readCache}), or a step on two threads and on one, are timed over one
         * cache, the footprint of one call alone. Sides of separate objects hold a copy each, and at 4096 positions
         * (32 MiB of K/V; the report's curve: 28 GB/s from 4 to 64 MiB, 11–15 GB/s beyond) the copies crowded each other
         * (2026-11-30, load 1.8–4, all sides on a CPU): the f32 step took a median 1.77–2.16 ms beside a separate 32 MiB
         * read (and 3.10 ms in the report of 09:40), against 1.75–1.86 ms beside a read of its own cache, 1.75–1.81 ms
         * beside reads of 1–16 MiB, 1.79–1.85 ms beside a 16 KiB one; the one-thread step beside the two-thread
         * step over a second cache took 1.95–2.20 ms, against 1.71–1.76 ms over one. Not footprint alone: beside a second
         * step over a cache of its own (64 MiB too) it took 1.79–1.89 ms; this VM exposes no cache counters to say more.
         * A call paired with itself, and sides of two builds, keep an object each, in a loader each.
         */
        static Side of(String classPath, String spec, Collection<Side> others) throws ReflectiveOperationException,
                MalformedURLException {
            Spec s = Spec.of(spec);
            for (Side other : others) {
                Class<?> type = other.benchmark.getClass();
                if (other.classPath.equals(classPath) && type.getName().equals(s.className())
                        && !other.method.getName().equals(s.method()) && other.fields.equals(s.fieldsOf(type))) {
                    return new Side(other, s.methodOf(type));
                }
            }
            return new Side(classPath, spec);
        }

        /** The benchmark object this side calls. */
        Object benchmark() {
            return benchmark;
        }

        /**
         * {@link #repeat} calls in a row, in nanoseconds per call (and the bytes they allocated and their share of time
         * on a CPU, outside the time).
         */
        long time() throws ReflectiveOperationException {
            long cpu = cpuTime();   // outside the allocation count: on two threads it allocates the threads' ids
            long before = THREADS.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            for (int i = 0; i < repeat; i++) {
                method.invoke(benchmark, states);
            }
            long nanos = System.nanoTime() - start;
            long after = THREADS.getCurrentThreadAllocatedBytes();
            onCpu = (double) (cpuTime() - cpu) / ((double) threads * Math.max(nanos, 1));
            allocated = (double) (after - before) / repeat;
            calls += repeat;
            return nanos / repeat;
        }

        /**
         * Nanoseconds on a CPU so far: the calling thread's for a one-thread side; for a side on {@link #threads} threads,
         * the sum over every live Java thread of this JVM, since the side's other threads (a pool's) are not known by
         * name. That sum holds the side's threads and ones blocked meanwhile (the other side's idle pool thread, the JVM's
         * Reference Handler, Finalizer, Common-Cleaner: tens of microseconds a second at most; a Java thread of the
         * caller's own that ran meanwhile would count too, and PairedCalls' and PairedGroup's JVMs run none), and not the
         * JIT's compiler threads (hidden from {@code ThreadMXBean}) nor the GC's (not Java threads), which is why it is
         * not the process's CPU time ({@code OperatingSystemMXBean#getProcessCpuTime}): a compiler thread on the second
         * CPU while the side's own second thread waited for one would otherwise pass for it. As each thread is on a CPU
         * for at most the wall time, a two-thread side on a CPU for {@link PairedTimes.Conditions#ON_CPU} 0.9 of 2 × its
         * wall time had each thread on one for at least 0.8 of it; one whose second thread got no CPU has at most 0.5.
         */
        private long cpuTime() {
            if (threads == 1) {
                return THREADS.getCurrentThreadCpuTime();
            }
            long sum = 0;
            for (long nanos : THREADS.getThreadCpuTime(THREADS.getAllThreadIds())) {
                sum += Math.max(nanos, 0); // -1: the thread ended meanwhile
            }
            return sum;
        }

        /** {@code method}'s {@link CallThreads} (the annotation of the side's own loader, read by name), else 1. */
        private static int threads(Method method) throws ReflectiveOperationException {
            for (java.lang.annotation.Annotation a : method.getAnnotations()) {
                if (a.annotationType().getName().equals(CallThreads.class.getName())) {
                    int threads = (int) a.annotationType().getMethod("value").invoke(a);
                    if (threads < 2) {
                        throw new IllegalArgumentException("@CallThreads of " + method.getName() + " must be at least 2, was "
                                + threads);
                    }
                    return threads;
                }
            }
            return 1;
        }

        /**
         * The work one call did, as the benchmark counts it: its counter state's field {@code counter} ({@code flops},
         * {@code bytes}, {@code elements}) summed over every call so far (warm-up too; the benchmarks count the same
         * work in every call) ÷ the calls.
         */
        double perCall(String counter) throws IllegalAccessException {
            for (Object state : states) {
                for (Field f : state.getClass().getFields()) {
                    if (f.getName().equals(counter) && f.getType() == long.class) {
                        return (double) f.getLong(state) / calls;
                    }
                }
            }
            throw new IllegalArgumentException(method.getName() + " counts no " + counter + " (its counters: "
                    + Arrays.stream(states).map(st -> st.getClass().getSimpleName()).toList() + ")");
        }

        /** A new instance of each of {@code method}'s parameters (its counters), set up. */
        private static Object[] states(Method method) throws ReflectiveOperationException {
            Object[] states = new Object[method.getParameterCount()];
            for (int i = 0; i < states.length; i++) {
                states[i] = method.getParameterTypes()[i].getConstructor().newInstance();
                setUp(states[i]);
            }
            return states;
        }

        /** Tears the benchmark down and closes its loader, if this side set them up. */
        @Override
        public void close() throws Exception {
            if (!owner) {
                return;
            }
            for (Method m : benchmark.getClass().getMethods()) {
                if (annotated(m, "TearDown") && m.getParameterCount() == 0) {
                    m.invoke(benchmark);
                }
            }
            if (ownsLoader) {
                loader.close();
            }
        }

        /**
         * Calls {@code spec}'s method on an object of its own, set up in this side's loader (so the same classes, the
         * kernels' profiles included), for at least {@code minNanos} and until {@link #FREE_PAIRS} calls in a row have been
         * allocation-free with the JIT idle, or {@link #ALLOCATION_WAIT} × {@code minNanos} more have passed (as
         * {@link #run}'s warm-up), then tears it down: what an embedding ran before the measured calls (prefill over
         * arrays, a heap cache's decode, before an off-heap cache's decode), so that the JIT compiles the measured calls'
         * kernels after having seen those paths.
         */
        void callFirst(String spec, long minNanos) throws Exception {
            try (Side first = new Side(classPath, loader, false, spec)) {
                long start = System.nanoTime();
                int settled = 0;
                for (int i = 0; warming(i, 0, System.nanoTime() - start, minNanos, settled); i++) {
                    long compiling = JIT.getTotalCompilationTime();
                    first.time();
                    settled = settled(settled, first.allocated < ALLOCATION_FREE, JIT.getTotalCompilationTime() == compiling);
                }
            }
        }
    }

    /** A side's {@code Benchmark.method[:field=value,...]}, parsed. */
    private record Spec(String className, String method, Map<String, String> params) {
        static Spec of(String spec) {
            String[] parts = spec.split(":", 2);
            int dot = parts[0].lastIndexOf('.');
            if (dot < 0) {
                throw new IllegalArgumentException("a side is Benchmark.method[:field=value,...], was " + spec);
            }
            return new Spec("dev.posenc.bench." + parts[0].substring(0, dot), parts[0].substring(dot + 1),
                    PairedCalls.params(parts.length > 1 ? parts[1] : ""));
        }

        /** The fields to set on a {@code type}: the given ones, and {@code impl} = {@code vector} where it has one and none is given. */
        Map<String, String> fieldsOf(Class<?> type) {
            Map<String, String> fields = new LinkedHashMap<>(params);
            if (Arrays.stream(type.getFields()).anyMatch(f -> f.getName().equals("impl"))) {
                fields.putIfAbsent("impl", "vector"); // kernels' benchmarks; probes have no implementation
            }
            return fields;
        }

        Method methodOf(Class<?> type) {
            return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(method)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no method " + type.getSimpleName() + "." + method));
        }
    }

    /**
     * Times at least {@code pairs} pairs, for at least {@code minNanos}, after at least {@code warm} unrecorded ones
     * lasting at least {@code minNanos} too and until {@link #FREE_PAIRS} pairs in a row have been settled (both sides'
     * calls allocation-free, {@link #ALLOCATION_FREE}, and the JIT idle), or {@link #ALLOCATION_WAIT} × {@code minNanos}
     * more have passed, A first in even pairs and B first in odd ones.
     *
     * <p>A fixed warm-up of 1.5 s was too short for a decode step at 4096 positions (about 1.2 s of it in the first,
     * interpreted call): paired with itself, one copy ran 1.35× as fast as the other; warmed until allocation-free
     * (2.4 s), 0.97. Allocation-free was not always enough at load 4–6: the FMA probe beside prefill then took 55–80 µs
     * per call in half the measured pairs of a pairing, against 3–4 µs compiled, with the JIT busy for 0.7 s meanwhile:
     * hence the idle JIT too. After each warm-up pair the shorter call is set to repeat as often as makes it last about
     * as long as the longer one, up to {@link #BALANCE_NANOS}, by each side's fastest call so far (one pair descheduled
     * for 20 ms no longer makes every later pair last 20 ms): a probe call of microseconds beside a prefill of 100 ms
     * then gets enough calls to be compiled (paired once a pair, the FMA probe stayed interpreted and boxed its vectors:
     * 200× slower), and its timings cover more than a few microseconds of the machine's phase. The times come with the
     * {@link PairedTimes.Conditions} of the measured pairs.
     */
    static PairedTimes run(Side a, Side b, int warm, int pairs, long minNanos) throws ReflectiveOperationException {
        long start = System.nanoTime();
        int settled = 0;
        long fastestA = Long.MAX_VALUE;
        long fastestB = Long.MAX_VALUE;
        for (int i = 0; warming(i, warm, System.nanoTime() - start, minNanos, settled); i++) {
            long compiling = JIT.getTotalCompilationTime();
            fastestA = Math.min(fastestA, a.time());
            fastestB = Math.min(fastestB, b.time());
            balance(a, fastestA, b, fastestB);
            settled = settled(settled, a.allocated < ALLOCATION_FREE && b.allocated < ALLOCATION_FREE,
                    JIT.getTotalCompilationTime() == compiling);
        }
        long[][] t = new long[2][pairs];
        double[][] onCpu = new double[2][pairs];
        double[][] bytes = new double[2][pairs];
        long compiling = JIT.getTotalCompilationTime();
        start = System.nanoTime();
        int i = 0;
        for (; i < pairs || System.nanoTime() - start < minNanos; i++) {
            if (i == t[0].length) {
                for (int side = 0; side < 2; side++) {
                    t[side] = Arrays.copyOf(t[side], 2 * i);
                    onCpu[side] = Arrays.copyOf(onCpu[side], 2 * i);
                    bytes[side] = Arrays.copyOf(bytes[side], 2 * i);
                }
            }
            if (i % 2 == 0) {
                t[0][i] = a.time();
                t[1][i] = b.time();
            } else {
                t[1][i] = b.time();
                t[0][i] = a.time();
            }
            onCpu[0][i] = a.onCpu;
            onCpu[1][i] = b.onCpu;
            bytes[0][i] = a.allocated;
            bytes[1][i] = b.allocated;
        }
        PairedTimes.Conditions conditions = new PairedTimes.Conditions(lowerQuartile(onCpu[0], i), lowerQuartile(onCpu[1], i),
                a.threads, b.threads, median(bytes[0], i), median(bytes[1], i), JIT.getTotalCompilationTime() - compiling);
        return new PairedTimes(Arrays.copyOf(t[0], i), Arrays.copyOf(t[1], i)).in(conditions);
    }

    /** Settled pairs in a row after {@code before} and one more, whose sides were both allocation-free or not. */
    static int settled(int before, boolean allocationFree, boolean jitIdle) {
        return allocationFree && jitIdle ? before + 1 : 0;
    }

    /**
     * The {@code n/4}-th of the first {@code n} values sorted, as the paired ratios' lower quartile: a side's share on a
     * CPU must hold in three pairs of four, the pairs the ratios' quartiles stand on. Its median did not: prefill on two
     * threads ÷ one (2026-11-30 05:13, load 1.9) gave median 1.79, quartiles 1.05–2.02 with the two-thread side's median
     * share 99%, its second thread lost in about a quarter of the pairs.
     */
    private static double lowerQuartile(double[] values, int n) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return sorted[n / 4];
    }

    private static double median(double[] values, int n) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return sorted[n / 2];
    }

    /**
     * Whether the warm-up goes on after {@code done} of at least {@code warm} pairs, {@code elapsed} of at least
     * {@code minNanos}, the last {@code settled} pairs allocation-free on both sides with the JIT idle.
     */
    static boolean warming(int done, int warm, long elapsed, long minNanos, int settled) {
        return done < warm || elapsed < minNanos || settled < FREE_PAIRS && elapsed < (1 + ALLOCATION_WAIT) * minNanos;
    }

    /**
     * Sets the side with the shorter call (per call {@code perCallA}, {@code perCallB} ns) to repeat it as often as
     * the other's lasts, up to {@link #BALANCE_NANOS}.
     */
    static void balance(Side a, long perCallA, Side b, long perCallB) {
        double longer = Math.min(Math.max(Math.max(perCallA, perCallB), 1), BALANCE_NANOS);
        a.repeat = (int) Math.max(1, Math.round(longer / Math.max(perCallA, 1)));
        b.repeat = (int) Math.max(1, Math.round(longer / Math.max(perCallB, 1)));
    }

    /** {@link #run} with each side's work per call read from its counter {@code counter} ({@link Side#perCall}). */
    static PairedTimes run(Side a, Side b, int warm, int pairs, long minNanos, String counter) throws ReflectiveOperationException {
        return run(a, b, warm, pairs, minNanos).per(counter, a.perCall(counter), b.perCall(counter));
    }

    /**
     * Loads side A ({@code Benchmark.method[:field=value,...]} of the build on {@code classPathA}) and side B,
     * times at least {@code pairs} alternating pairs of their calls, for at least {@code minSeconds}, after at least
     * {@code warm} unrecorded ones lasting at least {@code minSeconds} too ({@link #MIN_SECONDS} on the command line and
     * in the report's full profile), and closes both.
     */
    public static PairedTimes time(String classPathA, String specA, String classPathB, String specB, int warm, int pairs,
                                   double minSeconds) throws Exception {
        return time(classPathA, specA, classPathB, specB, warm, pairs, minSeconds, Optional.empty());
    }

    /**
     * The same, and when {@code counter} is given ({@code flops}, {@code bytes}), each side's work per call as its
     * benchmark counts it, so that the paired ratios compare rates (work ÷ time), not calls.
     */
    public static PairedTimes time(String classPathA, String specA, String classPathB, String specB, int warm, int pairs,
                                   double minSeconds, Optional<String> counter) throws Exception {
        return time(classPathA, specA, classPathB, specB, warm, pairs, minSeconds, counter, List.of());
    }

    /**
     * The same, and before the warm-up, each loader of a side that set its benchmark up runs the calls of {@code first}
     * in order ({@link Side#callFirst}, at least {@code minSeconds} each).
     */
    public static PairedTimes time(String classPathA, String specA, String classPathB, String specB, int warm, int pairs,
                                   double minSeconds, Optional<String> counter, List<String> first) throws Exception {
        if (warm < 0 || pairs < 1) {
            throw new IllegalArgumentException("need warm >= 0 and pairs >= 1, was " + warm + " and " + pairs);
        }
        try (Side a = new Side(classPathA, specA); Side b = Side.of(classPathB, specB, List.of(a))) {
            long minNanos = (long) (minSeconds * 1e9);
            for (Side side : b.owner ? List.of(a, b) : List.of(a)) {
                for (String spec : first) {
                    side.callFirst(spec, minNanos);
                }
            }
            return counter.isPresent() ? run(a, b, warm, pairs, minNanos, counter.get()) : run(a, b, warm, pairs, minNanos);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** {@code field=value,...} as a map, in order. */
    static Map<String, String> params(String list) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : list.isEmpty() ? new String[0] : list.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("a parameter is field=value, was " + pair);
            }
            params.put(kv[0], kv[1]);
        }
        return params;
    }

    private static URL[] urls(String classPath) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        return urls.toArray(URL[]::new);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object value(Class<?> type, String text) {
        if (type == int.class) {
            return Integer.parseInt(text);
        }
        if (type == long.class) {
            return Long.parseLong(text);
        }
        if (type.isEnum()) {
            return Enum.valueOf((Class<? extends Enum>) type, text);
        }
        if (type == String.class) {
            return text;
        }
        throw new IllegalArgumentException("cannot set a field of type " + type.getName() + " to " + text);
    }

    /** Runs the object's JMH {@code @Setup} methods that take no argument (its own loader's annotation). */
    private static void setUp(Object o) throws ReflectiveOperationException {
        for (Method m : o.getClass().getMethods()) {
            if (annotated(m, "Setup") && m.getParameterCount() == 0) {
                m.invoke(o);
            }
        }
    }

    private static boolean annotated(Method m, String jmhAnnotation) {
        return Arrays.stream(m.getAnnotations())
                .anyMatch(a -> a.annotationType().getName().equals("org.openjdk.jmh.annotations." + jmhAnnotation));
    }

    public static void main(String[] args) throws Exception {
        List<String> first = List.of();
        if (args.length >= 2 && args[0].equals("--first")) {
            first = List.of(args[1].split(";"));
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length != 4 && args.length != 6 && args.length != 7) {
            System.err.println("usage: PairedCalls [--first <Benchmark.method[:f=v,...]>[;...]] <class path A>"
                    + " <Benchmark.method[:f=v,...]> <class path B> <Benchmark.method[:f=v,...]> [warm-up pairs (20)] [pairs (60)]"
                    + " [counter, e.g. flops: compare rates] (each phase at least " + MIN_SECONDS + " s; two methods of one"
                    + " benchmark with the same fields on one class path call one object; --first: calls each side's build"
                    + " runs before the warm-up, as an embedding would have)");
            System.exit(2);
        }
        int warm = args.length >= 6 ? Integer.parseInt(args[4]) : 20;
        int pairs = args.length >= 6 ? Integer.parseInt(args[5]) : 60;
        Optional<String> counter = args.length == 7 ? Optional.of(args[6]) : Optional.empty();
        PairedTimes t = time(args[0], args[1], args[2], args[3], warm, pairs, MIN_SECONDS, counter, first);
        if (!first.isEmpty()) {
            System.out.println("first, in each side's build: " + String.join("; ", first));
        }
        System.out.println("A = " + args[0] + " " + args[1]);
        System.out.println("B = " + args[2] + " " + args[3]);
        System.out.println(t.summary());
    }
}
