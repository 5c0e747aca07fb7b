package dev.posenc.attention;

import dev.posenc.Positions;
import dev.posenc.internal.Checks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The keys and values of one attention layer's past tokens, in the form inference engines keep them: a
 * preallocated block of token rows, in F32, F16 or BF16 ({@link KvPrecision}), on the Java heap or
 * off-heap in a {@link MemorySegment} of an {@link Arena} the caller owns (more than 2³¹ elements
 * off-heap). Attention reads it in place:
 * <pre>
 *   KvCache cache = KvCache.offHeap(KvCacheSpec.of(4096, 8, 128, KvPrecision.F16), arena);
 *   cache.append(k, v, KeyRotation.of(rope, ropeCache));      // the prompt's rows, keys rotated at 0 … n − 1
 *   kernel.attend(options, q, cache, out, workspace);          // prefill: q at the last positions
 *   cache.append(kStep, vStep, rotation);                      // each decode step: one row, then
 *   kernel.attend(options, qStep, cache, outStep, workspace);  // its query over every cached key</pre>
 *
 * <p><b>Layout.</b> Keys {@code [capacity × kvHeads × headDim]} and values
 * {@code [capacity × kvHeads × valueDim]}, row-major like {@link Tokens} (PyTorch's {@code [seq, heads, dim]}),
 * each element of {@link KvCacheSpec#precision()} in native byte order ({@link #keys()}, {@link #values()}).
 * The token at position t is in row {@link #slot}{@code (t)}: row t, or {@code t mod capacity} in a ring.
 * This is llama.cpp's and llama3.java's order (one token's kv heads side by side); HuggingFace transformers' caches
 * are {@code [batch, kvHeads, seq, headDim]}, each kv head's rows contiguous. A decode step reads every kv head's
 * rows of a few positions at a time, which in this order lie side by side. Measured with the vector kernels reading
 * the same bytes in head-major order instead (a timing build that only moved the row offsets; 32 q / 8 kv heads ×
 * 128, off-heap, this project's Xeon, bench's PairedCalls in both orders, 2026-11-30, load 0.6–1.2): f32 decode at
 * 4096 positions ran 0.92× and 0.96× as fast (quartiles within ±0.04, 600 pairs), at 32768 0.81× and 0.84× (±0.01,
 * 60 pairs), BF16 at 4096 0.99× and 0.98× (500 pairs); prefill (8 heads × 128, 512 queries over 4096 keys, ALiBi)
 * 1.00× and 1.05× (40 pairs).
 *
 * <p><b>Positions.</b> Rows are appended at consecutive positions from 0: the cache holds positions
 * {@code [firstPosition(), nextPosition())}. A linear cache holds every position appended; a
 * {@linkplain KvCacheSpec#asRing() ring} holds the last {@code capacity}, each new row overwriting the
 * oldest, and attention over it evaluates position schemes and masks at the stored positions. {@link #truncate}
 * and {@link #rollBack} drop the newest rows (speculative decoding): appending again then gives the same
 * cache as if they had never been appended — in a ring, as long as the dropped rows overwrote no row it held
 * (an overwritten row is gone: {@link #firstPosition()} stays where the dropped rows moved it).
 * {@link #copyFrom} forks a sequence: another cache of the same spec then holds the same positions and rows.
 *
 * <p><b>Rounding.</b> A row is rounded to the precision once, when appended ({@link KvPrecision#round}),
 * after the optional {@link KeyRotation} of its keys; attention over the cache equals attention over float
 * arrays holding those rounded values. A finite element that the precision cannot hold (beyond 65504 in
 * F16) is rejected; NaN and infinities are stored as they are.
 *
 * <p><b>Threads.</b> Reads — attention calls, {@link #key}, {@link #value} — may run on many threads at
 * once. Appending, truncating, clearing and copying into it change the cache: they must not overlap one another or a read
 * (an engine's decode loop does them in turn). The off-heap storage lives as long as its arena; once the
 * arena is closed every method that touches the rows throws {@link IllegalStateException}.
 */
public final class KvCache {
    /** The bit of {@link #subnormalRows()} set for a key row holding a subnormal element. */
    public static final int KEY_SUBNORMAL = 1;
    /** The bit of {@link #subnormalRows()} set for a value row holding a subnormal element. */
    public static final int VALUE_SUBNORMAL = 2;
    /** The largest heap array the JVM allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final KvCacheSpec spec;
    private final MemorySegment keys;
    private final MemorySegment values;
    private final MemorySegment keyNorms;
    /** Per slot and kv head, one byte: {@link #KEY_SUBNORMAL} and {@link #VALUE_SUBNORMAL}. */
    private final MemorySegment subnormals;
    private final MemorySegment keysView;
    private final MemorySegment valuesView;
    private final MemorySegment keyNormsView;
    private final MemorySegment subnormalsView;
    private int first;
    private int next;
    /** The largest position held whose key or value row has a NaN or infinite element, or −1. */
    private int lastNonFinite = -1;
    /** Appends copy, rotate and check their rows here before writing them. */
    private float[] keyRows = new float[0];
    private float[] valueRows = new float[0];
    /** The staged rows' bits, read as ints ({@link RowRounding}). */
    private MemorySegment keyBits = MemorySegment.ofArray(keyRows);
    private MemorySegment valueBits = MemorySegment.ofArray(valueRows);
    /** A row's F16 elements, and its BF16 elements two to an int, on their way to storage ({@link RowRounding}). */
    private short[] halves = new short[0];
    private int[] pairs = new int[0];
    /**
     * The staged rows' positions, which a {@link KeyRotation} is handed as a view ({@link #stagedPositions}): made anew
     * only when an append's row count changes, so that a decode loop's appends of one row allocate nothing.
     */
    private int[] positions = new int[0];
    private Positions positionsView;
    private final short[] keyHalves;
    private final short[] valueHalves;

    private KvCache(KvCacheSpec spec, MemorySegment keys, MemorySegment values, MemorySegment keyNorms,
                    MemorySegment subnormals) {
        this.spec = spec;
        this.keys = keys;
        this.values = values;
        this.keyNorms = keyNorms;
        this.subnormals = subnormals;
        this.keysView = keys.asReadOnly();
        this.valuesView = values.asReadOnly();
        this.keyNormsView = keyNorms.asReadOnly();
        this.subnormalsView = subnormals.asReadOnly();
        this.keyHalves = keys.heapBase().orElse(null) instanceof short[] a ? a : null;
        this.valueHalves = values.heapBase().orElse(null) instanceof short[] a ? a : null;
    }

    /**
     * A cache on the Java heap, in arrays. An array's elements start past its header, at an address the JVM aligns to 8
     * bytes only, so its rows are not necessarily 64-byte aligned, as {@link #offHeap}'s are (an off-heap cache whose
     * rows were moved 16 bytes off that alignment decoded 0.81× as fast in f32 and 0.88–0.91× in BF16 on a Zen 5 VM; in
     * JMH there, one cache per JVM, heap and off-heap decode ran within 6% of each other: docs/experiments/decode.md,
     * "Alignment, pages, huge pages and value rows read inside the logits").
     *
     * @throws IllegalArgumentException for a null spec, or keys or values of more elements than a Java
     *                                  array holds (use {@link #offHeap})
     */
    public static KvCache onHeap(KvCacheSpec spec) {
        Checks.notNull(spec, "spec");
        int keyElements = heapElements(spec.keyElements(), "keys");
        int valueElements = heapElements(spec.valueElements(), "values");
        int norms = heapElements((long) spec.capacity() * spec.kvHeads(), "key norms");
        return new KvCache(spec, heapSegment(spec.precision(), keyElements), heapSegment(spec.precision(), valueElements),
                MemorySegment.ofArray(new float[norms]), MemorySegment.ofArray(new byte[norms]));
    }

    /**
     * A cache in memory of {@code arena}, which the caller owns: the cache is usable until the arena is
     * closed. Any size the arena can allocate, beyond 2³¹ elements too.
     *
     * @throws IllegalArgumentException for a null argument
     * @throws IllegalStateException    if the arena is already closed
     */
    public static KvCache offHeap(KvCacheSpec spec, Arena arena) {
        Checks.notNull(spec, "spec");
        Checks.notNull(arena, "arena");
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("the arena is closed: a KvCache needs an open arena");
        }
        int bytes = spec.precision().bytes();
        return new KvCache(spec, arena.allocate(spec.keyElements() * bytes, 64), arena.allocate(spec.valueElements() * bytes, 64),
                arena.allocate((long) spec.capacity() * spec.kvHeads() * Float.BYTES, 64),
                arena.allocate((long) spec.capacity() * spec.kvHeads(), 64));
    }

    private static int heapElements(long n, String what) {
        if (n > MAX_ARRAY) {
            throw new IllegalArgumentException("the cache's " + what + " have " + n + " elements, more than a Java array"
                    + " holds (" + MAX_ARRAY + "): use KvCache.offHeap");
        }
        return (int) n;
    }

    private static MemorySegment heapSegment(KvPrecision precision, int elements) {
        return precision == KvPrecision.F32 ? MemorySegment.ofArray(new float[elements])
                : MemorySegment.ofArray(new short[elements]);
    }

    /** The cache's shape. */
    public KvCacheSpec spec() {
        return spec;
    }

    /** The first position held: 0, or in a ring that has wrapped, the oldest position not yet overwritten. */
    public int firstPosition() {
        return first;
    }

    /** The position the next appended row gets: one past the last position held. */
    public int nextPosition() {
        return next;
    }

    /** Token rows held, {@code nextPosition() − firstPosition()}. */
    public int size() {
        return next - first;
    }

    /** Whether the storage is usable: always on the heap, until the arena is closed off-heap. */
    public boolean isAlive() {
        return keys.scope().isAlive();
    }

    /** The row of {@link #keys()} and {@link #values()} holding position {@code position}, which must be held. */
    public int slot(int position) {
        requireHeld(position, "position");
        return slotOf(position);
    }

    private int slotOf(int position) {
        return spec.ring() ? position % spec.capacity() : position;
    }

    /**
     * The stored keys, read-only: {@code [capacity × kvHeads × headDim]} elements of the precision in native
     * byte order; rows of positions not held hold stale data.
     */
    public MemorySegment keys() {
        return keysView;
    }

    /** The stored values, read-only: {@code [capacity × kvHeads × valueDim]}, as {@link #keys()}. */
    public MemorySegment values() {
        return valuesView;
    }

    /**
     * The array behind {@link #keys()} of an F16 or BF16 cache on the heap (not a copy: for kernels, which only read
     * it, element i at byte 2i of {@code keys()}), or {@code null} off-heap or in F32. Vector kernels load half rows
     * from it rather than from the segment (see the vector module's NarrowProducts).
     */
    public short[] keyHalves() {
        return keyHalves;
    }

    /** As {@link #keyHalves()} for {@link #values()}. */
    public short[] valueHalves() {
        return valueHalves;
    }

    /**
     * The squared norm {@code Σ_c k[c]²} of the stored key row of position {@code position} and head
     * {@code kvHead}, computed in double when the row was appended and rounded up to float (NaN or +∞ if the
     * row holds one): a bound that attention's accuracy checks read instead of the row.
     */
    public float keySquaredNorm(int position, int kvHead) {
        requireHeld(position, "position");
        Checks.inRange(kvHead, 0, spec.kvHeads() - 1, "kvHead");
        requireAlive();
        return keyNorms.getAtIndex(ValueLayout.JAVA_FLOAT, (long) slotOf(position) * spec.kvHeads() + kvHead);
    }

    /** Every {@link #keySquaredNorm}, read-only: {@code [capacity × kvHeads]} native-order floats by {@link #slot}. */
    public MemorySegment keyNorms() {
        return keyNormsView;
    }

    /**
     * Which stored rows hold a subnormal element (not zero, smaller in magnitude than the precision's smallest normal
     * number: 2⁻¹⁴ in F16, 2⁻¹²⁶ in BF16 and F32), read-only: {@code [capacity × kvHeads]} bytes by {@link #slot},
     * {@code slot × kvHeads + kvHead}, with {@link #KEY_SUBNORMAL} set if that key row holds one and
     * {@link #VALUE_SUBNORMAL} if that value row does. Written with the rows they describe, so they always match the
     * rows held (positions not held have stale flags). A multiply with a subnormal operand is slow on x86 (a microcode
     * assist): the vector kernels convert F16 rows with one and read these flags to convert a row that holds a
     * subnormal another way.
     */
    public MemorySegment subnormalRows() {
        return subnormalsView;
    }

    /** The largest position held whose key or value row holds a NaN or an infinity, or −1 if none does. */
    public int lastNonFinitePosition() {
        return lastNonFinite >= first ? lastNonFinite : -1;
    }

    /** Key element {@code column} of head {@code kvHead} at position {@code position}, as stored. */
    public float key(int position, int kvHead, int column) {
        return element(keys, position, kvHead, column, spec.headDim(), "headDim");
    }

    /** Value element {@code column} of head {@code kvHead} at position {@code position}, as stored. */
    public float value(int position, int kvHead, int column) {
        return element(values, position, kvHead, column, spec.valueDim(), "valueDim");
    }

    private float element(MemorySegment rows, int position, int kvHead, int column, int dim, String dimName) {
        requireHeld(position, "position");
        Checks.inRange(kvHead, 0, spec.kvHeads() - 1, "kvHead");
        if (column < 0 || column >= dim) {
            throw new IllegalArgumentException("column must be in [0, " + dimName + " = " + dim + "), was " + column);
        }
        requireAlive();
        return read(rows, ((long) slotOf(position) * spec.kvHeads() + kvHead) * dim + column);
    }

    private float read(MemorySegment rows, long index) {
        return spec.precision().read(rows, index * spec.precision().bytes());
    }

    /** Appends {@code k.tokens()} rows, {@code k [rows × kvHeads × headDim]} and {@code v [rows × kvHeads × valueDim]}. */
    public void append(Tokens k, Tokens v) {
        append(k, v, null);
    }

    /**
     * Appends {@code k.tokens()} rows at positions {@code nextPosition() …}, their keys rotated by
     * {@code rotation} (at those positions) before they are rounded and stored.
     *
     * @param rotation applied to a copy of the keys, or {@code null} for none
     * @throws IllegalArgumentException for views of another shape than the cache's, rows past a linear cache's
     *                                  capacity (or more rows than a ring holds), or a finite element the precision
     *                                  cannot hold; nothing is appended then
     * @throws IllegalStateException    if the cache's arena is closed
     */
    public void append(Tokens k, Tokens v, KeyRotation rotation) {
        Checks.notNull(k, "k");
        Checks.notNull(v, "v");
        requireShape(k, "k", spec.headDim(), "headDim");
        requireShape(v, "v", spec.valueDim(), "valueDim");
        if (v.tokens() != k.tokens()) {
            throw new IllegalArgumentException("v has " + v.tokens() + " tokens but k has " + k.tokens() + ": one value row per key");
        }
        int rows = k.tokens();
        requireRoom(rows);
        stage(rows);
        System.arraycopy(k.array(), k.offset(), keyRows, 0, rows * spec.keyWidth());
        System.arraycopy(v.array(), v.offset(), valueRows, 0, rows * spec.valueWidth());
        commit(rows, rotation);
    }

    /** Appends {@code rows} rows from segments of native-order floats; see {@link #append(MemorySegment, MemorySegment, int, KeyRotation)}. */
    public void append(MemorySegment k, MemorySegment v, int rows) {
        append(k, v, rows, null);
    }

    /**
     * Appends {@code rows} rows read from segments of native-order floats, {@code k} holding
     * {@code rows × kvHeads × headDim} of them from its byte 0 and {@code v} {@code rows × kvHeads × valueDim},
     * their keys rotated by {@code rotation} before they are rounded and stored.
     *
     * @param rotation applied to a copy of the keys, or {@code null} for none
     * @throws IllegalArgumentException for segments too small, rows past a linear cache's capacity (or more rows
     *                                  than a ring holds), or a finite element the precision cannot hold
     * @throws IllegalStateException    if the cache's arena or a segment's is closed
     */
    public void append(MemorySegment k, MemorySegment v, int rows, KeyRotation rotation) {
        Checks.notNull(k, "k");
        Checks.notNull(v, "v");
        Checks.positive(rows, "rows");
        int keyFloats = Checks.product(rows, "rows", spec.keyWidth(), "kvHeads × headDim");
        int valueFloats = Checks.product(rows, "rows", spec.valueWidth(), "kvHeads × valueDim");
        requireFloats(k, "k", keyFloats, "rows × kvHeads × headDim");
        requireFloats(v, "v", valueFloats, "rows × kvHeads × valueDim");
        requireRoom(rows);
        stage(rows);
        MemorySegment.copy(k, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, keyRows, 0, keyFloats);
        MemorySegment.copy(v, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, valueRows, 0, valueFloats);
        commit(rows, rotation);
    }

    /**
     * Drops the rows at positions {@code position} and after: {@code nextPosition()} becomes {@code position}.
     *
     * @throws IllegalArgumentException unless {@code firstPosition() ≤ position ≤ nextPosition()} (a ring has
     *                                  overwritten the rows before its first position)
     */
    public void truncate(int position) {
        if (position < first || position > next) {
            throw new IllegalArgumentException("position must be in [firstPosition() = " + first + ", nextPosition() = "
                    + next + "], was " + position + (position < first && position >= 0
                    ? ": the ring has overwritten the rows before position " + first : ""));
        }
        next = position;
        if (lastNonFinite >= next) {
            lastNonFinite = -1;
            for (int t = next - 1; t >= first && lastNonFinite < 0; t--) {
                if (!finiteRow(t)) {
                    lastNonFinite = t;
                }
            }
        }
    }

    /** Drops the newest {@code rows} rows ({@code 0 ≤ rows ≤ size()}): a rejected speculative draft. */
    public void rollBack(int rows) {
        Checks.inRange(rows, 0, size(), "rows");
        truncate(next - rows);
    }

    /** Drops every row: the cache holds nothing and the next row appended is at position 0. */
    public void clear() {
        first = 0;
        next = 0;
        lastNonFinite = -1;
    }

    /**
     * Makes this cache hold what {@code source} holds: its positions ({@link #firstPosition()}, {@link #nextPosition()},
     * {@link #lastNonFinitePosition()}) and every held row, bit for bit, with its key norms and subnormal flags; what
     * this cache held before is dropped. For an engine that forks a sequence (parallel sampling, beam search, a prompt
     * shared by several continuations): the two caches then live apart, and appending the same rows to both keeps them
     * equal. Copies the {@code source.size()} rows held, in at most two runs of slots (a ring that has wrapped).
     * It writes this cache and reads {@code source}: it must not overlap a write of {@code source} or any use of this cache.
     *
     * @throws IllegalArgumentException if the two caches' specs differ (capacity, kv heads, widths, precision, ring)
     * @throws IllegalStateException    if either cache's arena is closed
     */
    public void copyFrom(KvCache source) {
        Checks.notNull(source, "source");
        if (!source.spec.equals(spec)) {
            throw new IllegalArgumentException("copying a cache of " + source.spec + " into one of " + spec
                    + ": a copy needs the same spec");
        }
        if (!source.isAlive()) {
            throw new IllegalStateException("the source KvCache's arena is closed: its rows are gone");
        }
        requireAlive();
        if (source == this) {
            return;
        }
        int held = source.size();
        if (held > 0) {
            int start = source.slotOf(source.first);
            int run = Math.min(held, spec.capacity() - start);
            copySlots(source, start, run);
            copySlots(source, 0, held - run);
        }
        first = source.first;
        next = source.next;
        lastNonFinite = source.lastNonFinite;
    }

    /** Copies {@code count} slots' rows, key norms and flags from {@code source}, from slot {@code from}. */
    private void copySlots(KvCache source, long from, long count) {
        long bytes = spec.precision().bytes();
        copyRows(source.keys, keys, from, count, spec.keyWidth() * bytes);
        copyRows(source.values, values, from, count, spec.valueWidth() * bytes);
        copyRows(source.keyNorms, keyNorms, from, count, spec.kvHeads() * (long) Float.BYTES);
        copyRows(source.subnormals, subnormals, from, count, spec.kvHeads());
    }

    private static void copyRows(MemorySegment from, MemorySegment to, long slot, long count, long rowBytes) {
        MemorySegment.copy(from, slot * rowBytes, to, slot * rowBytes, count * rowBytes);
    }

    private void requireShape(Tokens view, String name, int dim, String dimName) {
        if (view.heads() != spec.kvHeads() || view.dim() != dim) {
            throw new IllegalArgumentException(name + " is [" + view.tokens() + " × " + view.heads() + " × " + view.dim()
                    + "] but the cache holds rows of kvHeads = " + spec.kvHeads() + " heads of " + dimName + " = " + dim);
        }
    }

    private static void requireFloats(MemorySegment segment, String name, int floats, String what) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + "'s arena is closed");
        }
        if (segment.byteSize() < (long) floats * Float.BYTES) {
            throw new IllegalArgumentException(name + " is too small: " + what + " = " + floats + " floats ("
                    + (long) floats * Float.BYTES + " bytes) needed, but it has " + segment.byteSize() + " bytes");
        }
    }

    private void requireRoom(int rows) {
        requireAlive();
        if (spec.ring() && rows > spec.capacity()) {
            throw new IllegalArgumentException("appending " + rows + " rows to a ring of capacity " + spec.capacity()
                    + ": at most capacity rows at a time");
        }
        if (!spec.ring() && (long) next + rows > spec.capacity()) {
            throw new IllegalArgumentException("appending " + rows + " rows at position " + next + " needs "
                    + ((long) next + rows) + " rows, past the capacity " + spec.capacity());
        }
        if ((long) next + rows - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("appending " + rows + " rows at position " + next + " passes the largest"
                    + " position " + Integer.MAX_VALUE);
        }
    }

    /** Requires the storage usable. */
    public void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException("the KvCache's arena is closed: its rows are gone");
        }
    }

    private void requireHeld(int position, String name) {
        if (position < first || position >= next) {
            throw new IllegalArgumentException(name + " must be a position the cache holds, in [" + first + ", " + next
                    + "), was " + position);
        }
    }

    private void stage(int rows) {
        int keyFloats = rows * spec.keyWidth();
        int valueFloats = rows * spec.valueWidth();
        if (keyRows.length < keyFloats) {
            keyRows = new float[keyFloats];
            keyBits = MemorySegment.ofArray(keyRows);
        }
        if (valueRows.length < valueFloats) {
            valueRows = new float[valueFloats];
            valueBits = MemorySegment.ofArray(valueRows);
        }
    }

    /** A view of {@code next, …, next + rows − 1} in {@link #positions}. */
    private Positions stagedPositions(int rows) {
        if (positions.length < rows) {
            positions = new int[rows];
            positionsView = null;
        }
        for (int r = 0; r < rows; r++) {
            positions[r] = next + r;
        }
        if (positionsView == null || positionsView.count() != rows) {
            positionsView = Positions.view(positions, 0, rows);
        }
        return positionsView;
    }

    /** Rotates, checks and writes the staged rows at positions {@code next …}, then moves the positions on. */
    private void commit(int rows, KeyRotation rotation) {
        if (rotation != null) {
            rotation.rotate(stagedPositions(rows), spec.kvHeads(), keyRows, 0);
        }
        KvPrecision p = spec.precision();
        if (RowRounding.overflows(p, keyBits, 0, rows * spec.keyWidth())) {
            rejectOverflow(keyRows, rows * spec.keyWidth(), spec.headDim(), "key");
        }
        if (RowRounding.overflows(p, valueBits, 0, rows * spec.valueWidth())) {
            rejectOverflow(valueRows, rows * spec.valueWidth(), spec.valueDim(), "value");
        }
        for (int r = 0; r < rows; r++) {
            int position = next + r;
            long slot = slotOf(position);
            int key = r * spec.keyWidth();
            int value = r * spec.valueWidth();
            boolean finite = write(keys, keyRows, keyBits, key, slot, spec.keyWidth());
            finite &= write(values, valueRows, valueBits, value, slot, spec.valueWidth());
            RowRounding.squaredNorms(keyRows, key, spec.kvHeads(), spec.headDim(), keyNorms, slot * spec.kvHeads());
            // Rows rarely hold a subnormal: each kv head's rows are looked at only when the whole row holds one.
            boolean someKey = RowRounding.holdsSubnormal(p, keyBits, key, spec.keyWidth());
            boolean someValue = RowRounding.holdsSubnormal(p, valueBits, value, spec.valueWidth());
            for (int h = 0; h < spec.kvHeads(); h++) {
                boolean subnormalKey = someKey && RowRounding.holdsSubnormal(p, keyBits, key + h * spec.headDim(), spec.headDim());
                boolean subnormalValue = someValue
                        && RowRounding.holdsSubnormal(p, valueBits, value + h * spec.valueDim(), spec.valueDim());
                subnormals.set(ValueLayout.JAVA_BYTE, slot * spec.kvHeads() + h,
                        (byte) ((subnormalKey ? KEY_SUBNORMAL : 0) | (subnormalValue ? VALUE_SUBNORMAL : 0)));
            }
            if (!finite) {
                lastNonFinite = position;
            }
        }
        next += rows;
        first = Math.max(first, next - spec.capacity());
    }

    /**
     * Rejects staged rows (of {@code dim} columns per head) holding a finite element that rounds beyond the precision's
     * range (F16's 65504 and BF16's {@code 0x1.fep127} are the largest) among their first {@code n}, naming the first.
     */
    private void rejectOverflow(float[] rows, int n, int dim, String what) {
        KvPrecision p = spec.precision();
        for (int i = 0; i < n; i++) {
            float x = rows[i];
            if (Float.isFinite(x) && Float.isInfinite(p.round(x))) {
                int row = i / (dim * spec.kvHeads());
                throw new IllegalArgumentException(what + " element " + x + " (row " + row + ", kv head " + i / dim % spec.kvHeads()
                        + ", column " + i % dim + ") overflows " + p + ": nothing was appended");
            }
        }
        throw new AssertionError("RowRounding.overflows found a " + what + " element that rounding keeps finite");
    }

    /**
     * Rounds the staged row of {@code width} floats from {@code rows[from]} (whose bits {@code bits} reads) in place to
     * the precision and writes it to storage row {@code slot}; returns whether every element is finite.
     */
    private boolean write(MemorySegment storage, float[] rows, MemorySegment bits, int from, long slot, int width) {
        long at = slot * width * spec.precision().bytes();
        switch (spec.precision()) {
            case F32 -> MemorySegment.copy(rows, from, storage, ValueLayout.JAVA_FLOAT, at, width);
            case F16 -> {
                if (halves.length < width) {
                    halves = new short[width];
                }
                RowRounding.roundF16(rows, from, width, halves, storage, at);
            }
            case BF16 -> {
                if (pairs.length < width / 2) {
                    pairs = new int[width / 2];
                }
                RowRounding.roundBf16(bits, from, width, pairs, storage, at);
            }
        }
        return RowRounding.finite(bits, from, width);
    }

    private boolean finiteRow(int position) {
        long slot = slotOf(position);
        for (long i = slot * spec.keyWidth(); i < (slot + 1) * spec.keyWidth(); i++) {
            if (!Float.isFinite(read(keys, i))) {
                return false;
            }
        }
        for (long i = slot * spec.valueWidth(); i < (slot + 1) * spec.valueWidth(); i++) {
            if (!Float.isFinite(read(values, i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "KvCache[" + spec + ", positions [" + first + ", " + next + ")" + (isAlive() ? "" : ", arena closed") + "]";
    }
}
