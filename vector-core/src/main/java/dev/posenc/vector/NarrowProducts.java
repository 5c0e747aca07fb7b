package dev.posenc.vector;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import dev.posenc.attention.KvCache;
import dev.posenc.attention.KvPrecision;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of a narrow block (at most one vector of entries: decode), along the head width
 * instead of along the entries, so that every lane does useful work. Key and value rows are read where
 * they are (an array, or a cache in any {@link KvPrecision}: half precision converted in registers as each
 * vector is loaded, {@link HalfPrecision}):
 * <ul>
 *   <li>{@link #scores}: {@code S[j][e] = Σ_c q_e[c]·k_j[c]} for four entries and four keys at a time,
 *       each key row loaded once per four entries and each query row once per four keys; the sixteen
 *       lanewise sums are folded together ({@link PairSums}), which leaves lane {@code 4·key + entry}
 *       holding that total. A row at least L wide whose width is not a multiple of L takes its last
 *       vector as the row's last L columns, the lanes of the columns already summed made +0 in the
 *       query and in the key; in a row narrower than L the columns are added in order after the fold;
 *   <li>{@link #accumulate}: {@code T[e][c] += p_{j,e}·v_j[c]} over a run of keys, each value vector
 *       loaded once per four entries and sixteen output vectors (four entries × four columns) held in
 *       registers across the run; rows row-major {@code [entries × valueDim]}. The block sums a tile's keys
 *       into T from zero and adds T to its output once per tile ({@link CompensatedSums#rows}).
 * </ul>
 * {@code accumulate} performs the same fused multiply-adds in the same order as
 * {@link TileProducts#accumulate} (per output, over the tile's keys), so outputs match a wide block's bit
 * for bit given the same weights; the logits' lane tree sums in another order than the wide
 * kernels' chains ({@code ⌈d/L⌉} fused multiply-adds per lane, then {@code log₂L} pairwise sums; for rows
 * narrower than L the columns one by one), within the same error bound {@code γ_d}. Every operation here is
 * exact IEEE arithmetic in a fixed order, so the results do not depend on the JIT tier.
 *
 * <p>Half-precision rows of a heap cache are loaded from its {@code short[]} ({@code kh}, {@code vh}; {@code null}
 * off-heap), not through its segment: C2 compiles a vector load from a heap segment only when the JDK's shared
 * load path has seen one array type, and the {@code float[]} of f32 rows and arrays beside the {@code short[]}
 * of half caches made it fall back to allocating copies (a forked {@code -Xbatch} JVM running every family,
 * AllocationContract: 3968 B per decode call).
 *
 * <p>{@code scoresF32} and {@code accumulateF32} load an off-heap segment through the segment cast to the class of
 * off-heap segments ({@code OFF_HEAP}, that of {@link MemorySegment#NULL}; heap segments take each load's other
 * branch). C2 intrinsifies {@code Class.cast} of a constant class and types the result as a native segment, so the
 * inlined JDK load path needs no receiver profile of the segments' kinds. That profile is shared by every {@code
 * FloatVector} load from a segment in the JVM: in an embedding that also runs attention over arrays or a heap F32 cache
 * (the bench's {@code PairedCalls --first
 * 'DecodeBenchmark.decode:kv=f32,storage=heap,keys=4096,scheme=alibi;AttentionBenchmark.prefill:scheme=alibi'}, in each
 * side's loader before its warm-up), it held native and heap ({@code float[]}) segments, and C2 checked the segment's
 * class, its array, size and session liveness at every key and value load of an off-heap decode: 192 instructions per
 * iteration of 16 fused multiply-adds of {@code scoresF32} instead of 51, {@code accumulateF32} compiled to 2245
 * instructions instead of 746 (hsdis, JDK 25.0.3, 512 bits, f32, 4096 keys; 2026-12-01). Measured (f32 decode, 32 q / 8
 * kv heads × 128, ALiBi, off-heap; bench's PairedCalls, median speed ratio and quartiles; load 1.0–3.4): the step
 * before this change ÷ a read of its own K/V ({@code DecodeBenchmark.readCache}), each JVM on its own, 0.750
 * (0.732–0.768, 600 pairs) in a JVM that ran only that, 0.568 (0.554–0.583) in one that ran the heap paths first; at
 * 32768 keys 0.685 (0.680–0.688, 100 pairs) and 0.604 (0.599–0.608). This code: 0.720 (0.702–0.742) pure and 0.712
 * (0.692–0.736) mixed at 4096 keys, 0.673 (0.667–0.678) mixed at 32768. Against the code before (4096 keys, 800 pairs,
 * this code as the second side, then the code before as the second): in the mixed JVM 1.316× (1.274–1.356) and 0.794×
 * (0.763–0.830), in the pure one 1.010× (0.978–1.045) and 0.986× (0.959–1.017). The same operations in the same order,
 * so the same bits (Hash3: 14907 decode and 24-query outputs of every precision, storage and scheme, linear and ring
 * caches, +∞/NaN, subnormal halves, one to three workers, arrays, hashed equal to the code before at 512 and 256 bits,
 * with the cast below in the half-precision kernels as well). Tried and not kept: the same cast in {@code scoresHalf},
 * {@code accumulateF16}, {@code accumulateBf16} and {@code accumulate4}: in that mixed JVM the code before already
 * compiled {@code scoresHalf} without per-load checks (902 instructions, one class check per call; its loads are {@code
 * ShortVector}'s, which this package makes only from native segments and {@code short[]}), and BF16 decode ran alike
 * (4096 keys, 800 pairs: 0.961× and 0.963×, the second side slower either way). That trial ran head width 128, which
 * never calls {@code accumulate4}; it now loads its f32 vector columns the same way (value rows whose width is not a
 * multiple of four vectors, 80 or 96 floats at 512 bits; C2's code in the mixed JVM: about 74 instructions per key of a
 * column with the checks, 35 with the cast; hsdis as above; the same bits: Hash3 as above, whose head widths 40 and 24
 * run these columns, equal to 88f36cb's at 512 and 256 bits). Measured (2026-12-01; f32 decode, 32 q / 8 kv heads × 96,
 * ALiBi, 4096 keys off-heap, a throw-away harness class on bench's PairedCalls, which has no such head width; 800
 * pairs, load 3.2–3.6): against 88f36cb, in the mixed JVM (the {@code --first} above and the same decode over a heap
 * cache) 1.069× (1.029–1.111) and 0.917× (0.887–0.950), pure 0.988× (0.947–1.026) and 1.001× (0.962–1.041); at 128 (no
 * column tail, the code unchanged) mixed 0.990× (0.954–1.028) and 1.005× (2500 pairs), pure 1.002× and 1.003×. Tried
 * and not kept (the same measurements): the cast in the scalar reads ({@code tail}, the norms' tail, {@code
 * accumulate4}'s last columns, through {@link KvPrecision#read}; head width 72), 0.989× (0.972–1.007) and 1.013×
 * (0.996–1.029, 600 pairs, load 1.7–2.0): no gain (a step at 72 takes about 3.7× the time of one at 96); in {@link
 * NarrowBlock}'s masked load of the cache's stored key norms, where in the mixed JVM C2 called the segment's {@code
 * unsafeGetBase} and {@code unsafeGetOffset} at every load (the JDK's profile of masked segment loads held three kinds
 * of segment, bimorphic without the heap paths) and the cast left the off-heap loop without calls, a step at 128 ran
 * alike: 0.991× (0.959–1.024) and 1.000× (800 pairs), 1.008× and 1.003× (2500 pairs; one other run of 2500 gave 0.843×,
 * 0.791–0.887, with the cast second, not seen again; load 1.6–2.1).
 *
 * <p>Head widths that are not a multiple of L (2026-12-01). Where a step at width 72 went, 512 bits (16 lanes, so 64
 * columns in vectors and 8 in scalar tails; f32 decode, 32 q / 8 kv heads, 4096 keys off-heap, ALiBi; {@code perf
 * record -e cpu-clock} of bench's PairedCalls running the code before against itself, a throw-away harness class for
 * the width (mixed19's), 1500 pairs, load 1.4): {@link #scores} (the logits' scalar {@code tail}, inlined) 19.6% of
 * the samples, {@link #accumulate4} (the values' scalar tail) 17.2%, {@code scoresF32} 15.1%, {@code accumulateF32}
 * 11.4%. {@link #accumulate4} now takes a row's last partial vector of columns (rows at least L wide) as the vector
 * of their last L columns, with the value lanes of the columns already summed ANDed to +0 ({@code KEEP}), so those
 * sums are stored back unchanged, and every output gets the same fused multiply-adds in the same order as in the
 * scalar tail: the same bits (below). C2's code of its F32 column (hsdis as above, width 72, off-heap): 21
 * instructions per key (4 broadcasts of the weights, the value load folded into the multiply by {@code 2^−scale}, one
 * {@code vpandd}, 4 fused multiply-adds, one check of the row's offset), no call but to uncommon traps. Tried first,
 * and not kept: masked loads and stores of that partial vector (in
 * {@link #accumulate4}, or in a method of its own for F32 rows): C1 gave up on its tier-3 (OSR) compile ("out of
 * virtual registers in linear scan"), it stayed at tier 2, never reached C2, and its vectors allocated (35 451 872 B per call
 * at width 72, 0.33× the speed of the code before); with the same masked last vector in {@code scoresF32} as well
 * (the logits' tail, which would change the logits' bits at such widths), one class loader of a pairing ran a step
 * in 1.6 ms with 0 B, the other allocated 167 MB per call ({@code scoresF32} and {@link #accumulate4} left to the
 * Java fallbacks, JFR). The logits' scalar tail went later (the next paragraph). Half-precision rows take the same
 * last vector since (the AND after their conversion, which gives each element the value of the scalar tail's {@code
 * read × 2^−scale}, ±0 aside, which
 * reaches no sum): BF16 and F16 decode at width 72 (the harness class, 300 pairs each order, against tails19's build,
 * 2026-12-01, load 1.0–1.5) 1.559× (1.522–1.609) and 1.514× (1.450–1.573) as the second side, the code before 0.619×
 * (0.594–0.646) and 0.758× (0.743–0.773); Hash3 equal at 512 bits (the width-40 set) and at 256 bits.
 * The same bits: Hash3 (as above; its head width 40 runs this column at 512 bits) equal to the code before's at 512 and 256
 * bits; AllocationSuiteTest and AllocationWithoutReceiverProfilesTest pass at 512, 256 and 128 bits and on the
 * reference. Measured (bench's PairedCalls against cd3c03f, median speed ratio and quartiles, 800 pairs, sides 100% on
 * a CPU, 0 B per call; the decode above at width 72 through that harness class, load 1.3–2.5): this code as the second
 * side 1.612× (1.548–1.690), cd3c03f as the second 0.767× (0.749–0.785), a step of about 2.6–3.0 ms instead of
 * 3.9–4.1; at 128 ({@code DecodeBenchmark.decode}, f32 off-heap, 4096 keys; code not run) 1.012× (0.985–1.044) and
 * 1.008× (0.971–1.049); at 96 (whole vector columns, each value vector now ANDed with all ones) 1.008× (0.967–1.046)
 * and 0.998× (0.958–1.038; load 1.5–2.2, the last pairing as the full test started).
 *
 * <p>The logits' column tail (2026-12-01). {@code scoresF32} and {@link #scoresHalf} run their loop over the head width
 * to {@link #columnVectors}: in a row at least L wide whose width is not a multiple of L (at 512 bits 20, 24, 40, 72,
 * 88, 120 …; at 256 bits 20, 36, 44 …), the last iteration loads the row's last L columns of the query and of the key
 * and blends the lanes of the columns already summed to +0 in both ({@code blend(zero, drop)}; half rows after their
 * conversion), so that those lanes' sums take {@code fma(+0, +0, s) = s} whatever the key or query held there (zeroing
 * the query alone would not do: 0·∞ is NaN); the keys' squared norms that the kernel folds for the guard (rows from
 * arrays) the same way. Rows narrower than L keep the scalar tail in {@link #scores}. This changes the bits of the
 * logits (and of those folded norms) at exactly those widths: the tail's products are summed in their lanes and folded
 * with the rest, instead of added one by one after the fold, within the same {@code γ_d}; at widths that are multiples
 * of L, or narrower than L, the operations are the code before's. Hash3 (as above, and a copy with head width 24 as
 * well) against 0743ed3's outputs: at 512 bits the sets of widths 128 and 64 byte-identical, the width-40 set 1542 of
 * its 2271 outputs different (the rest: the 24-query prefills, which take the wide kernels, and the NaN rows of the
 * cases with a +∞ key), width 24 1890 of 2010 (the rest NaN rows); at 256 bits (every width a multiple of 8) all
 * byte-identical. Against exact attention in double (a throw-away check: decode of 8 to 32 q heads over 5 to 4096 keys,
 * every precision, heap and off-heap, ALiBi and none, +∞ keys in an overlapped and a tail column, a NaN value, the
 * bound of the properties suite's {@code AttentionOracle} per output) the largest error was 0.60% of the bound at width
 * 72, 0.92% at 40, 1.5% at 24 and 2.5% at 20 (the code before: 0.60, 1.4, 1.8 and 2.5%), NaN exactly where the oracle
 * has NaN. C2's code (hsdis as above, f32 off-heap, 4096 keys): in a JVM that has run only whole-vector widths, the
 * {@code tailed} branch is a trap, the shift 0 and the loop the code before's, 50 instructions per 16 fused
 * multiply-adds at width 128 (as before); at width 72 102 (the shift, the mask, the query loads checked, five tests; no
 * C1 compile skipped, 0 B per call), the loop run 5 times per quad instead of 4 plus 128 scalar fused multiply-adds.
 * Measured (bench's PairedCalls against 0743ed3, median speed ratio and quartiles, 800 pairs at width 72, 2500 at 128,
 * 0 B per call; load 1.5–2.9, a test run beside them): decode 32 q / 8 kv heads × 72, 4096 keys off-heap, ALiBi
 * (mixed19's harness class) f32 2.140× (2.040–2.242) as the second side, 0743ed3 as the second 0.456× (0.418–0.495), a
 * step of about 1.3 ms instead of 2.7–3.0 (at 128: 1.6–1.9); BF16 2.579× (2.386–2.836) and 0.433× (0.418–0.447); F16
 * 2.197× (2.075–2.381) and 0.419× (0.395–0.438); at 128 ({@code DecodeBenchmark.decode}, f32 off-heap, 4096 keys)
 * 1.012× (0.976–1.052) and 0.980× (0.943–1.019). Repeated with nothing else running (load 1.2–1.5): at 72 f32 2.073×
 * (2.017–2.124) and 0.456× (0.441–0.471); at 40 f32 2.401× (2.335–2.475) and 0.416× (0.404–0.428), a step of 0.92 ms
 * instead of 2.2; at 128 1.009× (0.976–1.041) and 1.010× (0.982–1.036). Tried and not kept (same measurements): the AND
 * of {@link #accumulate4} on query and key, behind {@code back != 0} or on every vector: C2 could not unbox the ANDed
 * keys at their fused multiply-adds where the key's norm was folded first ("unbox failed", {@code
 * -XX:+PrintIntrinsics}), 9600–28800 B per call of a decode over arrays at widths 20 to 72 ({@code -Xbatch}; 36 kB at
 * width 20 without receiver profiles; this code, blends and each norm after its products: 0 B at 16, 20, 64 and 72 in
 * both); the whole vectors and the last one as two rounds of an outer loop (shift and mask constant within a round, so
 * that C2 compiled the first round's loop without them): without receiver profiles the sixteen accumulators, carried
 * through two loops, boxed (75–690 kB per call, at widths 16 and 64 too), and with the outer loop left by a break the
 * inner one was not counted at 128 (a poll and four query checks per iteration); the shift computed at every iteration
 * without the {@code tailed} branch: 90 instructions per iteration at 128, and 0.958× (0.926–0.994) and 1.015× there
 * (2500 pairs, load 2.6–2.7); query rows laid out {@code ⌈d/L⌉·L} apart by {@link NarrowBlock} with their last vector
 * already shifted and zeroed (no query blends, the query loads unchecked at every width, the key offset jumping in the
 * loop's update): 0 B with profiles, but 13–63 kB per call without receiver profiles at widths 20 and 72 (the norms'
 * fused multiply-adds on the blended keys), with the mask made per call or per iteration. Where a step at width 72 goes
 * now was not profiled. The two kernels' loop heads (the shift, the mask, the four query loads and blends) are written
 * twice, as their loads were: the package's rule forbids a helper that returns vectors.
 *
 * <p>The logits' sixteen sums are folded in registers where they were accumulated, not stored and reloaded. Measured
 * on this project's Xeon (f32 logits pass of 32 q / 8 kv heads × 128, 72 keys whose rows stay in L2, thread CPU time,
 * variants interleaved in one JVM, load 3–6): a kv head's key row took 4.6× the time of its 32 fused multiply-adds in
 * registers; of that, the loads from the segment (bounds-checked) took 1.5×, the fold 1.2× (16 stores, 16 loads, 30
 * two-vector permutes per 4 rows); the fold in registers ran at 0.80–0.82 of the time. Reading each row through its
 * own slice of the segment, from offset 0, let C2 drop the per-load bounds checks (0.79–0.85 of the time, both
 * changes 0.72), but the slices were not always scalar-replaced, so they are not used: with heap and off-heap
 * segments through the same loads (AllocationContract's mixed families with an off-heap ring) an f32 decode call
 * allocated 2880 B and an attention call over arrays 9600 B, and an off-heap slice merged with a heap cache's
 * unsliced segment allocated a slice per row (JMH {@code -prof gc}, BF16 off-heap at 4096 keys: 1.6 MB per decode
 * call). No gain: a long loop index (1.08–1.12), an int column offset widened to long (1.08), the fold's permutes
 * indexed by an int vector (1.00) or as a butterfly of blends and one-vector rearranges (1.04), keys from a
 * {@code float[]} instead of a segment (0.85–1.01). Whole decode steps (32 q / 8 kv heads × 128, ALiBi, off-heap)
 * with the fold in registers and {@link NarrowBlock}'s 16 value keys per pass, against the code before both (and
 * before the online softmax's vectorized rescale factors; bench's PairedCalls, median speed ratio and quartiles,
 * 60–220 pairs, load 3.3–3.5): BF16 1.045× at 4096 keys (1.00–1.12), 1.054× at 32768 (1.04–1.07); F16 1.048× at 4096
 * (1.02–1.09); f32 1.071× at 4096 (1.05–1.10), 1.080× at 32768 (1.07–1.11); none of them allocates.
 *
 * <p>Where the time goes once the rows are not in L2 (f32 decode, 32 q / 8 kv heads × 128, 4096 keys off-heap, so
 * 32 MiB of K/V; {@code perf record} of bench's PairedCalls, samples mapped onto C2's code of {@code scoresF32} as
 * printed by {@code -XX:CompileCommand=print} with the hsdis plugin, load 1.5–2.6): of 4071 samples in
 * {@code scoresF32}, 50% fell in the main loop over the head width, nearly all on the instructions right after its
 * key loads, 32% in the first iteration that C2 peels off to check the segment's bounds once per row (of those, 72% on
 * the instructions right after the first load of each row: waits for the row's first lines), 13% in the fold and
 * stores, 4% at entry. The bounds-check arithmetic itself (the loop nest C2 builds for a long index: about 25
 * compares and conditional moves per row) and every other instruction of the peeled iteration that is not a load
 * or a fused multiply-add took 7%. In {@code accumulateF32}, 71% of the samples followed its four value loads per key.
 * So at this size the products wait for memory, and removing the bounds checks could gain at most those 7% of the
 * logits' pass (about 3% of a step): the ≈50 ns per key row measured with the rows in L2 is not what bounds a step
 * at 4096 keys.
 *
 * <p>The logits' kernels ({@code scoresF32}, {@code scoresF16} and {@code scoresBf16}, those two now {@link
 * #scoresHalf}) count their loop over the head width by the constant {@code L}, and advance the rows' byte offset in a
 * long of its own by a lane count passed in ({@code lanes}, always {@code L}): C2 compiles a counted loop, with the
 * query rows' bounds checks (and those of a heap cache's {@code short[]}) hoisted out of it and its safepoint poll in a
 * strip-mined outer loop, but does not see the offset as a function of the counter, so it checks each key load in the
 * loop with one compare instead of building the range-check nest of long offsets at every call. Before (2026-11-30),
 * {@code scoresF32} stepped its counter by {@code lanes} (a loop C2 does not count: every key and query load checked in
 * the loop, and a safepoint poll per iteration), and the half-precision kernels by the constant with the offsets
 * computed from it ({@code row + 2L·c}), for which C2 peels the first iteration off and builds the nest at every call
 * (clamps of four rows' offsets, a pre-loop, a strip-mined outer loop), for 8 iterations per call at head width 128.
 * The same operations in the same order, so the same bits (Hash2: 10452 decode outputs of every precision, storage and
 * scheme, linear and ring caches, +∞/NaN, one to three workers, hashed equal to the code before at 512 and 256 bits).
 * C2's code, and what the change gained: the next two paragraphs.
 *
 * <p>C2's code of the decode kernels (JDK 25.0.3, 512 bits, off-heap caches; {@code -XX:CompileCommand=print} with the
 * hsdis plugin during a JMH run of {@code DecodeBenchmark.decode}, 32 q / 8 kv heads × 128, ALiBi, 4096 keys;
 * 2026-11-30), instructions per iteration of 16 fused multiply-adds; each kernel is compiled on its own and called:
 * <ul>
 *   <li>{@code scoresF32}: 51 (8 loads, 4 compares of a key offset with the segment's size); stepped by
 *       {@code lanes} before, 64: the 4 query loads checked as well, a safepoint poll, and 3 moves between general
 *       and vector registers (the query array's base and an index kept in vector registers for want of general ones);
 *   <li>{@code scoresBf16}: 58 (8 loads, 4 widening conversions and 4 shifts, 4 checks, the counter kept on the
 *       stack); before, 43 without checks for 7 of the 8 iterations, and 241 per call for the peeled first iteration
 *       and the nest (22 conditional moves); {@code scoresF16}: 66, before 50 and 249 (its conversion adds an and and a
 *       multiply per vector);
 *   <li>{@code accumulateF32}: 47 per key (the 4 multiplies by {@code 2⁻ᴷ}, each with its load folded in, 4
 *       broadcasts of the weights, whose bounds are checked before the loop, 4 checks of the value offsets, no poll:
 *       strip-mined), {@code accumulateBf16} 60, {@code accumulateF16} 63 (those two now {@link #accumulateHalf}:
 *       below);
 *   <li>the fold, per quad: 75 (30 two-vector permutes, each after a copy of its index vector, which the permute
 *       overwrites, and 15 adds); in the half-precision kernels, each key's store builds its mask from bits (about 20
 *       instructions with the masked store's checks), 4 per call.
 * </ul>
 * No loop spills a vector (the 16 accumulators go to the stack only on the paths that leave the compiled code when a
 * check fails; in the loops, general registers run short: a few row offsets are read from the stack, and the
 * half-precision kernels keep their counter there), each segment's liveness and type are checked once per call, before
 * the loops, and nothing falls back to scalar code or allocates. Vector operations on the two ports of the 512-bit
 * fused multiply-adds (the instruction tables' assignment, not measured here), per 16 fused multiply-adds: the logits'
 * loop 16 in f32, 24 in BF16 and 32 in F16, the values' loop 20, 28 and 32.
 *
 * <p>What the counted loop with the offset of its own gained (whole decode steps, 32 q / 8 kv heads × 128, ALiBi;
 * bench's PairedCalls against the code before, median speed ratio and quartiles, each order once: this code as the
 * second side, then the code before as the second; sides 100% on a CPU, 0 B per call; 2026-11-30): off-heap BF16 at
 * 4096 keys 1.100× (1.057–1.141, 800 pairs) and 0.900× (0.870–0.930), F16 1.045× (1.005–1.086) and 0.942× (0.913–0.973;
 * load 2.3–2.8); at 32768 keys, where the second side gains about 2%, BF16 1.026× and 1.006× (80 pairs), 1.038×
 * (1.030–1.047) and 0.994× (120 pairs), F16 1.093× and 1.006×, 1.051× (1.040–1.058) and 0.996× (load 1.2–2.6); with the
 * rows in L2 (64 keys, about 25 000 pairs, load 1.7–1.9) BF16 1.089× (1.079–1.096) and 0.916×. On the heap: BF16 1.006×
 * and 0.976× at 4096 keys, 1.010× and 0.994× at 512 (3300 pairs), F16 1.000× and 1.001× at 4096, 1.037× and 0.973× at
 * 512 (load 1.9–3.0). f32, whose loop only loses its query checks and poll: 1.000× (0.968–1.034, 1500 pairs) and 1.012×
 * at 4096 keys (load 1.1–1.4), 1.028× (1.021–1.032, 80 pairs) and 1.034× (1.019–1.047) at 32768 (load 1.3–3.4), 0.988×
 * and 0.966× at 64 keys (29 000 pairs): no gain; at 4096 keys its loops wait on memory (above).
 *
 * <p>Tried on this code and not kept (2026-11-30): BF16 rows through {@code scoresF32} (every quad of a pass in one
 * call, each key load converted when a flag says BF16; {@code scoresBf16} removed): one call per pass instead of 4
 * (each about 137 instructions before its loop) and one placement of the logits instead of 16 masked stores that built
 * their masks, the same bits (Hash2 as above, equal at 512 and 256 bits); in a BF16 step C2 compiled only the BF16
 * branch (58 instructions per 16 fused multiply-adds, the counter in a register). Against this code (PairedCalls as
 * above): off-heap BF16 1.035× (0.995–1.075, 800 pairs) and 0.957× (0.924–0.996) at 4096 keys, 1.016× (1.002–1.028, 100
 * pairs) and 0.996× (0.980–1.013) at 32768, on the heap 1.042× (1.002–1.084) and 0.950× at 4096, f32 1.007× and 0.991×
 * (load 2.6–3.8); against 608d027, BF16 1.217× (1.177–1.260) and 0.855× at 4096 keys. But in a JVM running every family
 * (AllocationContract's mixed families, 512 bits, {@code -Xbatch}), {@code scoresF32}'s vectors were boxed: 19 of its
 * attention and decode cases allocated 80–12000 B per call. F16 rows through it too ({@code scoresF16} removed; a pass
 * whose rows hold a subnormal half still quad by quad): in an F16 step the kernel reads the cache's native segment and
 * the converted rows' heap segment, and C2 then loads and checks the segment's type, size and liveness at every key
 * load inside the loop (about 15 instructions per load instead of 4); not timed.
 *
 * <p>The half-precision logits (2026-12-01): one kernel for F16 and BF16 rows, {@link #scoresHalf}, takes every quad of
 * a pass in one call, as {@code scoresF32} does, and leaves each quad's sixteen totals whole in {@code passTotals},
 * which {@link #place} puts in the tile once per pass; an F16 quad whose rows hold a subnormal half is computed first
 * through {@code scoresF32} over its converted rows (into its own sixteen floats of {@code passTotals}) and skipped.
 * Before, one call per quad ({@code scoresF16}, {@code scoresBf16}: 4 per pass at 32 q / 8 kv heads, each with an entry
 * of about 130 instructions in C2's code of 2026-11-30), each key's four totals stored with a masked store that built
 * its mask from bits (about 20 instructions with the store's checks, 4 per call). The kernels stay apart from {@code
 * scoresF32} (the BF16 rows through it, above, boxed its vectors in a JVM running every family): AllocationSuiteTest
 * and AllocationWithoutReceiverProfilesTest pass at 512, 256 and 128 bits and on the reference. The same operations in
 * the same order, so the same bits (Hash2 as above: equal to the code before at 512 and 256 bits). Measured in two
 * steps (decode 32 q / 8 kv heads × 128, ALiBi; bench's PairedCalls, median speed ratio and quartiles, this code as the
 * second side, then the code before as the second; 800 pairs at 4096 keys, 120 at 32768; sides 100% on a CPU, 0 B per
 * call; load 1.4–1.8): the totals into {@code passTotals} and one placement per pass, the kernels still one call per
 * quad, against ab1f710: off-heap BF16 1.027× (0.991–1.063) and 0.977× at 4096 keys, F16 1.053× (1.021–1.086) and
 * 0.945×; at 32768 keys, where the second side gains 1–2%, BF16 1.047× (1.039–1.055) and 1.010×, F16 1.040× and 0.999×;
 * on the heap at 4096 BF16 1.065× (1.030–1.101) and 0.947×, F16 1.049× and 0.950×; f32 1.027× and 1.016× (no change).
 * Then the one kernel over every quad against that: off-heap BF16 1.020× (0.988–1.055) and 0.979× at 4096, F16 1.034×
 * and 1.010×; at 32768 BF16 1.033× (1.026–1.041) and 1.010×, F16 1.027× and 1.009×; heap BF16 1.028× and 1.018×, F16
 * 1.004× and 1.003×; f32 1.006× and 1.008×. Both against ab1f710 (load 1.1–2.1): off-heap BF16 1.062× (1.025–1.097) and
 * 0.951× (0.916–0.984) at 4096 keys, F16 1.012× (0.980–1.044) and 0.942× (0.909–0.971); at 32768 BF16 1.012× and
 * 0.980×, F16 1.041× (1.024–1.056) and 1.007×; heap BF16 1.031× and 0.947×, F16 1.031× and 0.955×; f32 1.000× and
 * 0.997×; a repeat at 4096 keys (1500 pairs, load 1.3–1.5) BF16 1.041× (1.007–1.077) and 0.972× (0.941–1.006), F16
 * 1.042× (1.010–1.076) and 0.976× (0.942–1.009). Half ÷ f32 speed of this code in one JVM (the half side second, one
 * order only; load 1.0–1.3): BF16 1.222 (1.181–1.257, 800 pairs) at 4096 keys and 1.360 (1.345–1.378, 60 pairs) at
 * 32768, F16 1.029 (0.998–1.062) and 1.180 (1.167–1.192); the same measurement of ab1f710's code (load 0.9–1.8) 1.180
 * (1.131–1.220), 1.258, 0.995 and 1.173. C2's code of {@code scoresHalf} ({@code -XX:CompileCommand=print} with the
 * hsdis plugin during a JMH run of {@code DecodeBenchmark.decode}, BF16 off-heap, 4096 keys, 512 bits): per quad, 110
 * instructions before the loop (the sixteen accumulators zeroed, eight offset checks), 60 per iteration of 16 fused
 * multiply-adds (58 before), 98 for the fold and the one unmasked store; no mask is built.
 *
 * <p>The half-precision values (2026-12-01): one kernel for F16 and BF16 rows, {@link #accumulateHalf}, in place of
 * {@code accumulateF16} and {@code accumulateBf16}, called for each quad and group of four vectors of columns as {@code
 * accumulateF32} is, with its factor ({@code 2^−scale}, for F16 times {@link HalfPrecision#WIDEN}) computed once per
 * call of {@link #accumulate}, and its key loop counted by the weights' index (C2 computed the index from a key counter
 * at every key). The same loads, conversions, multiplies and fused multiply-adds in the same order, so the same bits
 * (Hash2 as above: equal to 71060b4's at 512 and 256 bits); AllocationSuiteTest and
 * AllocationWithoutReceiverProfilesTest pass at 512, 256 and 128 bits and on the reference. C2's code (hsdis as above,
 * 4096 keys off-heap, 512 bits; counted from the loop's head to its back branch): per key BF16 55 instructions, F16 59,
 * where 71060b4's kernels took 59 and 62 (16 fused multiply-adds, 4 loads, 4 broadcasts, 12 conversion operations, 16
 * for F16, and about 19 scalar instructions, of which 11 check the 4 value offsets against the segment's size and 3
 * form the address); 164 and 170 instructions before the loop (170 and 176); no mask is built, nothing is stored
 * masked. {@code Math.scalb} in those kernels was inlined in this run, but called ({@code Math.powerOfTwoD}) in the
 * listing of 2026-11-30. Measured (decode 32 q / 8 kv heads × 128, ALiBi; bench's PairedCalls against 71060b4, median
 * speed ratio and quartiles, this code as the second side, then 71060b4 as the second; 1000 pairs at 4096 keys, 120–160
 * at 32768; sides 100% on a CPU, 0 B per call; load 2.6–3.7, then 0.7–2.4): off-heap BF16 1.009× (0.965–1.054) and
 * 1.003× (0.967–1.042) at 4096 keys, F16 1.016× (0.984–1.051) and 1.000× (0.967–1.033); at 32768, where the second side
 * gains 1–2%, BF16 1.040× (1.032–1.045) and 1.022× (1.015–1.030), F16 1.009× (0.993–1.023) and 1.003× (0.994–1.014); on
 * the heap at 4096 BF16 1.015× (0.981–1.047) and 1.002×, F16 0.995× (0.962–1.021) and 0.997× (0.965–1.033), repeated
 * with 2500 pairs 0.983× (0.954–1.012) and 1.004×, then 1.010× (0.980–1.040) and 0.953× (0.928–0.978), where 71060b4
 * against a copy of itself gave 0.965× (0.938–0.992): within the pairing's noise at this size; f32 1.008× and 1.008×.
 * No slower anywhere, so kept for the merge of the two near-twins. Tried and not kept (same bits and 0 B as well): the
 * kernel taking every quad and group of a pass in one call, as {@link #scoresHalf} (an F16 quad whose rows hold a
 * subnormal half computed first, through {@code accumulateF32} over its converted rows, and skipped; per key 55 and 60
 * instructions, the segment's type and liveness checked once per quad): off-heap BF16 1.000× (0.967–1.038) and 1.000×
 * (0.967–1.033) at 4096 keys, F16 1.036× (0.996–1.074) and 0.999×; at 32768 BF16 1.038× and 1.015×, but F16 1.013×
 * (1.007–1.022) and 1.071× (1.065–1.077), again 1.006× and 1.051× (1.043–1.057): about 2.5% slower; heap BF16 1.011×
 * and 0.975×, F16 1.011× and 1.008×; f32 1.004× and 1.004× (load 1.1–2.9). That form with a key counter as well (58 and
 * 62 instructions per key): BF16 0.998× (0.964–1.037) and 1.018×, F16 1.014× and 0.996× at 4096 keys (load 1.8–2.3).
 * This kernel with the key counter kept: F16 on the heap 0.995× and 0.989× (2500 pairs), off-heap 0.996× and 1.027×
 * (1500 pairs) at 4096 keys (load 1.0–1.5).
 *
 * <p>The counted loop's cost before {@code scoresF32} left it (2026-11-30): with the rows in L2 (32 keys; {@code perf
 * record} of bench's PairedCalls, samples mapped onto C2's code printed with hsdis, load 3.2–3.5), the counted loop's
 * {@code scoresF32} spent 41% of its samples in the main loop (about 9 cycles per iteration of 16 fused multiply-adds,
 * the FMA ports' 8), 21% in the peeled iteration, 29% in the fold and stores, 9% at entry; at 512 keys 43%, 30%, 18%
 * and 7%, gathered on the instructions right after the key loads. Whole f32 decode steps (32 q / 8 kv heads × 128,
 * ALiBi) with the loop stepped by {@code lanes}, paired against the counted loop (PairedCalls, median speed ratio and
 * quartiles): off-heap 1.058× at 4096 keys (1.027–1.090, 180 pairs, load 2.7–3.0), at 512 keys 1.050, 1.024 and 1.041×
 * (the last 0.985–1.100 over 8000 pairs, load 4.5–6.6); on the heap 1.044× at 4096 (1.017–1.068, load 1.3–3); the same
 * bits (720 decode outputs of every precision and storage hashed equal). The half-precision kernels then kept the
 * constant stride: stepped by {@code lanes} too, their heap caches' {@code short[]} loads lost the checks' elimination,
 * BF16 heap 0.884× at 512 keys (0.84–0.92) and 0.943× at 4096 (0.92–0.97), F16 heap 0.975× (0.95–1.00), although
 * off-heap BF16 ran 1.040–1.107× at 4096 (quartiles from 0.996 to 1.33 in two runs) and 1.049× at 512, F16 1.016× (load
 * 1.3–6.6).
 *
 * <p>Each side of a pairing holds its own cache: at 128 keys the two sides' K/V (1 MiB each in f32) fill the core's
 * 2 MiB L2 and evict each other, so paired per-key costs at 128 and 512 keys are costs from L3. Marginal cost of
 * main's f32 step per key (fastest calls, load 2.4–3.9): 0.25 µs from 32 to 64 keys, 0.34 µs from 64 to 128,
 * 0.51 µs from 128 to 512. Same bits but slower or no gain (f32, paired against the order above): a pass over one
 * key's rows of a part's four kv heads (2 KB of one page, 16 query rows per pass instead of 4) 0.56× at 4096 keys
 * (quartiles 0.54–0.61) and 0.81× at 512 (load 3–5.4), so a pass must span pages; passes of eight keys' rows with two
 * entries (eight pages per pass, each row loaded twice) 0.95× at 4096 (0.92–0.98) and 0.92× at 512 (load 3.1–3.2);
 * a part's quads outermost (consecutive passes in eight pages) 1.00× at 4096 (0.97–1.03), with 16 keys per run of
 * logits 1.02× (0.99–1.06; load 1.8–3.6).
 *
 * <p>The logits' four masked stores per call (11% of {@code scoresF32}'s samples with the rows in L2) were tried as
 * unmasked stores of 128-bit parts ({@code reinterpretShape(SPECIES_128, part)}, or {@code slice} then part 0): C2
 * did not intrinsify either, and an f32 decode call at 4096 keys allocated 227 MB (2026-11-30). Where the time of a
 * step goes: {@link NarrowBlock}.
 *
 * <p>F32 rows: one {@code scoresF32} call per pass of four keys for every quad of the part (the quad loop inside the
 * kernel, not one call and one dispatch per quad), each quad's sixteen logits stored whole into a scratch of the
 * part's, then placed by {@link #place}: at 16 lanes four loads, eight two-vector permutes and one store per key (of
 * the part's quads' lanes) instead of four masked stores per quad (at 8 lanes four permutes, at 4 none; those widths
 * were not timed: this machine runs 16). The same operations, so the same bits (10452 decode outputs of every
 * precision and storage, ring, +∞/NaN, one to three workers, hashed equal at 512 and 256 bits). Measured
 * (2026-11-30; f32 decode, 32 q / 8 kv heads × 128, ALiBi, off-heap; bench's PairedCalls against the code before,
 * median speed ratio and quartiles, 800 pairs, load 3–4.2, sides 100% on a CPU): at 4096 keys 1.031× (0.997–1.067)
 * and 1.023× (0.992–1.060) as the second side, 1.057× and 1.038× as the first (the code before 0.946×, 0.918–0.978,
 * and 0.963×, 0.931–0.993); at 32768 keys 1.024× (1.014–1.045) and 1.009× (60 pairs); F16 1.016× and BF16 0.984× at
 * 4096 (500 pairs, their kernels unchanged). Paired against a read of the step's own K/V ({@code
 * DecodeBenchmark.readCache}, 500 pairs, load 4–4.2): 0.678 (0.655–0.701) and 0.691 (0.664–0.715), the code before
 * 0.661 (0.641–0.678) and 0.647 (0.601–0.680). Forms that did not work (same measurements): the quad loop with the
 * four masked stores per quad in a loop over the keys, with C2 alone on both sides ({@code -XX:-TieredCompilation})
 * 1.019× and 1.038×, but under tiered compilation C2 left the fold's last add to the Java fallback, a vector allocated
 * per quad (655 360 B per call, 0.952×, 0.921–0.981; nothing allocated without receiver profiles, {@code
 * -XX:TypeProfileWidth=0}; as much with on-stack replacement off); the four masked stores written out instead of the
 * loop, with or without the quad loop: C1 gave up on the kernel ("out of virtual registers"), C2 never compiled it,
 * and a step allocated 190 MB (50–80 ms a step); the placement as sixteen four-float copies: 0.965× (0.931–0.997) and
 * 0.942× (the code before 1.062×). No gain: the one-quad kernel taking a pass's first row and the rows' step
 * instead of four rows (14 arguments instead of 16), 1.021× (0.990–1.052) as the second side and 0.998× as the first.
 *
 * <p>{@code scoresF32} loads the fold's index vectors once, before its quad loop. Used as the static constants, each
 * use unboxed them inside the loop (the loop's stores into {@code totals} may write any {@code float[]}, their payload's
 * too), and C2 converted their float lanes to int indices (a conversion, a compare for NaN, a mask) quad after quad;
 * loaded before the loop, the conversions are hoisted out of it (C2's code mapped with perf: 2 conversions per quad
 * before, none after). The same operations, so the same bits. Against the code before (f32 decode, 32 q / 8 kv heads ×
 * 128, ALiBi, off-heap, 4096 keys; bench's PairedCalls, median speed ratio and quartiles, 800 pairs, load 1.8–2.3,
 * sides 100% on a CPU): 1.015× (0.984–1.042) as the second side, 1.003× as the first. Tried and not kept (same
 * measurements, 2026-11-30): the fold as levels of a blend and one two-vector permute ({@code x = a.blend(b, m)},
 * {@code y = i.selectFrom(a, b)}, {@code x + y}, pairs δ = 1, 2, 4, 8 lanes apart: lane j sums {@code a[j] + a[j + δ]}
 * where bit δ of j is clear, {@code b[j] + b[j − δ]} where set), 15 permutes and 15 blends per quad instead of 30
 * permutes: the same pairs in the same tree and the same lanes at the end, half of the additions with their operands
 * swapped (the same values; where both operands are NaN, the payload may be the other one's). With its four index
 * vectors as static constants (four conversions per quad) 0.973× (0.944–1.007) and 0.988×; with them loaded before the
 * loop 0.970× (0.939–1.003), 1.040×, 1.006× and 0.994× against this code, in both orders: at 4096 keys a pass does not
 * wait on the permutes' port.
 *
 * <p>F32 value rows of whole groups of four vectors (the benchmarks' head widths): {@link #accumulate} calls {@code
 * accumulateF32} for each quad and group from a loop of its own, without the per-quad check for converted F16 rows, the
 * per-group switch over the precision and the call for a column tail that is not there: that dispatch took 1.65% of an
 * f32 step's samples at 4096 keys and the tail's call 0.36% (perf as in {@link NarrowBlock}). The same kernel calls in
 * the same order, so the same bits (10452 decode outputs of every precision and storage, ring, +∞/NaN, one to three
 * workers, hashed equal at 512 and 256 bits). Measured in two steps (f32 decode, 32 q / 8 kv heads × 128, ALiBi,
 * off-heap, 4096 keys; bench's PairedCalls, median speed ratio, 600 pairs each, sides 100% on a CPU, 0 B per call): the
 * kernel taking every quad and group of a pass itself (its loops around its body; the dispatch's profile 0.06%, the
 * tail's none), against values over 32 keys alone ({@link NarrowBlock}; load 0.6–1.6): 1.011× (0.982–1.040), 1.025×,
 * 1.018× and 1.007× as the second side, the code before 0.975×, 0.988×, 0.985× and 0.998× as the second side; at 32768
 * keys (no scheme, 60 pairs) 1.028× and 1.026× against 1.024× and 1.026× (no change there); then this form against that
 * one (load 1.3–2.0): 1.007×, 0.987×, 1.025× and 1.021× as the second side against 1.004×, 1.006×, 0.999× and 1.001×; at
 * 32768 keys 1.038× and 1.001× against 1.029×. So the dispatch was the cost, not the calls, and the kernel stays one
 * call per quad and group. The F32 logits passes need not compute the rows a half-precision pass repeats ({@code
 * row1}, {@code row2} of {@link #scores}). Tried and not kept (same measurements, load 0.8–1.5): {@code scoresF32}
 * taking a part's whole run of keys in one call (its quad loop inside a loop over groups of four keys, {@link #place}
 * per group), 0.986×, 0.995×, 0.983× and 1.033× as the second side against 1.008×, 0.979×, 1.037× and 1.028× for the
 * code before; at 32768 keys 1.013× and 1.016× against 1.026× and 1.024×.
 *
 * <p>Key-in-lanes logits, measured and not landed (2026-12-01; a throw-away harness timing, not bench's PairedCalls).
 * With K stored per kv head in blocks of B keys, column-interleaved (column c of the block's keys one vector), a quad's
 * logits take, per column, B / L key loads, four broadcasts of the query columns and 4·B / L fused multiply-adds into
 * accumulators whose lanes are keys: no fold, no horizontal stores. The harness (one JVM, the two sides' calls in
 * pairs, each pair's order alternated) timed the logits of all 8 kv heads (32 q heads × 128, off-heap) over N keys:
 * {@link #scores} called as {@link NarrowBlock} calls it, against key-in-lanes kernels written to this package's rules
 * (C2: 45–55 instructions per 16 fused multiply-adds, nothing spilled in the loop, 0 B per call; two kv heads per loop,
 * so two memory streams; BF16 read as two keys per int, {@code << 16} and {@code & 0xffff0000}), their logits
 * transposed into this code's panel (64 two-vector permutes per 16 keys and part; C2 spilled there), so that the
 * softmax and the values would not change; both within {@code γ_d·Σ|q·k|} of the exact sums. Speed ratio, median and
 * quartiles (5000 calls at 128 keys, rows in L2; 400 at 4096; 100 at 32768; load 1.2–1.4): f32 (B = 32) 1.55×
 * (1.52–1.59), 1.05× (1.04–1.10), 1.11× (1.10–1.11); BF16 (B = 32) 1.76× (1.74–1.77), 1.50× (1.46–1.56), 1.17×
 * (1.16–1.18); F16 (B = 16) 1.37× (1.36–1.38), 1.30× (1.27–1.33), 1.08× (1.07–1.09); repeated at 4096 keys (600 pairs,
 * load 1.4–2.0), 1.07×, 1.45× (1.41–1.48) and 1.29×. Per kv-head row at 4096 keys that saves about 1 ns in f32, 5 in
 * BF16 and 4.5 in F16 of steps of about 50–56 ns ({@link NarrowBlock}): about 1.02×, 1.1× and 1.1× for a whole step (at
 * most 1.18× for BF16 if the logits' 46% of a step's samples shrank by the same 1.5×), far from issue 13's 1.8×, while
 * the layout would change the documented {@link KvCache#keys()} and every reader of key rows (prefill's packs, the
 * reference, rings, F16's subnormal flags per block instead of per row). Slower or no gain in the same harness (load
 * 1.3–2.4): one kv head per loop, one stream, 0.94–0.99× at 32768 keys in every precision; f32 with B = 16 (five loads
 * per four fused multiply-adds) 0.90–0.98×; the logits left as vectors of keys instead of transposed, about 1 ns per
 * row less.
 */
final class NarrowProducts {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    private static final VectorSpecies<Integer> I = Lanes.INT;
    private static final VectorSpecies<Short> H = Lanes.SHORT;
    /** Hardware FMA, else a multiply and an add, written out at each use (the package's C2 rule). */
    private static final boolean FMA = Lanes.FMA;
    private static final int L = F.length();
    private static final int PANEL = TileProducts.PANEL;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /**
     * The class of off-heap segments ({@link MemorySegment#NULL}'s): a segment cast to it by this constant is typed as
     * one for C2, so that its loads are compiled for native memory whatever kinds of segment the JVM has loaded from
     * (class comment; {@link TilePacks#pack} uses it too).
     */
    static final Class<? extends MemorySegment> OFF_HEAP = MemorySegment.NULL.getClass();
    /** Keys whose logits {@link #scores} computes per pass over the head width. */
    static final int KEYS = 4;
    /** At most how many keys apart one pass's key rows lie ({@link #scores}). */
    private static final int SPREAD = 2;
    /** The memory page: a pass reads rows from as many pages as it can ({@link #scores}). */
    private static final long PAGE = 4096;
    /** The fold's permute indices ({@link PairSums}), loaded into vectors once per call by the logits' kernels. */
    private static final float[] EVEN_LANES = PairSums.EVEN.toArray();
    private static final float[] ODD_LANES = PairSums.ODD.toArray();
    /**
     * Two-vector indices of four-lane blocks ({@link #place}): at 16 lanes blocks 0 and 1 of a and b interleaved
     * ({@code a0 b0 a1 b1}), then 2 and 3; at 8 lanes block 0 of a and of b, then block 1.
     */
    private static final FloatVector LOW_BLOCKS = L == 16 ? blocks(0, 16, 4, 20) : blocks(0, 8);
    private static final FloatVector HIGH_BLOCKS = L == 16 ? blocks(8, 24, 12, 28) : blocks(4, 12);
    /** Two-vector indices of four-lane blocks ({@link #place}, 16 lanes): blocks 0 and 1 of a then of b, then 2 and 3. */
    private static final FloatVector LOW_HALVES = blocks(0, 4, 16, 20);
    private static final FloatVector HIGH_HALVES = blocks(8, 12, 24, 28);
    /** L zeros, then L all-ones lanes: from index {@code L − n}, the bits that keep the lanes from n ({@link #accumulate4}). */
    private static final int[] KEEP = new int[2 * L];

    static {
        Arrays.fill(KEEP, L, 2 * L, -1);
    }

    private NarrowProducts() {}

    /**
     * Where a loop over the columns of a row of width d in vectors of L stops: past the last partial vector ({@code d}
     * rounded up to a multiple of L) for rows at least L wide, whose last vector is the row's last L columns with the
     * lanes of the columns already summed made +0; at {@code F.loopBound(d)}, 0, for narrower rows, whose columns a
     * scalar loop takes.
     */
    private static int columnVectors(int d) {
        return d >= L ? (d + L - 1) / L * L : F.loopBound(d);
    }

    /** Lanes {@code 4b … 4b + 3} take elements {@code first[b] …} of two vectors (lanes past {@code 4·first.length}: 0). */
    private static FloatVector blocks(int... first) {
        float[] lanes = new float[L];
        for (int lane = 0; lane < Math.min(L, 4 * first.length); lane++) {
            lanes[lane] = first[lane / 4] + lane % 4;
        }
        return FloatVector.fromArray(F, lanes, 0);
    }

    /**
     * {@code s[at + (j − first)·PANEL + e] = Σ_c q[e·d + c]·k_g[j][c]} for the {@code keys} key rows of
     * {@code precision} elements from byte {@code kRow} of {@code k}, {@code kStride} bytes apart, and
     * {@code e < 4·quads} (q row-major, padded with zero rows to whole quads), where entry e reads kv head
     * {@code g = e / (4·quadsPerHead)}, whose rows are {@code g·kHead} bytes further (and whose flags, a cache's
     * {@link KvCache#subnormalRows()} or null, are at {@code flagAt + j·flagStride + g} for key j; a pass of F16 rows
     * of which one holds a subnormal half is converted into {@code converted}, {@value #KEYS} rows of d, whose segment
     * is {@code convertedRows}, and computed as f32's: {@link #scoresHalf}; every precision's products leave each quad's
     * logits of a pass in {@code passTotals}, {@code 16·quads} floats, placed once per pass); unless {@code norms} is
     * null (F32 rows only), {@code norms[normsAt + g·normsStride + j − first] = Σ_c k_g[j][c]²}, each key row's squared
     * norm in float (the logit guard's input, computed from the rows already loaded).
     *
     * <p>A pass's four key rows lie in four memory pages where they can: when a position's rows take less than a
     * page ({@code kStride} below {@value #PAGE} bytes: F16 and BF16 caches of 8 kv heads × 128), the keys of a run of
     * {@code 4·}{@value #SPREAD} are taken as passes of every {@value #SPREAD}nd key ({@code j, j+2, j+4, j+6}, then
     * {@code j+1, …}). Each logit is computed by the same operations as with neighbouring keys, so the bits do not
     * change. Measured (decode 32 q / 8 kv heads × 128, BF16, off-heap, 32768 keys, paired calls in one JVM against
     * neighbouring keys, load 3.6–5): 1.15–1.21× as fast. With the logits' and the values' products timed apart
     * (each skipped in turn, one JVM per variant), the logits' reads of BF16 keys at 32768 keys ran at half the
     * speed per byte of the values' (whose passes already read 8 positions, 4 pages): the hardware prefetchers
     * follow a page's lines, so a pass over rows of 2 pages kept too few misses in flight. Touching the next keys'
     * rows ahead of their pass (a byte per cache line, or per page, or per row, summed into a sink) gained
     * nothing (0.90–1.00×).
     */
    static void scores(float[] q, int quads, int quadsPerHead, int d, MemorySegment k, short[] kh, long kRow, long kStride,
                       long kHead, KvPrecision precision, MemorySegment flags, long flagAt, int flagStride, float[] converted,
                       MemorySegment convertedRows, float[] passTotals, int keys, float[] s, int at, float[] norms,
                       int normsAt, int normsStride) {
        // No long division where rows take a page or more (f32 caches of 8 kv heads × 128; NarrowBlock's measurements).
        int spread = kStride >= PAGE ? 1 : (int) Math.min(SPREAD, PAGE / kStride);
        // Where the columns left to the scalar loop start: none for rows at least L wide (the kernels' last vector takes
        // their tail, columnVectors), all for narrower rows, whose columns are added in order after the kernels.
        int whole = d >= L ? d : 0;
        for (int j = 0; j < keys; ) {
            int apart = keys - j >= KEYS * spread ? spread : 1;
            for (int r = 0; r < apart; r++) {
                int count = Math.min(KEYS, keys - j - r);
                long step = apart * kStride;
                long row = kRow + (j + r) * kStride;
                if (precision == KvPrecision.F32) {
                    // F32 rows: every quad's products in one call.
                    scoresF32(q, 0, quads, quadsPerHead, d, k, row, step, kHead, passTotals, 0, count, norms, normsAt + j + r,
                            normsStride, apart, L);
                } else {
                    // Half rows: every quad in one call, but with F16 rows a quad whose kv head's rows hold a subnormal
                    // half first, its rows converted the other exact way, then f32's products. The quad's kv head
                    // counted, not divided (an integer division per quad; NarrowBlock).
                    int done = 0;
                    for (int quad = 0, head = 0, inHead = 0; precision == KvPrecision.F16 && quad < quads; quad++, inHead++) {
                        if (inHead == quadsPerHead) {
                            head++;
                            inHead = 0;
                        }
                        if (flagged(flags, flagAt + (long) (j + r) * flagStride + head, (long) apart * flagStride, count,
                                KvCache.KEY_SUBNORMAL)) {
                            TilePacks.pack(k, kh, row + head * kHead, step, precision, 1f, count, d, d, converted, 1);
                            scoresF32(q, 4 * quad * d, 1, 1, d, convertedRows, 0, 4L * d, 0, passTotals, 4 * KEYS * quad, count,
                                    null, 0, 0, apart, L);
                            done |= 1 << quad;
                        }
                    }
                    scoresHalf(q, quads, quadsPerHead, d, k, kh, row, step, kHead, count, precision == KvPrecision.BF16, done,
                            passTotals, L);
                }
                // Every quad's logits of the pass placed at once (their sixteen totals each, unmasked in passTotals).
                place(passTotals, quads, count, s, at + (j + r) * PANEL, apart * PANEL);
                if (whole == d) {
                    continue;
                }
                for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++) {
                    if (inHead == quadsPerHead) {
                        head++;
                        inHead = 0;
                    }
                    long shift = head * kHead;
                    boolean first = inHead == 0;
                    int n0 = normsAt + head * normsStride + j + r;
                    for (int key = 0; key < count; key++) {
                        long o = row + shift + key * step;
                        for (int e = 0; e < 4; e++) {
                            int out = at + (j + r + key * apart) * PANEL + 4 * quad + e;
                            s[out] = tail(q, (4 * quad + e) * d, k, o, precision, whole, d, s[out]);
                        }
                        if (first && norms != null) {
                            float norm = norms[n0 + key * apart];
                            for (int i = whole; i < d; i++) {
                                float x = precision.read(k, o + (long) i * precision.bytes());
                                norm += x * x;
                            }
                            norms[n0 + key * apart] = norm;
                        }
                    }
                }
            }
            j += apart > 1 ? KEYS * apart : KEYS;
        }
    }

    /**
     * Each of {@code quads} quads' four entries' dot products (quad i's query rows from {@code q0 + 4·i·d}; its kv head
     * {@code g = i / quadsPerHead}, whose rows are {@code g·kHead} bytes further) with four key rows from byte
     * {@code row}, {@code rowStep} bytes apart (rows past the {@code count}th repeat it), over the head width in vectors
     * ({@link #columnVectors}: the last vector of a row at least L wide whose width is not a multiple of L is its last L
     * columns, the lanes of the columns already summed blended to +0 in the query and the key, so that {@code fma(+0,
     * +0, sum)} leaves those sums as they were, whatever the key or query held there; no masked load: class comment), for
     * float rows (arrays, F32 caches), with the squared norms of each kv head's rows unless
     * {@code norms} is null (kv head g's row i at {@code norms[normsFrom + g·normsStride + i·normsStep]}): per quad,
     * sixteen lanewise accumulators folded in registers and stored whole into {@code totals[totalsAt + 16·i …]} (lane
     * {@code 4·key + entry}), which {@link #scores} places once per pass ({@link #place}); the rows' offset is advanced
     * by {@code lanes} (L, passed in: class comment).
     */
    private static void scoresF32(float[] q, int q0, int quads, int quadsPerHead, int d, MemorySegment k, long row, long rowStep,
                                  long kHead, float[] totals, int totalsAt, int count, float[] norms, int normsFrom,
                                  int normsStride, int normsStep, int lanes) {
        long last = (count - 1) * rowStep;
        long step1 = Math.min(rowStep, last);
        long step2 = Math.min(2 * rowStep, last);
        // An off-heap k as such (OFF_HEAP), else null: its loads below need no profile of the segments' kinds.
        MemorySegment kn = OFF_HEAP.isInstance(k) ? OFF_HEAP.cast(k) : null;
        int end = columnVectors(d);
        boolean tailed = end > d;
        // The fold's indices loaded here, not unboxed from the constants at each use: there, in the quad loop, C2 converted
        // their float lanes to int indices quad after quad.
        FloatVector even = FloatVector.fromArray(F, EVEN_LANES, 0);
        FloatVector odd = FloatVector.fromArray(F, ODD_LANES, 0);
        for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++, q0 += 4 * d) {
            if (inHead == quadsPerHead) {
                head++;
                inHead = 0;
            }
            long row0 = row + head * kHead;
            long row1 = row0 + step1;
            long row2 = row0 + step2;
            long row3 = row0 + last;
            int normsAt = normsFrom + head * normsStride;
            boolean withNorms = norms != null && inHead == 0;
            FloatVector zero = FloatVector.zero(F);
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector n0 = a0, n1 = a0, n2 = a0, n3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
            long o = 0;
            // The whole vectors, then, in a row at least L wide with a column tail, its last L columns: the back lanes,
            // already summed, blended to +0 in the query and the key, so that their sums do not change. A JVM that has
            // run whole-vector widths only compiles the untaken branch as a trap: back is 0, the loop main's (class
            // comment). Each key's norm after its products: a blended key as a receiver before them boxed vectors.
            for (int c = 0; c < end; c += L, o += 4L * lanes) {
                int back = 0;
                if (tailed) {
                    back = Math.max(0, c + L - d);
                }
                int col = c - back;
                VectorMask<Float> drop = VectorMask.fromLong(F, (1L << back) - 1);
                long ko = o - 4L * back;
                FloatVector x0 = FloatVector.fromArray(F, q, q0 + col);
                FloatVector x1 = FloatVector.fromArray(F, q, q0 + d + col);
                FloatVector x2 = FloatVector.fromArray(F, q, q0 + 2 * d + col);
                FloatVector x3 = FloatVector.fromArray(F, q, q0 + 3 * d + col);
                if (back != 0) {
                    x0 = x0.blend(zero, drop);
                    x1 = x1.blend(zero, drop);
                    x2 = x2.blend(zero, drop);
                    x3 = x3.blend(zero, drop);
                }
                FloatVector k0 = kn != null ? FloatVector.fromMemorySegment(F, kn, row0 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, k, row0 + ko, NATIVE);
                if (back != 0) {
                    k0 = k0.blend(zero, drop);
                }
                a0 = FMA ? x0.fma(k0, a0) : x0.mul(k0).add(a0);
                a1 = FMA ? x1.fma(k0, a1) : x1.mul(k0).add(a1);
                a2 = FMA ? x2.fma(k0, a2) : x2.mul(k0).add(a2);
                a3 = FMA ? x3.fma(k0, a3) : x3.mul(k0).add(a3);
                if (withNorms) {
                    n0 = FMA ? k0.fma(k0, n0) : k0.mul(k0).add(n0);
                }
                FloatVector k1 = kn != null ? FloatVector.fromMemorySegment(F, kn, row1 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, k, row1 + ko, NATIVE);
                if (back != 0) {
                    k1 = k1.blend(zero, drop);
                }
                b0 = FMA ? x0.fma(k1, b0) : x0.mul(k1).add(b0);
                b1 = FMA ? x1.fma(k1, b1) : x1.mul(k1).add(b1);
                b2 = FMA ? x2.fma(k1, b2) : x2.mul(k1).add(b2);
                b3 = FMA ? x3.fma(k1, b3) : x3.mul(k1).add(b3);
                if (withNorms) {
                    n1 = FMA ? k1.fma(k1, n1) : k1.mul(k1).add(n1);
                }
                FloatVector k2 = kn != null ? FloatVector.fromMemorySegment(F, kn, row2 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, k, row2 + ko, NATIVE);
                if (back != 0) {
                    k2 = k2.blend(zero, drop);
                }
                c0 = FMA ? x0.fma(k2, c0) : x0.mul(k2).add(c0);
                c1 = FMA ? x1.fma(k2, c1) : x1.mul(k2).add(c1);
                c2 = FMA ? x2.fma(k2, c2) : x2.mul(k2).add(c2);
                c3 = FMA ? x3.fma(k2, c3) : x3.mul(k2).add(c3);
                if (withNorms) {
                    n2 = FMA ? k2.fma(k2, n2) : k2.mul(k2).add(n2);
                }
                FloatVector k3 = kn != null ? FloatVector.fromMemorySegment(F, kn, row3 + ko, NATIVE)
                        : FloatVector.fromMemorySegment(F, k, row3 + ko, NATIVE);
                if (back != 0) {
                    k3 = k3.blend(zero, drop);
                }
                e0 = FMA ? x0.fma(k3, e0) : x0.mul(k3).add(e0);
                e1 = FMA ? x1.fma(k3, e1) : x1.mul(k3).add(e1);
                e2 = FMA ? x2.fma(k3, e2) : x2.mul(k3).add(e2);
                e3 = FMA ? x3.fma(k3, e3) : x3.mul(k3).add(e3);
                if (withNorms) {
                    n3 = FMA ? k3.fma(k3, n3) : k3.mul(k3).add(n3);
                }
            }
            if (withNorms) {
                // The key rows' squared norms: lanes [i·L/4, (i + 1)·L/4) hold row i's partials, halved to lane i.
                FloatVector n01 = even.selectFrom(n0, n1).add(odd.selectFrom(n0, n1));
                FloatVector n23 = even.selectFrom(n2, n3).add(odd.selectFrom(n2, n3));
                FloatVector squares = even.selectFrom(n01, n23).add(odd.selectFrom(n01, n23));
                for (int span = L / 4; span > 1; span /= 2) {
                    squares = even.selectFrom(squares, squares).add(odd.selectFrom(squares, squares));
                }
                if (normsStep == 1) {
                    squares.intoArray(norms, normsAt, VectorMask.fromLong(F, (1L << count) - 1));
                } else {
                    for (int i = 0; i < count; i++) {
                        norms[normsAt + i * normsStep] = squares.lane(i);
                    }
                }
            }
            // Folded level by level (PairSums): after log2(L) levels, lane 4·key + entry of the 16 / L results
            // holds that dot product's total.
            FloatVector h0 = even.selectFrom(a0, a1).add(odd.selectFrom(a0, a1));
            FloatVector h1 = even.selectFrom(a2, a3).add(odd.selectFrom(a2, a3));
            FloatVector h2 = even.selectFrom(b0, b1).add(odd.selectFrom(b0, b1));
            FloatVector h3 = even.selectFrom(b2, b3).add(odd.selectFrom(b2, b3));
            FloatVector h4 = even.selectFrom(c0, c1).add(odd.selectFrom(c0, c1));
            FloatVector h5 = even.selectFrom(c2, c3).add(odd.selectFrom(c2, c3));
            FloatVector h6 = even.selectFrom(e0, e1).add(odd.selectFrom(e0, e1));
            FloatVector h7 = even.selectFrom(e2, e3).add(odd.selectFrom(e2, e3));
            FloatVector key0 = even.selectFrom(h0, h1).add(odd.selectFrom(h0, h1));
            FloatVector key1 = even.selectFrom(h2, h3).add(odd.selectFrom(h2, h3));
            FloatVector key2 = even.selectFrom(h4, h5).add(odd.selectFrom(h4, h5));
            FloatVector key3 = even.selectFrom(h6, h7).add(odd.selectFrom(h6, h7));
            // The quad's sixteen totals, lane 4·key + entry, unmasked into totals[16·quad …]; placed after the loop.
            int t0 = totalsAt + 4 * KEYS * quad;
            if (L == 4) {
                key0.intoArray(totals, t0);
                key1.intoArray(totals, t0 + 4);
                key2.intoArray(totals, t0 + 8);
                key3.intoArray(totals, t0 + 12);
                continue;
            }
            FloatVector keys01 = even.selectFrom(key0, key1).add(odd.selectFrom(key0, key1));
            FloatVector keys23 = even.selectFrom(key2, key3).add(odd.selectFrom(key2, key3));
            if (L == 8) {
                keys01.intoArray(totals, t0);
                keys23.intoArray(totals, t0 + 8);
                continue;
            }
            even.selectFrom(keys01, keys23).add(odd.selectFrom(keys01, keys23)).intoArray(totals, t0);
        }
    }

    /**
     * Key i's logits of every quad, {@code totals[16·quad + 4·i + e]}, to {@code s[at + i·step + 4·quad + e]} for
     * {@code i < count}, one store per key of the part's quads' lanes (at most L / 4 quads: a part's entries fill at most
     * one vector): at 16 lanes a transpose of the four quads' four-lane blocks (two levels of two-vector permutes), at 8
     * one level over the two quads' halves, at 4 a copy.
     */
    private static void place(float[] totals, int quads, int count, float[] s, int at, int step) {
        VectorMask<Float> mine = VectorMask.fromLong(F, (1L << 4 * quads) - 1);
        FloatVector key0, key1, key2, key3;
        if (L == 16) {
            FloatVector t0 = FloatVector.fromArray(F, totals, 0);
            FloatVector t1 = FloatVector.fromArray(F, totals, L);
            FloatVector t2 = FloatVector.fromArray(F, totals, 2 * L);
            FloatVector t3 = FloatVector.fromArray(F, totals, 3 * L);
            FloatVector low01 = LOW_BLOCKS.selectFrom(t0, t1);
            FloatVector low23 = LOW_BLOCKS.selectFrom(t2, t3);
            FloatVector high01 = HIGH_BLOCKS.selectFrom(t0, t1);
            FloatVector high23 = HIGH_BLOCKS.selectFrom(t2, t3);
            key0 = LOW_HALVES.selectFrom(low01, low23);
            key1 = HIGH_HALVES.selectFrom(low01, low23);
            key2 = LOW_HALVES.selectFrom(high01, high23);
            key3 = HIGH_HALVES.selectFrom(high01, high23);
        } else if (L == 8) {
            FloatVector keys01 = FloatVector.fromArray(F, totals, 0);
            FloatVector keys23 = FloatVector.fromArray(F, totals, L);
            FloatVector next01 = FloatVector.fromArray(F, totals, 2 * L);
            FloatVector next23 = FloatVector.fromArray(F, totals, 3 * L);
            key0 = LOW_BLOCKS.selectFrom(keys01, next01);
            key1 = HIGH_BLOCKS.selectFrom(keys01, next01);
            key2 = LOW_BLOCKS.selectFrom(keys23, next23);
            key3 = HIGH_BLOCKS.selectFrom(keys23, next23);
        } else {
            key0 = FloatVector.fromArray(F, totals, 0);
            key1 = FloatVector.fromArray(F, totals, L);
            key2 = FloatVector.fromArray(F, totals, 2 * L);
            key3 = FloatVector.fromArray(F, totals, 3 * L);
        }
        key0.intoArray(s, at, mine);
        if (count > 1) {
            key1.intoArray(s, at + step, mine);
        }
        if (count > 2) {
            key2.intoArray(s, at + 2 * step, mine);
        }
        if (count > 3) {
            key3.intoArray(s, at + 3 * step, mine);
        }
    }

    /**
     * {@link #scoresF32}'s products (without norms) for half-precision rows, converted as they are loaded
     * ({@link HalfPrecision}): BF16 rows if {@code bf16}, else F16 rows that hold no subnormal half, by a multiply; for
     * the quads whose bit of {@code done} is clear; the last vector of a row with a column tail as there (the key's
     * lanes already summed blended to +0 after the conversion). A quad whose F16 rows hold one
     * ({@link KvCache#subnormalRows()}) {@link #scores} computes first: {@link TilePacks#pack} converts them the other exact way into floats and
     * {@link #scoresF32} runs over those, the same fused multiply-adds in the same order.
     *
     * <p>F16's multiply (four operations instead of eight) gives the same bits: 9666 attention outputs (every precision,
     * heap and off-heap, linear and ring caches after roll-back, one and two threads, Gaussian, tiny, zero, −0,
     * subnormal, NaN and infinite elements, 512 and 256 bits; a throw-away harness) hashed equal to the code before.
     * Before it, a converted vector whose subnormal mask was empty skipped the fix-up (subtract, multiply, blend) of the
     * ten-operation form; that gained, whole decode steps (32 q / 8 kv heads × 128, ALiBi; bench's
     * PairedCalls against the code before, median speed ratio and quartiles, load 2.6–4.3): F16 off-heap 1.065–1.072×
     * at 4096 keys (1.03–1.11; two runs of 150 and 200 pairs), 1.076× at 32768 (1.05–1.10, 60 pairs); on the heap
     * 1.019× at 4096 (0.96–1.09), 1.022× at 32768 (1.005–1.04).
     */
    private static void scoresHalf(float[] q, int quads, int quadsPerHead, int d, MemorySegment k, short[] kh, long row,
                                   long rowStep, long kHead, int count, boolean bf16, int done, float[] totals, int lanes) {
        long last = (count - 1) * rowStep;
        long step1 = Math.min(rowStep, last);
        long step2 = Math.min(2 * rowStep, last);
        // The fold's indices loaded here, as scoresF32's.
        FloatVector even = FloatVector.fromArray(F, EVEN_LANES, 0);
        FloatVector odd = FloatVector.fromArray(F, ODD_LANES, 0);
        int end = columnVectors(d);
        boolean tailed = end > d;
        for (int quad = 0, head = 0, inHead = 0, q0 = 0; quad < quads; quad++, inHead++, q0 += 4 * d) {
            if (inHead == quadsPerHead) {
                head++;
                inHead = 0;
            }
            if ((done >>> quad & 1) != 0) {
                continue;
            }
            long row0 = row + head * kHead;
            long row1 = row0 + step1;
            long row2 = row0 + step2;
            long row3 = row0 + last;
            int t0 = 4 * KEYS * quad;
            FloatVector zero = FloatVector.zero(F);
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
            int i0 = (int) (row0 >>> 1), i1 = (int) (row1 >>> 1), i2 = (int) (row2 >>> 1), i3 = (int) (row3 >>> 1);
            long o = 0;
            // The whole vectors, then the last L columns of a row with a column tail, as in scoresF32.
            for (int c = 0; c < end; c += L, o += 2L * lanes) {
                int back = 0;
                if (tailed) {
                    back = Math.max(0, c + L - d);
                }
                int col = c - back;
                VectorMask<Float> drop = VectorMask.fromLong(F, (1L << back) - 1);
                long ko = o - 2L * back;
                FloatVector x0 = FloatVector.fromArray(F, q, q0 + col);
                FloatVector x1 = FloatVector.fromArray(F, q, q0 + d + col);
                FloatVector x2 = FloatVector.fromArray(F, q, q0 + 2 * d + col);
                FloatVector x3 = FloatVector.fromArray(F, q, q0 + 3 * d + col);
                if (back != 0) {
                    x0 = x0.blend(zero, drop);
                    x1 = x1.blend(zero, drop);
                    x2 = x2.blend(zero, drop);
                    x3 = x3.blend(zero, drop);
                }
                IntVector k0Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i0 + col) : ShortVector.fromMemorySegment(H, k, row0 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k0 = bf16 ? k0Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k0Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k0 = k0.blend(zero, drop);
                }
                a0 = FMA ? x0.fma(k0, a0) : x0.mul(k0).add(a0);
                a1 = FMA ? x1.fma(k0, a1) : x1.mul(k0).add(a1);
                a2 = FMA ? x2.fma(k0, a2) : x2.mul(k0).add(a2);
                a3 = FMA ? x3.fma(k0, a3) : x3.mul(k0).add(a3);
                IntVector k1Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i1 + col) : ShortVector.fromMemorySegment(H, k, row1 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k1 = bf16 ? k1Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k1Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k1 = k1.blend(zero, drop);
                }
                b0 = FMA ? x0.fma(k1, b0) : x0.mul(k1).add(b0);
                b1 = FMA ? x1.fma(k1, b1) : x1.mul(k1).add(b1);
                b2 = FMA ? x2.fma(k1, b2) : x2.mul(k1).add(b2);
                b3 = FMA ? x3.fma(k1, b3) : x3.mul(k1).add(b3);
                IntVector k2Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i2 + col) : ShortVector.fromMemorySegment(H, k, row2 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k2 = bf16 ? k2Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k2Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k2 = k2.blend(zero, drop);
                }
                c0 = FMA ? x0.fma(k2, c0) : x0.mul(k2).add(c0);
                c1 = FMA ? x1.fma(k2, c1) : x1.mul(k2).add(c1);
                c2 = FMA ? x2.fma(k2, c2) : x2.mul(k2).add(c2);
                c3 = FMA ? x3.fma(k2, c3) : x3.mul(k2).add(c3);
                IntVector k3Bits = (IntVector) (kh != null ? ShortVector.fromArray(H, kh, i3 + col) : ShortVector.fromMemorySegment(H, k, row3 + ko, NATIVE)).convertShape(S2I, I, 0);
                FloatVector k3 = bf16 ? k3Bits.lanewise(LSHL, 16).reinterpretAsFloats()
                        : k3Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS).reinterpretAsFloats().mul(HalfPrecision.WIDEN);
                if (back != 0) {
                    k3 = k3.blend(zero, drop);
                }
                e0 = FMA ? x0.fma(k3, e0) : x0.mul(k3).add(e0);
                e1 = FMA ? x1.fma(k3, e1) : x1.mul(k3).add(e1);
                e2 = FMA ? x2.fma(k3, e2) : x2.mul(k3).add(e2);
                e3 = FMA ? x3.fma(k3, e3) : x3.mul(k3).add(e3);
            }
            // Folded level by level (PairSums): after log2(L) levels, lane 4·key + entry of the 16 / L results
            // holds that dot product's total.
            FloatVector h0 = even.selectFrom(a0, a1).add(odd.selectFrom(a0, a1));
            FloatVector h1 = even.selectFrom(a2, a3).add(odd.selectFrom(a2, a3));
            FloatVector h2 = even.selectFrom(b0, b1).add(odd.selectFrom(b0, b1));
            FloatVector h3 = even.selectFrom(b2, b3).add(odd.selectFrom(b2, b3));
            FloatVector h4 = even.selectFrom(c0, c1).add(odd.selectFrom(c0, c1));
            FloatVector h5 = even.selectFrom(c2, c3).add(odd.selectFrom(c2, c3));
            FloatVector h6 = even.selectFrom(e0, e1).add(odd.selectFrom(e0, e1));
            FloatVector h7 = even.selectFrom(e2, e3).add(odd.selectFrom(e2, e3));
            FloatVector key0 = even.selectFrom(h0, h1).add(odd.selectFrom(h0, h1));
            FloatVector key1 = even.selectFrom(h2, h3).add(odd.selectFrom(h2, h3));
            FloatVector key2 = even.selectFrom(h4, h5).add(odd.selectFrom(h4, h5));
            FloatVector key3 = even.selectFrom(h6, h7).add(odd.selectFrom(h6, h7));
            // The sixteen totals, lane 4·key + entry, unmasked into totals[t0 …], as scoresF32's.
            if (L == 4) {
                key0.intoArray(totals, t0);
                key1.intoArray(totals, t0 + 4);
                key2.intoArray(totals, t0 + 8);
                key3.intoArray(totals, t0 + 12);
                continue;
            }
            FloatVector keys01 = even.selectFrom(key0, key1).add(odd.selectFrom(key0, key1));
            FloatVector keys23 = even.selectFrom(key2, key3).add(odd.selectFrom(key2, key3));
            if (L == 8) {
                keys01.intoArray(totals, t0);
                keys23.intoArray(totals, t0 + 8);
                continue;
            }
            even.selectFrom(keys01, keys23).add(odd.selectFrom(keys01, keys23)).intoArray(totals, t0);
        }
    }

    private static float tail(float[] q, int q0, MemorySegment k, long kRow, KvPrecision precision, int from, int d,
                              float sum) {
        for (int c = from; c < d; c++) {
            sum = fma(q[q0 + c], precision.read(k, kRow + (long) c * precision.bytes()), sum);
        }
        return sum;
    }

    /**
     * {@code t[e·dv + c] = fma(s[at + j·PANEL + e], v[j][c], t[e·dv + c])} for {@code e < 4·quads},
     * {@code c < dv} and keys {@code j < keys} in order, the value rows of {@code precision} elements from byte
     * {@code vRow} of {@code v}, {@code vStride} bytes apart (entry e's kv head {@code g = e / (4·quadsPerHead)} times
     * {@code vHead} bytes further, its flags at {@code flagAt + j·flagStride + g} as in {@link #scores}), each multiplied
     * by {@code 2^−scale} as it is read (the values' scale of {@link OnlineSoftmax}; for F16 in the conversion, at no
     * cost): a run of keys' contributions to every entry's row of the tile's sums. F16 rows of a kv head of which one
     * holds a subnormal half are converted into {@code converted} first (at most its length ÷ dv keys), as in
     * {@link #scores}.
     */
    static void accumulate(float[] s, int at, int quads, int quadsPerHead, MemorySegment v, short[] vh, long vRow, long vStride,
                           long vHead, KvPrecision precision, MemorySegment flags, long flagAt, int flagStride, float[] converted,
                           MemorySegment convertedRows, int scale, int keys, int dv, float[] t) {
        if (precision == KvPrecision.F32 && dv % (4 * L) == 0) {
            // F32 rows of whole groups of four vectors: the kernel for each quad and group, no dispatch (class comment).
            for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++) {
                if (inHead == quadsPerHead) {
                    head++;
                    inHead = 0;
                }
                for (int c = 0; c < dv; c += 4 * L) {
                    accumulateF32(s, at + 4 * quad, v, vRow + head * vHead + 4L * c, vStride, scale, keys, dv, t, 4 * quad * dv + c);
                }
            }
            return;
        }
        // Rows with a column tail, or half rows (accumulateHalf for each quad and group, its factor computed here once);
        // F16 rows of a quad whose kv head's rows hold a subnormal half converted the other exact way, then f32's products.
        int whole = dv - dv % (4 * L);
        boolean bf16 = precision == KvPrecision.BF16;
        float factor = Math.scalb(bf16 ? 1f : HalfPrecision.WIDEN, -scale);
        for (int quad = 0, head = 0, inHead = 0; quad < quads; quad++, inHead++) {
            if (inHead == quadsPerHead) {
                head++;
                inHead = 0;
            }
            MemorySegment rows = v;
            short[] halves = vh;
            long headRow = vRow + head * vHead;
            long stride = vStride;
            KvPrecision read = precision;
            if (precision == KvPrecision.F16 && flagged(flags, flagAt + head, flagStride, keys, KvCache.VALUE_SUBNORMAL)) {
                // A row holds a subnormal half: the rows converted the other exact way, then f32's products.
                TilePacks.pack(v, vh, headRow, vStride, precision, 1f, keys, dv, dv, converted, 1);
                rows = convertedRows;
                halves = null;
                headRow = 0;
                stride = 4L * dv;
                read = KvPrecision.F32;
            }
            for (int c = 0; c < whole; c += 4 * L) {
                if (read == KvPrecision.F32) {
                    accumulateF32(s, at + 4 * quad, rows, headRow + 4L * c, stride, scale, keys, dv, t, 4 * quad * dv + c);
                } else {
                    accumulateHalf(s, at + 4 * quad, v, vh, headRow + 2L * c, vStride, bf16, factor, keys, dv, t, 4 * quad * dv + c);
                }
            }
            if (whole < dv) {
                accumulate4(s, at + 4 * quad, rows, halves, headRow, stride, read, scale, keys, whole, dv, t, 4 * quad * dv);
            }
        }
    }

    /**
     * Four entries' sums over four vectors of columns from {@code o0}, held in sixteen registers across
     * the keys, for float value rows: per key, four weights broadcast and four value vectors loaded (each multiplied by
     * {@code 2^−scale}) for sixteen fused multiply-adds.
     */
    private static void accumulateF32(float[] s, int at, MemorySegment v, long vRow, long vStride, int scale, int keys,
                                      int dv, float[] o, int o0) {
        float factor = Math.scalb(1f, -scale);
        MemorySegment vn = OFF_HEAP.isInstance(v) ? OFF_HEAP.cast(v) : null; // as scoresF32's kn
        FloatVector x00 = FloatVector.fromArray(F, o, o0);
        FloatVector x01 = FloatVector.fromArray(F, o, o0 + L);
        FloatVector x02 = FloatVector.fromArray(F, o, o0 + 2 * L);
        FloatVector x03 = FloatVector.fromArray(F, o, o0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(F, o, o0 + dv);
        FloatVector x11 = FloatVector.fromArray(F, o, o0 + dv + L);
        FloatVector x12 = FloatVector.fromArray(F, o, o0 + dv + 2 * L);
        FloatVector x13 = FloatVector.fromArray(F, o, o0 + dv + 3 * L);
        FloatVector x20 = FloatVector.fromArray(F, o, o0 + 2 * dv);
        FloatVector x21 = FloatVector.fromArray(F, o, o0 + 2 * dv + L);
        FloatVector x22 = FloatVector.fromArray(F, o, o0 + 2 * dv + 2 * L);
        FloatVector x23 = FloatVector.fromArray(F, o, o0 + 2 * dv + 3 * L);
        FloatVector x30 = FloatVector.fromArray(F, o, o0 + 3 * dv);
        FloatVector x31 = FloatVector.fromArray(F, o, o0 + 3 * dv + L);
        FloatVector x32 = FloatVector.fromArray(F, o, o0 + 3 * dv + 2 * L);
        FloatVector x33 = FloatVector.fromArray(F, o, o0 + 3 * dv + 3 * L);
        long row = vRow;
        for (int j = 0, p = at; j < keys; j++, p += PANEL, row += vStride) {
            FloatVector v0 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row, NATIVE)
                    : FloatVector.fromMemorySegment(F, v, row, NATIVE)).mul(factor);
            FloatVector v1 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row + 4L * L, NATIVE)
                    : FloatVector.fromMemorySegment(F, v, row + 4L * L, NATIVE)).mul(factor);
            FloatVector v2 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row + 8L * L, NATIVE)
                    : FloatVector.fromMemorySegment(F, v, row + 8L * L, NATIVE)).mul(factor);
            FloatVector v3 = (vn != null ? FloatVector.fromMemorySegment(F, vn, row + 12L * L, NATIVE)
                    : FloatVector.fromMemorySegment(F, v, row + 12L * L, NATIVE)).mul(factor);
            FloatVector p0 = FloatVector.broadcast(F, s[p]);
            x00 = FMA ? p0.fma(v0, x00) : p0.mul(v0).add(x00);
            x01 = FMA ? p0.fma(v1, x01) : p0.mul(v1).add(x01);
            x02 = FMA ? p0.fma(v2, x02) : p0.mul(v2).add(x02);
            x03 = FMA ? p0.fma(v3, x03) : p0.mul(v3).add(x03);
            FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
            x10 = FMA ? p1.fma(v0, x10) : p1.mul(v0).add(x10);
            x11 = FMA ? p1.fma(v1, x11) : p1.mul(v1).add(x11);
            x12 = FMA ? p1.fma(v2, x12) : p1.mul(v2).add(x12);
            x13 = FMA ? p1.fma(v3, x13) : p1.mul(v3).add(x13);
            FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
            x20 = FMA ? p2.fma(v0, x20) : p2.mul(v0).add(x20);
            x21 = FMA ? p2.fma(v1, x21) : p2.mul(v1).add(x21);
            x22 = FMA ? p2.fma(v2, x22) : p2.mul(v2).add(x22);
            x23 = FMA ? p2.fma(v3, x23) : p2.mul(v3).add(x23);
            FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
            x30 = FMA ? p3.fma(v0, x30) : p3.mul(v0).add(x30);
            x31 = FMA ? p3.fma(v1, x31) : p3.mul(v1).add(x31);
            x32 = FMA ? p3.fma(v2, x32) : p3.mul(v2).add(x32);
            x33 = FMA ? p3.fma(v3, x33) : p3.mul(v3).add(x33);
        }
        x00.intoArray(o, o0);
        x01.intoArray(o, o0 + L);
        x02.intoArray(o, o0 + 2 * L);
        x03.intoArray(o, o0 + 3 * L);
        x10.intoArray(o, o0 + dv);
        x11.intoArray(o, o0 + dv + L);
        x12.intoArray(o, o0 + dv + 2 * L);
        x13.intoArray(o, o0 + dv + 3 * L);
        x20.intoArray(o, o0 + 2 * dv);
        x21.intoArray(o, o0 + 2 * dv + L);
        x22.intoArray(o, o0 + 2 * dv + 2 * L);
        x23.intoArray(o, o0 + 2 * dv + 3 * L);
        x30.intoArray(o, o0 + 3 * dv);
        x31.intoArray(o, o0 + 3 * dv + L);
        x32.intoArray(o, o0 + 3 * dv + 2 * L);
        x33.intoArray(o, o0 + 3 * dv + 3 * L);
    }

    /**
     * {@link #accumulateF32}'s sums for half-precision value rows, converted as they are loaded ({@link HalfPrecision}):
     * BF16 rows if {@code bf16}, else F16 rows that hold no subnormal half ({@link #accumulate} sends others through
     * {@link #accumulateF32}, as {@link #scores}), each vector multiplied by {@code factor} ({@code 2^−scale}, for F16
     * times {@link HalfPrecision#WIDEN}: the conversion's multiply scales at no cost). Four entries' sums over four
     * vectors of columns from {@code o0}, held in sixteen registers across the keys: per key, four weights broadcast and
     * four value vectors loaded for sixteen fused multiply-adds; the key loop counted by the weights' index {@code p}
     * (no key counter: class comment).
     */
    private static void accumulateHalf(float[] s, int at, MemorySegment v, short[] vh, long vRow, long vStride, boolean bf16,
                                       float factor, int keys, int dv, float[] o, int o0) {
        FloatVector x00 = FloatVector.fromArray(F, o, o0);
        FloatVector x01 = FloatVector.fromArray(F, o, o0 + L);
        FloatVector x02 = FloatVector.fromArray(F, o, o0 + 2 * L);
        FloatVector x03 = FloatVector.fromArray(F, o, o0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(F, o, o0 + dv);
        FloatVector x11 = FloatVector.fromArray(F, o, o0 + dv + L);
        FloatVector x12 = FloatVector.fromArray(F, o, o0 + dv + 2 * L);
        FloatVector x13 = FloatVector.fromArray(F, o, o0 + dv + 3 * L);
        FloatVector x20 = FloatVector.fromArray(F, o, o0 + 2 * dv);
        FloatVector x21 = FloatVector.fromArray(F, o, o0 + 2 * dv + L);
        FloatVector x22 = FloatVector.fromArray(F, o, o0 + 2 * dv + 2 * L);
        FloatVector x23 = FloatVector.fromArray(F, o, o0 + 2 * dv + 3 * L);
        FloatVector x30 = FloatVector.fromArray(F, o, o0 + 3 * dv);
        FloatVector x31 = FloatVector.fromArray(F, o, o0 + 3 * dv + L);
        FloatVector x32 = FloatVector.fromArray(F, o, o0 + 3 * dv + 2 * L);
        FloatVector x33 = FloatVector.fromArray(F, o, o0 + 3 * dv + 3 * L);
        long row = vRow;
        for (int p = at, end = p + keys * PANEL; p < end; p += PANEL, row += vStride) {
            IntVector v0Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row) >>> 1)) : ShortVector.fromMemorySegment(H, v, row, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v0 = (bf16 ? v0Bits.lanewise(LSHL, 16) : v0Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            IntVector v1Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row + 2L * L) >>> 1)) : ShortVector.fromMemorySegment(H, v, row + 2L * L, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v1 = (bf16 ? v1Bits.lanewise(LSHL, 16) : v1Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            IntVector v2Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row + 4L * L) >>> 1)) : ShortVector.fromMemorySegment(H, v, row + 4L * L, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v2 = (bf16 ? v2Bits.lanewise(LSHL, 16) : v2Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            IntVector v3Bits = (IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row + 6L * L) >>> 1)) : ShortVector.fromMemorySegment(H, v, row + 6L * L, NATIVE)).convertShape(S2I, I, 0);
            FloatVector v3 = (bf16 ? v3Bits.lanewise(LSHL, 16) : v3Bits.lanewise(LSHL, 13).and(HalfPrecision.FIELDS))
                    .reinterpretAsFloats().mul(factor);
            FloatVector p0 = FloatVector.broadcast(F, s[p]);
            x00 = FMA ? p0.fma(v0, x00) : p0.mul(v0).add(x00);
            x01 = FMA ? p0.fma(v1, x01) : p0.mul(v1).add(x01);
            x02 = FMA ? p0.fma(v2, x02) : p0.mul(v2).add(x02);
            x03 = FMA ? p0.fma(v3, x03) : p0.mul(v3).add(x03);
            FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
            x10 = FMA ? p1.fma(v0, x10) : p1.mul(v0).add(x10);
            x11 = FMA ? p1.fma(v1, x11) : p1.mul(v1).add(x11);
            x12 = FMA ? p1.fma(v2, x12) : p1.mul(v2).add(x12);
            x13 = FMA ? p1.fma(v3, x13) : p1.mul(v3).add(x13);
            FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
            x20 = FMA ? p2.fma(v0, x20) : p2.mul(v0).add(x20);
            x21 = FMA ? p2.fma(v1, x21) : p2.mul(v1).add(x21);
            x22 = FMA ? p2.fma(v2, x22) : p2.mul(v2).add(x22);
            x23 = FMA ? p2.fma(v3, x23) : p2.mul(v3).add(x23);
            FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
            x30 = FMA ? p3.fma(v0, x30) : p3.mul(v0).add(x30);
            x31 = FMA ? p3.fma(v1, x31) : p3.mul(v1).add(x31);
            x32 = FMA ? p3.fma(v2, x32) : p3.mul(v2).add(x32);
            x33 = FMA ? p3.fma(v3, x33) : p3.mul(v3).add(x33);
        }
        x00.intoArray(o, o0);
        x01.intoArray(o, o0 + L);
        x02.intoArray(o, o0 + 2 * L);
        x03.intoArray(o, o0 + 3 * L);
        x10.intoArray(o, o0 + dv);
        x11.intoArray(o, o0 + dv + L);
        x12.intoArray(o, o0 + dv + 2 * L);
        x13.intoArray(o, o0 + dv + 3 * L);
        x20.intoArray(o, o0 + 2 * dv);
        x21.intoArray(o, o0 + 2 * dv + L);
        x22.intoArray(o, o0 + 2 * dv + 2 * L);
        x23.intoArray(o, o0 + 2 * dv + 3 * L);
        x30.intoArray(o, o0 + 3 * dv);
        x31.intoArray(o, o0 + 3 * dv + L);
        x32.intoArray(o, o0 + 3 * dv + 2 * L);
        x33.intoArray(o, o0 + 3 * dv + 3 * L);
    }

    /**
     * Four entries' columns from {@code from} (those short of a group of four vectors), one vector column at a
     * time held in registers across the keys, then the scalar tail; rows at least L wide (any precision) take their last partial
     * vector as the vector of their last L columns, the values of the columns already summed ANDed to +0 (lanes below
     * {@code shift}), so those sums are stored back unchanged (a weight is finite, or NaN and so is the sum) and each
     * output gets the scalar tail's operations in its order. No masked load or store: with them (in this method, or in
     * one of its own) C1 gave up on the kernel ("out of virtual registers"), it stayed at tier 2 and its vectors
     * allocated, 35 MB per f32 decode call at head width 72.
     */
    private static void accumulate4(float[] s, int at, MemorySegment v, short[] vh, long vRow, long vStride, KvPrecision precision, int scale,
                                    int keys, int from, int dv, float[] o, int o0) {
        boolean f32 = precision == KvPrecision.F32;
        boolean bf16 = precision == KvPrecision.BF16;
        long bytes = precision.bytes();
        float factor = Math.scalb(1f, -scale);
        int rebias = HalfPrecision.REBIAS - (scale << 23);
        float subnormal = Math.scalb(HalfPrecision.SUBNORMAL, -scale);
        MemorySegment vn = OFF_HEAP.isInstance(v) ? OFF_HEAP.cast(v) : null; // as scoresF32's kn
        int c = from;
        for (int end = columnVectors(dv); c < end; c += L) {
            int shift = Math.max(0, c + L - dv);
            c -= shift;
            IntVector keep = IntVector.fromArray(I, KEEP, L - shift);
            FloatVector x0 = FloatVector.fromArray(F, o, o0 + c);
            FloatVector x1 = FloatVector.fromArray(F, o, o0 + dv + c);
            FloatVector x2 = FloatVector.fromArray(F, o, o0 + 2 * dv + c);
            FloatVector x3 = FloatVector.fromArray(F, o, o0 + 3 * dv + c);
            long row = vRow + c * bytes;
            for (int j = 0, p = at; j < keys; j++, p += PANEL, row += vStride) {
                FloatVector value;
                if (f32) {
                    value = (vn != null ? FloatVector.fromMemorySegment(F, vn, row, NATIVE)
                            : FloatVector.fromMemorySegment(F, v, row, NATIVE)).mul(factor);
                } else if (bf16) {
                    value = ((IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row) >>> 1)) : ShortVector.fromMemorySegment(H, v, row, NATIVE)).convertShape(S2I, I, 0))
                            .lanewise(LSHL, 16).reinterpretAsFloats().mul(factor);
                } else {
                    IntVector a = ((IntVector) (vh != null ? ShortVector.fromArray(H, vh, (int) ((row) >>> 1)) : ShortVector.fromMemorySegment(H, v, row, NATIVE)).convertShape(S2I, I, 0))
                            .lanewise(LSHL, 13).and(HalfPrecision.FIELDS).add(rebias);
                    FloatVector lead = a.and(HalfPrecision.LEAD).reinterpretAsFloats();
                    FloatVector f = a.reinterpretAsFloats();
                    value = f.blend(f.sub(lead).mul(2f), lead.abs().lt(subnormal));
                }
                value = value.reinterpretAsInts().and(keep).reinterpretAsFloats();
                FloatVector p0 = FloatVector.broadcast(F, s[p]);
                FloatVector p1 = FloatVector.broadcast(F, s[p + 1]);
                FloatVector p2 = FloatVector.broadcast(F, s[p + 2]);
                FloatVector p3 = FloatVector.broadcast(F, s[p + 3]);
                x0 = FMA ? p0.fma(value, x0) : p0.mul(value).add(x0);
                x1 = FMA ? p1.fma(value, x1) : p1.mul(value).add(x1);
                x2 = FMA ? p2.fma(value, x2) : p2.mul(value).add(x2);
                x3 = FMA ? p3.fma(value, x3) : p3.mul(value).add(x3);
            }
            x0.intoArray(o, o0 + c);
            x1.intoArray(o, o0 + dv + c);
            x2.intoArray(o, o0 + 2 * dv + c);
            x3.intoArray(o, o0 + 3 * dv + c);
            c += shift;
        }
        for (; c < dv; c++) {
            for (int e = 0; e < 4; e++) {
                int oe = o0 + e * dv + c;
                float sum = o[oe];
                for (int j = 0; j < keys; j++) {
                    sum = fma(s[at + j * PANEL + e], precision.read(v, vRow + j * vStride + c * bytes) * factor, sum);
                }
                o[oe] = sum;
            }
        }
    }

    /**
     * Whether a row of the {@code count} keys' holds a subnormal element ({@code bit} of the cache's flags,
     * {@link KvCache#subnormalRows()}, at {@code at + i·stride} for key i); true without flags.
     */
    private static boolean flagged(MemorySegment flags, long at, long stride, int count, int bit) {
        if (flags == null) {
            return true;
        }
        for (int i = 0; i < count; i++) {
            if ((flags.get(ValueLayout.JAVA_BYTE, at + i * stride) & bit) != 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code a·b + c} exactly as a lane computes {@code Lanes.FMA ? a.fma(b, c) : a.mul(b).add(c)}. */
    private static float fma(float a, float b, float c) {
        return Lanes.FMA ? Math.fma(a, b, c) : a * b + c;
    }
}
