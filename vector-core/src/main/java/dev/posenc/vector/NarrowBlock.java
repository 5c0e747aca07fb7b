package dev.posenc.vector;

import dev.posenc.attention.KvPrecision;
import dev.posenc.reference.AttentionCall;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrow decode block: up to {@value #KV_HEADS} neighbouring kv heads, every query row of each one's group,
 * walked through the keys together. The kv heads are cut into {@link Part}s of as many kv heads as fill one
 * vector of entries ({@link #headsPerPart}: 4 kv heads × 4 q heads at 16 lanes), so that the softmax, the
 * exponentials, the bias and the masks, which run lanewise over a part's entries, do work in every lane, and a
 * part's logits tile holds one vector per key. Decode's products run along the head width ({@link NarrowProducts}),
 * each quad of entries against its own kv head's rows. For each tile (cut where a ring cache's rows wrap), the
 * logits of a few keys at a time across the parts, then each part's guard, logits pipeline and softmax, then the
 * values a few keys at a time across the parts into the tile's sums, which are added to the output rows once per
 * tile: the kv heads' rows of one position are neighbours in memory, so the KV cache is read once, as a few
 * sequential streams that the hardware prefetchers follow. A decode call of many keys is cut into chunks of them
 * ({@link VectorAttention}): a block then walks one chunk, without the sinks, and leaves its parts' softmax states
 * for {@link #merge}, which the call runs once every chunk is done.
 *
 * <p>Measured (decode 32 q / 8 kv heads × 128, ALiBi, off-heap, this project's Xeon, 2026-11-29). With one kv head
 * per part (one vector of lanes holding 4 real entries), thread CPU time per step, 4096 keys, two runs each unless
 * said: walking 4 kv heads together instead of 8 was no faster (1.0–1.3× the time), 2 or 1 kv heads 1.5–2.2×; 36-
 * or 144-key tiles instead of 72 took 1.1–1.4×; converting a few half-precision rows into a float buffer before the
 * f32 products (one set of products for every precision) was slower than converting in registers (one run): F16
 * 2.4× the time (its per-row loop did not become the hardware conversion), BF16 1.45×. Parts of four kv heads
 * against one per part, paired calls in one JVM (bench's PairedCalls, median speed ratio, load 4–5): 1.14–1.20× as
 * fast at 4096 keys, 1.18× at 32768, 1.28× at 256. With such parts, still slower: tiles of 36, 56, 96 or 144 keys
 * (0.90, 0.99, 0.95, 0.67× the speed of 72); one part of all 8 kv heads (two vectors of one panel; 0.99× at 4096,
 * 0.93× at 256); more keys per pass (16 for the logits, 24 for the values; 0.98×); reading BF16 rows as pairs of
 * halves per int lane (even columns {@code << 16}, odd ones {@code & 0xffff0000}, query and output columns permuted
 * to match: no widening conversion) 0.94–0.96×. The products are the cost, not the conversion: with the rows in L2
 * (72 against 144 keys) a kv head's key row costs the same ≈50 ns in f32 and in BF16, ≈64 ns at 4096 keys in f32.
 * At 32768 keys (BF16, off-heap, paired against this order, load 3.6–6, each within the run-to-run spread of
 * about ±8%): one part's logits over 16 or 32 keys before the other part's, 1.09 and 1.08× in one run, 0.98× in a
 * repeat; over the whole tile's 72, 0.98×; 4 keys, 0.97×; values over 16 or 24 keys per pass, 1.01×. Once the
 * products read their rows through slices (since undone) and fold the logits in registers ({@link NarrowProducts}), values over 16
 * keys per pass instead of 8 (half the loads and stores of the 16 output registers per key; the same fused
 * multiply-adds in the same order, so the same bits), paired against 8 (load 4.3–4.8): BF16 1.15× as fast at 4096
 * keys (quartiles 1.08–1.22), 1.12× at 32768 (1.01–1.22); 32 keys against 16, 0.95 and 0.99 with quartiles
 * 0.50–2.08 and 0.82–1.20 at load 7–7.6 (undecided). Slower: before each pass of the logits and of the values,
 * reading the first byte of every kv head's row of the next pass's keys (summed into a field, so that the reads
 * stay), to put the next rows' first lines on their way while this pass computes: f32 0.80× (quartiles 0.77–0.82),
 * BF16 0.84× (0.81–0.88) at 4096 keys off-heap (paired against the order above, load 3.6–5). A likely cause, not
 * measured (this VM exposes no miss counters): 64 such reads per pass of 8 keys, each a miss, hold the line fill
 * buffers that the products' own loads need. No sign of a gain (f32, 4096 keys, paired against this order, load 4–5.3):
 * a timing mock that ran each values pass between the tile's logits passes, so that K and V rows are read together
 * (wrong weights; a real version needs a second logits buffer), 1.04× and 1.01× with quartiles 0.82–1.37.
 *
 * <p>What bounds a step (2026-11-30, 32 q / 8 kv heads × 128, ALiBi, off-heap; a throw-away harness timing, in one
 * JVM, each step and right after it a walk that reads the same K then V bytes tile by tile with one vector add per
 * 64 bytes; medians of 30–156 calls, load 3–3.8; per kv-head row = per position and kv head, K and V):
 * <pre>
 *   keys (BF16 / f32 bytes)     f32 step  read alone   BF16 step  read alone   F16 step  read alone
 *   256   (1 / 2 MiB, L2)       47.0 ns    21.2 ns      46.0 ns     4.1 ns     52.9 ns     4.4 ns
 *   4096  (16 / 32 MiB)         53.4       35.4         49.9       17.3        56.2       17.3
 *   32768 (128 / 256 MiB)      101.0       63.9         82.1       32.8        86.3       32.5</pre>
 * With its rows in L2 a row costs 46–47 ns of compute whatever the precision (F16 52.9 ns with the multiply
 * conversion of {@link HalfPrecision}, 64.5 ns before it): 64 vector fused multiply-adds (4 q heads × 256 columns),
 * 16 vector loads of the row, the conversion, the logits' fold, the softmax and the tile's sums (not split here). At 4096
 * keys a step is that compute plus a few ns (f32's read alone, 35 ns, hides under it), so BF16 can be at most
 * 53.4 ÷ 46 ≈ 1.16× f32, and 1.8× needs the compute per row below 30 ns, not fewer bytes. At 32768 keys the memory
 * is paid after the compute, not under it: BF16's 82.1 ns is its 46 + 32.8 (no overlap), f32's 101 ns is 11 ns under
 * 47 + 63.9. Fully overlapped, BF16 would take max(46, 32.8) ns, 2.2× f32's step as measured; 1.8× there needs the
 * reads hidden under the products, which the prefetch experiments above did not achieve.
 *
 * <p>Where an f32 step's time goes at 4096 keys (2026-11-30; timing mocks with wrong outputs, each paired against the
 * code before them: bench's PairedCalls, speed ratio median and quartiles, 290–480 pairs, load 1.7–6.7): skipping the
 * logits' loop over the head width (its key loads and fused multiply-adds) 1.807× (1.727–1.901), the values' loop
 * 1.678× (1.612–1.783) (at 64 keys, rows in L2: 1.288× and 1.265×); every pass reading the rows of the first 32
 * positions instead (the same arithmetic, rows from L2) 1.444× (1.405–1.487), and that step ran at 0.312 of the FMA
 * peak (0.305–0.319, paired against PeakBenchmark.fma). Less arithmetic inside the loops gained nothing: values
 * without their {@code 2⁻ᴷ} multiply 0.990× (0.953–1.024), the logits' loop unrolled twice 1.001× (0.965–1.032; 1.001×
 * with the rows from L2). Less work between the loops counted in full: the logits' fold without its 30 permutes
 * 1.043× (0.994–1.081), the guard's scalar pass over the stored norms skipped 1.030× (1.003–1.063). perf (cpu-clock,
 * the rows-from-L2 mock, leaf kernels kept out of line): the logits' kernel 42% (its loop 70%, fold 15%, stores 11%,
 * entry 4%), the values' 31%, the guard 4.6%, the tile sums 3.5%, the logits' dispatch per quad 3.3%, exponentials
 * 3.0%, the values' dispatch 1.9%, the softmax 1.4%, the logits' pipeline 1.2%. So at 4096 keys (32 MiB, in this
 * Xeon's L3) the loops run at about the read bandwidth (their ~0.7 ms of arithmetic hides under ~1.3 ms of reads), and
 * the ~0.5 ms between them (fold, stores, guard, softmax, sums, dispatch) adds to it: that is what f32's target
 * needs cut, while the halves' loops, with half the bytes, are bound by their arithmetic too. Cut so far: the guard's
 * pass over the stored norms as one vector per position ({@code Part.largestStored}) and the quads' kv heads counted
 * instead of divided ({@link NarrowProducts}), the same bits (34938 decode outputs of every precision, storage and
 * scheme, linear and ring caches, one and two threads, special values, hashed equal at 512, 256 and 128 bits):
 * against the code before at 4096 keys (PairedCalls, 1000 pairs each, two runs, load 2.3–3.8, 100% on a CPU) f32
 * 1.021× (0.980–1.062) and 1.062× (1.025–1.092), F16 1.011× and 0.986×, BF16 1.032× and 0.988× (quartiles within
 * ±0.04); the code before against itself 1.007× (0.972–1.042); f32 at 32768 keys 1.038× (1.027–1.050, 60 pairs).
 * Values over 32 keys per pass instead of 16 (half the loads and stores of the tile's sums and half the values'
 * calls; the same operations in the same order), with the one-quad logits' kernel taking 14 arguments instead of 16
 * ({@link NarrowProducts}), f32 at
 * 4096 keys against the code before (PairedCalls, 800–1000 pairs each, load 1.5–3): 0.991×, 1.022× and 1.032× as the
 * second side, 1.026×, 1.001× and 1.014× as the first (mean 1.014, each run's quartiles about ±0.03), F16 1.033× and
 * BF16 1.034× (600 pairs, second side only); 32 keys alone 0.995× and 1.000×; 24, 36, 48 and 72 keys against 32 (second
 * side) 0.993×, 0.980×, 1.015× and 0.958×. Not kept then: within the spread between runs (kept since: the last
 * paragraph).
 *
 * <p>The work between the loops after those cuts (2026-11-30, f32 at 4096 keys; perf, cpu-clock, of a loop of steps in
 * one JVM, the last 13 s of samples, C2's own inlining): the logits' kernel 41.5% and the values' 41.3% of the samples,
 * then {@link #tile} 4.7% (most of it the tile sums added to the output rows, {@link CompensatedSums#rows}, inlined there),
 * the guard's stored norms 2.5%, the exponentials 2.4%, the values' dispatch 1.5%, the softmax 1.2%, the logits'
 * placement 0.9%, {@code Part.begin} 0.9%. A timing mock without the tile sums (wrong outputs) ran 1.029× (quartiles
 * 0.988–1.067) and 1.022× as fast (600 pairs each, both orders, load 2.8–3): their loads of the output rows and their
 * carry come from L2, the tile's reads of K and V having evicted them from L1. Tried, the same operations in the same
 * order (so the same bits), and not kept: the sums left pending at the end of a tile and added two entries after each
 * of the next tile's logits passes, so that those loads overlap the pass's reads of K, 1.004×, 0.984×, 0.980× and
 * 1.009× (mean 0.994, 600 pairs each, both orders, load 3.2–3.3); the output rows, the tile sums and the carry each
 * 2 KiB longer (against 4K aliasing between their loads and stores), 1.006× and 0.990×.
 *
 * <p>Where the reads go at 32768 keys (2026-11-30, 32 q / 8 kv heads × 128, no scheme, off-heap; bench's PairedCalls
 * against this order, median speed ratio and quartiles, 30–100 pairs; loads given). Each pass pays its products and its
 * reads one after the other: with the values' passes skipped a step took 0.54 of the time in f32 (1.848×, quartiles
 * 1.83–1.86) and 0.51 in BF16, with the logits' passes skipped 0.50 and 0.52 (load 1.6–5), so the two halves add up to
 * 1.04 of the step. The order is not what is slow: loads alone (one add per 64 bytes, a throw-away harness, load 2.2)
 * in this block's order read f32 K in 1.17× the time of a sequential walk and V in 1.03×, while a pass with its
 * products took 1.6–1.8× the time of a walk reading its bytes alone (K and V in 16.6 ms, load 5). Tried, with the same
 * operations in the same order: the values of each tile taken between the logits' passes of the next (a second logits
 * buffer per part, so that K and V rows are read together; 16398 outputs of every precision, storage, scheme, 1–5000
 * keys, arrays with tiles of 16, 36 and 72, hashed equal at 512 and 256 bits), f32 0.977–1.042 and BF16 0.983–1.025 as
 * either side of a pairing, where this order paired against itself gave 0.993–1.016 (load 2.5–3.9, on a CPU 95–100% of
 * the time); its timing mock (the values of the same tile, wrong weights) at load 2.4–3.7, f32 1.017–1.021 and BF16
 * 1.056 (1.046–1.063). Values over 32 keys per pass, f32 1.025 (1.012–1.037, load 2.2–2.7), then 1.024 as the second
 * side and 0.996 as the first (load 2.5–2.7), BF16 0.98–1.02 in both orders at load 8–11; 24, 36 or 72 keys, 0.98–1.07
 * (load 6–9, undecided). A part's quads outermost, passes over 8 pages, BF16 0.983 (0.967–0.994); over 16 keys (16
 * pages), f32 0.998 (0.989–1.005; load 5–6). Slower: reading every cache line of the next tile's K and V rows ahead, 10
 * to 40 lines before each products call (vector loads or'ed into a sink), f32 0.772 (0.762–0.780) at 40 and 0.892 at
 * 20, BF16 0.952 and 0.964 (load 1.9–3.4): like the touches above, a load that misses holds the window. Not this code's
 * to choose: the cache in 2 MiB pages (a harness arena of mmap and madvise(MADV_HUGEPAGE); this host's transparent huge
 * pages are madvise-only, and an arena's memory is in 4 KiB pages) ran the f32 step 1.068× as fast (1.064–1.075, 40
 * alternating calls, load 5) and its read 1.037×.
 *
 * <p>Values over 32 keys per pass, measured again after the cuts above (2026-11-30, f32, 32 q / 8 kv heads × 128,
 * off-heap; bench's PairedCalls, median speed ratio, sides 100% on a CPU, 0 B per call): against 16 keys at 4096 keys
 * (ALiBi, 600 pairs, load 1.2–1.8) 1.020× (0.994–1.048), 0.997× and 1.005× as the second side, 16 keys 0.975×, 0.988×
 * and 0.998× as the second side; at 32768 keys (no scheme, 60 pairs, load 1.6–1.8) 1.054× (1.044–1.064) and 1.033×,
 * against 1.017× and 1.003×: about 1% at 4096 keys and 1.5–2% at 32768 once each side's position is taken out (the same
 * operations in the same order, so the same bits). So the values take 32 keys per pass, with the f32 values' dispatch
 * cut ({@link NarrowProducts}). Both against the code before (f32, 800 pairs at 4096 keys, 60 at 32768, load 0.8–1.4):
 * at 4096 keys 1.038× (1.008–1.076), 1.037×, 1.023×, 1.004× and 1.027× as the second side, the code before 0.975×,
 * 0.993×, 0.991×, 0.961× and 0.996× as the second side (about 2%); at 32768 keys 1.053× (1.042–1.059), 1.051× and
 * 1.051× against 0.988×, 1.010× and 1.021× (about 2%); F16 at 4096 keys 1.007× and 0.994× against 0.976× and 1.010×,
 * BF16 1.054× and 1.020× against 0.988× and 1.024× (500 pairs). The step ÷ a read of its own K/V ({@code
 * DecodeBenchmark.readCache} paired in one JVM, 500 pairs, load 1.1–1.3): at 4096 keys 0.735 (0.711–0.756), 0.748
 * (0.728–0.767) and 0.739 (0.719–0.760) against the code before's 0.739 (0.721–0.759), 0.712 (0.689–0.735) and 0.709
 * (0.685–0.732); at 32768 keys 0.705 (0.701–0.708) and 0.683 (0.679–0.686) against 0.662 (0.658–0.666) and 0.681
 * (0.677–0.685), the read itself taking 16.7–17.7 ms: the read moves the ratio as much as the step. Values over 36 keys
 * (two equal passes per tile) against 32: 0.987–1.011× in both orders at 4096 keys, 1.029× and 1.036× against 1.019×
 * and 1.027× at 32768. Tried on this code, the same bits, and not kept (f32, 4096 keys unless said, same measurements,
 * load 1.0–1.8): the values of each tile between the logits passes of the next (the version above, a second logits
 * buffer per part), 0.974× (0.951–1.006) as the second side and the code before 1.031× as the second; at 32768 keys
 * 1.026× and 1.018×; the guard's stored norms read as the tile starts, before its logits passes, so that their misses
 * overlap the passes' reads, 1.008× and 0.994× as the second side, the code before 0.991× and 1.017×; the tile sums
 * zeroed in the compensated sums' loop instead of filled after it, with two dispatch cuts of {@link NarrowProducts},
 * 0.987×, 0.997× and 1.001× as the second side against 1.003×, 0.998× and 0.998× (those cuts alone 1.036×, 0.990× and
 * 0.996× against 0.982×, 0.993× and 0.962×).
 *
 * <p>Where a row's compute goes (2026-12-01, 32 q / 8 kv heads × 128, ALiBi, off-heap, 512 bits, main 0743ed3; a
 * throw-away loop of decode steps in one JVM, {@code perf record -e cpu-clock -F 1000} on its pid, the samples mapped
 * onto C2's code of the kernels printed by hsdis in the same JVM: cpu-clock samples skid onto the instruction after a
 * slow one, so a loop's samples sit on the fused multiply-adds right after its loads; load 0.3–3, another helper's
 * unlocked job on the other vCPU at times; cycles at 2.7 GHz, the 512-bit FMA throughput of a throw-away loop alone,
 * 2.67–2.72 GHz-equivalent). Per kv-head row, in ns, with the rows from L1 (a timing mock, wrong outputs: every pass
 * reads the rows of position 0 with a 64-byte step), then as they are at 4096 keys (port bounds: f32 / BF16 / F16,
 * two 512-bit ports; the fold's 30 two-vector permutes per 4 rows run on port 5 only; per tile: the tile sums, the
 * exponentials, the guard's norms, the softmax, the placement and the kernels' dispatch):
 * <pre>
 *   per row, ns (cycles)        f32 L1 mock  BF16 L1 mock  f32 4096     BF16 4096    F16 4096  port bound, cycles
 *   logits loop                  5.8 (15.7)   8.0 (21.5)   16.4 (44.2)  10.9 (29.3)  14.0      16 / 24 / 32
 *   logits fold                  3.4 ( 9.3)   3.6 ( 9.8)    3.0          3.6          3.3      7.5 (port 5)
 *   logits, the rest of kernel   1.6          1.9           1.7          1.8          2.1
 *   values loop                  7.7 (20.8)  10.4 (28.1)   17.5 (47.3)  15.2 (41.0)  14.7      20 / 28 / 32
 *   values, the rest of kernel   1.7          1.6           2.5          1.7          1.7
 *   F16 rows converted first      -            -             -            -           6.5
 *   per tile                     5.7          5.9           6.1          5.9          8.8
 *   per call, other              1.1          1.4           1.8          1.8          1.7
 *   step                        27.1 (73)    32.7 (88)     48.9 (132)   40.8 (110)   52.7</pre>
 * So with their rows in L1 the loops of every precision run at their port bound (0.90–1.04 of it: the FMAs, f32's
 * {@code 2⁻ᴷ} multiply, the halves' conversions); with the rows in L2 (128 keys), f32's ran at 1.2 and 1.3 of it (19.3
 * and 25.1 cycles: 256 bytes of rows per 8 cycles from L2), BF16's at 0.97–1.05. The 12 ns of an f32 row's 64 fused
 * multiply-adds are 32 of its 73 compute cycles; the rest: the values' multiply 4, the fold 9.3 (port 5 runs its 30
 * two-vector permutes per quad of 4 rows: 7.5 at best, and they do not overlap the next quad's multiply-adds), the
 * kernels' code outside their loops 8.9 (arguments from the stack, per-quad checks and zeroed accumulators, the values'
 * accumulators loaded and stored per call), the per-tile work 15.5 (most of it {@link #tile}'s tile sums, then the
 * exponentials, the guard's norms, the softmax), 3 more. At 256 keys a call also pays about 7 µs of set-up ({@code
 * Part.begin}: the query rows' squared norms, one double chain per entry, 45% of it; {@link Entries#set} over all 256
 * lanes at 16 lanes, of which a part uses 16; the query rows' transpose): 3.2–3.6 ns per row there (9%), 6.8 at 128
 * keys, 0.1 at 4096; with f32's rows at 256 keys (2 MiB) not all in L2, that is most of why "What bounds a step" found
 * 46–47 ns at 256 keys (38.9 f32 and 36.6 BF16 today, load 0.5–0.9). Timing mocks paired against main (bench's
 * PairedCalls, 4096 keys, 400–600 pairs, load 1.9–3.8, the mock second, then first): all rows from L1, f32 1.837×
 * (1.765–1.933) and 2.03× (first: main 0.492×), BF16 1.256× (1.209–1.303) and 1.233× (0.811×), F16 1.172× (1.128–1.214)
 * and 1.225× (0.816×); only the keys from L1, f32 1.273×, BF16 1.081×, F16 1.017×; only the values, 1.306×, 1.143×,
 * 1.114×. So BF16's compute alone is 32–33 ns per row, more than the 27 ns that 1.8× f32's 49 ns would need even with
 * every read hidden (f32 ÷ BF16 with BF16's rows in L1: 1.54; F16's: 1.17); 1.8× needs the work outside the loops cut
 * (fold, per-tile, kernel set-up: 34 of BF16's 88 cycles), not the reads. Tried, and not kept: each entry's query norm
 * summed column-outer across the entries (the same additions in each entry's order, so that the chains overlap) ran
 * slower (the method grew, was no longer inlined into {@code Part.begin}, and took 21% of a 128-key step's samples).
 * The same sums in the lanes of double vectors (the same operations per entry, so the same bits: 25507 norms checked
 * against the scalar chain in the attention, cache and bias suites) were not faster either on a Zen 5 VM (2026-12-02,
 * PairedCalls against main, 4000 pairs, load 1.2–2): f32 at 256 keys 0.954× (0.896–1.025) and 0.972× (0.930–1.012), at
 * 4096 0.983×, prefill 0.987× (0.972–1.000); and C2 once left them boxed (98 KB per call in a BF16 pairing).
 *
 * <p>Touching pages ahead (2026-12-02, an AMD EPYC Zen 5 VM, 2 vCPUs, 512 bits; 32 q / 8 kv heads × 128, off-heap
 * unless said; bench's PairedCalls against the code before, speed ratio median and quartiles, 500 pairs at 4096 keys,
 * 40 at 32768, load 0.8–1.8, every side on a CPU 100% of the time, 0 B per call; the code before against itself
 * 0.998× and 1.005×). Each tile reads one byte of every 4 KiB page of its value rows before its logits, and one byte
 * of every page of the next tile's key rows before its values ({@link #readAhead}): a page's first miss (its address
 * translation and first line) then starts a whole phase of products before the products reach it, where the
 * hardware's prefetchers, which stop at a page boundary, leave it to the products' own loads; an f32 position's K (or
 * V) rows of 8 kv heads × 128 are one page. On that VM the f32 cache at 4096 keys (32 MiB) is past its fast cache
 * (the report's bandwidth curve: 90 GB/s to 16 MiB, 36 GB/s at 32 MiB), and an f32 step there took 2.4–3.2 ms
 * against the 1.66 ms of this project's Xeon, whose L3 holds it. f32, ALiBi, at 4096 keys 1.081× (1.041–1.119),
 * 1.120× (1.071–1.166), 1.052× and 1.050×, and main as the second side 0.928× (0.881–0.962); no scheme 1.095×; heap
 * 1.073×; at 32768 keys 1.070× (1.051–1.094), 1.152× (1.139–1.174), 1.071× and 1.064× (no scheme), main second
 * 0.952× (0.936–0.979); BF16 at 4096 1.045× (0.987–1.103), 1.048×, 1.033×, main second 0.957×; at 32768 1.029×; F16
 * at 4096 1.003× (0.960–1.057), 1.027×, main second 0.927× (0.875–0.980); at 32768 1.041×; f32 at 256 keys 1.024×
 * (1.000–1.048); two threads 1.042× (0.930–1.174, the sides on a CPU 88–90%). Reads only, so the same bits. Not
 * better: the next tile's keys two tiles ahead (1.071×, 1.072× at 32768), with the next tile's values (1.076×,
 * 1.043×), or a byte per 2 KiB (1.013×, 1.069×). Not measured on the Xeon, where the touches above ran slower: they read
 * every kv head's row of the next pass (64 per pass of 8 keys, 8 to a page) or every line of the next tile, a pass or
 * less ahead; these are one per page, a tile ahead.
 * Half-precision rows read ahead line by line instead (a byte of every 64, the same two places; same harness against
 * the page touches above, 14:34–14:42, load 0.6–2): BF16 at 4096 keys 1.218× (1.130–1.299), 1.250× (1.163–1.333),
 * 1.256×, 1.306×, 1.206×, the page touches as the second side 0.889×; F16 1.179× (1.124–1.261), 1.185×, 0.954×
 * (0.861–1.033); at 32768 keys BF16 1.158× (1.142–1.171) and 1.144×, F16 1.079× and 1.109×; heap BF16 1.182×; two
 * threads BF16 1.215× (1.049–1.368). But f32 0.884× (4096) and 0.891× (32768), and half precision over small caches
 * slower: BF16 at 256 keys 0.830× (0.795–0.913), 512 0.884×, 1024 0.850×, F16 1024 0.943×, where at 2048 (8 MiB of
 * K and V) BF16 ran 1.081× (0.983–1.232). So the line step is taken for half precision from 8 MiB of the K and V
 * that the call's entries may see ({@link #readAheadStep}); with that rule, against the page touches: BF16 at 1024 keys
 * 0.986× and 1.007×, 2048 0.945×, 1.189× and 1.118×, 4096 1.002× (0.919–1.134), 1.126×, 1.205× and 1.277×
 * (1.197–1.351); F16 at 2048 1.174× and 1.114×, at 4096 1.163× (1.088–1.224) and 1.173×. Only the first 2,
 * 4, 16 or 32 lines of each page gained nothing (BF16 at 4096: 0.985×, 0.971×, 0.984×, 0.989×; f32 1.000×, 1.010×):
 * the gain comes from reading all of the rows ahead, as independent loads that overlap one another, not from starting
 * the prefetchers. Measured on this Zen 5 VM only; 8 MiB is where its gain began there, not a size read off its caches.
 */
final class NarrowBlock {
    private static final VectorSpecies<Float> F = Lanes.FLOAT;
    /** Kv heads walked together. */
    static final int KV_HEADS = 8;
    /** Keys whose logits, then values, are taken across the parts at a time. */
    private static final int SCORE_KEYS = 2 * NarrowProducts.KEYS;
    private static final int VALUE_KEYS = 32;
    /** What {@link #readAhead} steps by: a page (the smallest x86 and Arm page) or a cache line ({@link #readAheadStep}). */
    private static final int PAGE = 4096;
    private static final int LINE = 64;
    /** The K and V bytes of a call from which {@link #readAheadStep} reads half-precision rows ahead line by line: 8 MiB. */
    private static final long READ_AHEAD_BYTES = 8L << 20;

    private final Part[] parts = new Part[KV_HEADS];
    /** The sum of the bytes {@link #readAhead} read, kept so that the reads stay; never used. */
    private long touched;
    /**
     * What the chunks of a call's keys leave for their merge, in the call's block ({@link #reserve}): per slot (a part
     * of one chunk) its entries' maxima and sums, {@code [slot × L + e]}, their scaled output rows with the value terms,
     * {@code [(slot × L + e) × valueDim + c]}, and whether the part must be computed exactly.
     */
    private float[] chunkMax = new float[0];
    private float[] chunkSum = new float[0];
    private float[] chunkRows = new float[0];
    private boolean[] chunkExact = new boolean[0];

    /** Computes and writes every row of every head of kv heads {@code [g0, g1)}. */
    void run(AttentionCall call, int g0, int g1, VectorScratch scratch) {
        int n = begin(call, g0, g1, true, scratch);
        walk(call, 0, Integer.MAX_VALUE, n, scratch);
        for (int i = 0; i < n; i++) {
            parts[i].write(call);
        }
    }

    /**
     * The chunk of keys {@code [k0, k1)} of kv heads {@code [g0, g1)}, without the sinks: leaves each part's state in
     * {@code shared}'s slots from {@code slot} on, for {@link #merge}.
     */
    void run(AttentionCall call, int g0, int g1, int k0, int k1, VectorScratch scratch, NarrowBlock shared, int slot) {
        int n = begin(call, g0, g1, false, scratch);
        walk(call, k0, k1, n, scratch);
        for (int i = 0; i < n; i++) {
            parts[i].keep(call, shared, slot + i);
        }
    }

    /** Makes room for {@code slots} slots of chunk state ({@link #run(AttentionCall, int, int, int, int, VectorScratch, NarrowBlock, int)}). */
    void reserve(int slots, int valueDim) {
        int lanes = slots * Lanes.FLOAT.length();
        if (chunkMax.length < lanes) {
            chunkMax = new float[lanes];
            chunkSum = new float[lanes];
            chunkExact = new boolean[slots];
        }
        if (chunkRows.length < lanes * valueDim) {
            chunkRows = new float[lanes * valueDim];
        }
    }

    /**
     * Merges the states that {@code chunks} chunks of kv heads {@code [g0, g1)} left in this block's slots (chunk c's
     * parts from {@code slot + c·stride} on), chunk after chunk, from the sinks on, and writes the rows; a part that some
     * chunk found must be computed exactly is.
     */
    void merge(AttentionCall call, int g0, int g1, int chunks, int slot, int stride, VectorScratch scratch) {
        int perPart = headsPerPart(call);
        for (int g = g0, i = 0; g < g1; g += perPart, i++) {
            Part part = part(i);
            part.beginMerge(call, g, Math.min(perPart, g1 - g));
            boolean exact = false;
            for (int c = 0; c < chunks; c++) {
                exact |= chunkExact[slot + c * stride + i];
            }
            if (exact) {
                part.entries.computeExactly(call, scratch);
                continue;
            }
            part.merge(call, this, chunks, slot + i, stride);
            part.write(call);
        }
    }

    /** Starts the parts of kv heads {@code [g0, g1)}, with their sinks if {@code whole}; returns how many. */
    private int begin(AttentionCall call, int g0, int g1, boolean whole, VectorScratch scratch) {
        int perPart = headsPerPart(call);
        int n = 0;
        for (int g = g0; g < g1; g += perPart, n++) {
            part(n).begin(call, g, Math.min(perPart, g1 - g), whole, scratch.tile(), scratch);
        }
        return n;
    }

    private Part part(int i) {
        if (parts[i] == null) {
            parts[i] = new Part();
        }
        return parts[i];
    }

    /** The keys of {@code [k0, k1)} that some entry of the {@code n} parts may see, tile by tile (cut where a ring wraps). */
    private void walk(AttentionCall call, int k0, int k1, int n, VectorScratch scratch) {
        int tile = scratch.tile();
        int first = Integer.MAX_VALUE;
        int end = 0;
        for (int i = 0; i < n; i++) {
            first = Math.min(first, parts[i].entries.firstTile(tile));
            end = Math.max(end, parts[i].entries.hi);
        }
        int to = Math.min(end, k1);
        int step = readAheadStep(call, end - first);
        for (int t = Math.max(first, k0 / tile * tile); t < to; t += tile) {
            int tileEnd = Math.min(t + tile, to);
            for (int j0 = Math.max(t, k0); j0 < tileEnd; ) {
                int j1 = Math.min(tileEnd, call.runEnd(j0));
                tile(call, j0, j1, Math.min(Math.min(j1 + tile, to), call.runEnd(j1)), step, n, scratch);
                j0 = j1;
            }
        }
    }

    /**
     * The step of {@link #readAhead}: a line for half-precision rows when the K and V of the call's {@code keys}
     * visible keys take {@value #READ_AHEAD_BYTES} bytes or more, else a page (the class's "Touching pages ahead":
     * reading rows ahead line by line made f32 slower, and half precision slower below that size, where the rows come
     * from the caches anyway).
     */
    private static int readAheadStep(AttentionCall call, int keys) {
        long bytes = (long) keys * (call.keyRowBytes() + call.valueRowBytes());
        return call.precision() != KvPrecision.F32 && bytes >= READ_AHEAD_BYTES ? LINE : PAGE;
    }

    /**
     * Reads one byte every {@code step} bytes of {@code rows}' bytes {@code [at, at + bytes)}, well before the products
     * read them: with a page's step, each read that misses starts that page's walk and its first line early, which the
     * hardware's prefetchers, stopping at page boundaries, do not; with a line's, it reads the rows ahead of the
     * products, independent loads that overlap one another (the class's "Touching pages ahead").
     */
    private void readAhead(MemorySegment rows, long at, long bytes, int step) {
        long sum = 0;
        for (long b = 0; b < bytes; b += step) {
            sum += rows.get(ValueLayout.JAVA_BYTE, at + b);
        }
        touched += sum;
    }

    /**
     * Kv heads one part takes: as many as fill a vector of entries when each kv head's entries make whole
     * quads (so that each quad of a part reads one kv head's rows), else one.
     */
    static int headsPerPart(AttentionCall call) {
        int perHead = call.group() * call.queries();
        return perHead % 4 == 0 ? Math.max(1, Lanes.FLOAT.length() / perHead) : 1;
    }

    /**
     * Keys {@code [j0, j1)}, whose rows follow one another, for every part; {@code [j1, next)}, the next tile's (or
     * none), whose key rows it touches ({@link #readAhead}, every {@code step} bytes) after its logits, as it touches
     * its own value rows first.
     */
    private void tile(AttentionCall call, int j0, int j1, int next, int step, int n, VectorScratch scratch) {
        for (int i = 0; i < n; i++) {
            parts[i].beginTile(j0, j1);
        }
        readAhead(call.valueRows(), call.valueAt(j0, 0), (j1 - j0) * call.valueRowBytes(), step);
        for (int j = j0; j < j1; j += SCORE_KEYS) {
            for (int i = 0; i < n; i++) {
                parts[i].scores(call, j, SCORE_KEYS);
            }
        }
        for (int i = 0; i < n; i++) {
            parts[i].probabilities(call, scratch);
        }
        if (next > j1) {
            readAhead(call.keyRows(), call.keyAt(j1, 0), (next - j1) * call.keyRowBytes(), step);
        }
        for (int j = j0; j < j1; j += VALUE_KEYS) {
            for (int i = 0; i < n; i++) {
                parts[i].values(call, j, VALUE_KEYS);
            }
        }
        for (int i = 0; i < n; i++) {
            parts[i].endValues(call);
        }
    }

    /**
     * A few neighbouring kv heads' share ({@link #headsPerPart}): their groups' rows (one vector of entries, kv head
     * by kv head) with q, the tile's sums and the output row-major, {@code [4·quads × width]} (padded with zero rows
     * to whole quads; quad i reads kv head {@code kvHead + i / quadsPerHead}), and the tile's logits, then weights,
     * lane-major in one panel.
     */
    private static final class Part extends Block {
        private int kvHead;
        private int heads;
        private int quads;
        private int quadsPerHead;
        private float[] queryRows = new float[0];
        private float[] outputRows = new float[0];
        private float[] tileSums = new float[0];
        /** The compensation of the output rows ({@link CompensatedSums}). */
        private float[] outputCarry = new float[0];
        private float[] logits = new float[0];
        /**
         * The squared norms of the tile's key rows, left by the logits' kernel for the guard (arrays only), kv head i's
         * from {@code i·normsStride}.
         */
        private float[] keyNorms = new float[0];
        /** F16 rows of a pass of which one holds a subnormal half, as floats, and the segment over them ({@link NarrowProducts}). */
        private float[] converted = new float[0];
        private MemorySegment convertedRows = MemorySegment.ofArray(converted);
        /** A pass's logits, quad by quad, before they are placed in the tile's ({@link NarrowProducts#scores}). */
        private float[] passTotals = new float[0];
        private int tileRows;
        private int normsStride;
        /** The current tile's keys {@code [tileStart, tileEnd)}; whether the part computes them; whether it is done. */
        private int tileStart;
        private int tileEnd;
        private boolean active;
        /** Whether the part writes its rows (all keys, with the sinks) or leaves its state for a merge (a chunk of them). */
        private boolean whole;
        /** Whether the part is done with: computed exactly, or (not whole) found to need that. */
        private boolean done;
        /**
         * The call (object and serial) and tile of the chunk the part last began: the next chunk of the same kv heads
         * reuses its entries, Qᵀ, query rows and the scheme's per-block data, unless the scheme has value terms (whose
         * weights each chunk sums from zero).
         */
        private AttentionCall chunkCall;
        private long chunkSerial;
        private int chunkTile;
        /** Per merged chunk c, each entry e's factors α and β ({@link #merge}), {@code [c × Entries.WIDTH + e]}. */
        private float[] mergeAlpha = new float[0];
        private float[] mergeBeta = new float[0];

        /** Starts kv heads {@code [kvHead, kvHead + heads)}, with their sinks if {@code whole}. */
        void begin(AttentionCall call, int kvHead, int heads, boolean whole, int tile, VectorScratch scratch) {
            boolean again = !whole && call == chunkCall && call.serial() == chunkSerial && kvHead == this.kvHead
                    && heads == this.heads && tile == chunkTile && !scheme.hasValueTerms();
            this.kvHead = kvHead;
            this.heads = heads;
            this.whole = whole;
            if (again) {
                softmax.begin(call, entries);
            } else {
                begin(call, kvHead * call.group(), (kvHead + heads) * call.group(), 0, call.queries(), scratch.tables);
                prepareRows(call, tile);
                chunkCall = whole ? null : call;
                chunkSerial = call.serial();
                chunkTile = tile;
            }
            if (!whole) {
                softmax.restartWithoutSink();
            }
            done = false;
            clearOutput(call);
            if (seesNonFiniteHalf(call)) {
                finishExactly(call, scratch);
            }
        }

        /** The query rows, and room for a tile of {@code tile} keys' logits and key norms. */
        private void prepareRows(AttentionCall call, int tile) {
            int d = call.headDim();
            int rows = rows(call);
            tileRows = TilePacks.padded(tile);
            if (queryRows.length < rows * d) {
                queryRows = new float[rows * d];
            }
            if (logits.length < tileRows * TileProducts.PANEL) {
                logits = new float[tileRows * TileProducts.PANEL];
            }
            normsStride = tileRows + Lanes.FLOAT.length();
            if (keyNorms.length < heads * normsStride) {
                keyNorms = new float[heads * normsStride];
            }
            int convert = Math.max(NarrowProducts.KEYS * d, VALUE_KEYS * call.valueDim());
            if (converted.length < convert) {
                converted = new float[convert];
                convertedRows = MemorySegment.ofArray(converted);
            }
            for (int e = 0; e < rows; e++) {
                for (int c = 0; c < d; c++) {
                    queryRows[e * d + c] = e < entries.count ? queries[TileProducts.at(e, d) + c * TileProducts.PANEL] : 0f;
                }
            }
        }

        /** Starts merging the chunks' states of kv heads {@code [kvHead, kvHead + heads)}: their entries, the sinks. */
        void beginMerge(AttentionCall call, int kvHead, int heads) {
            this.kvHead = kvHead;
            this.heads = heads;
            entries.set(call, kvHead * call.group(), (kvHead + heads) * call.group(), 0, call.queries());
            softmax.begin(call, entries);
            chunkCall = null;
            whole = false;
            done = false;
            reserveOutput(call);
        }

        /** Output rows, and the arrays beside them, of the part's kv heads, at zero. */
        private void clearOutput(AttentionCall call) {
            quadsPerHead = (call.group() * call.queries() + 3) / 4;
            quads = heads * quadsPerHead;
            int totals = 4 * NarrowProducts.KEYS * Math.max(quads, Lanes.FLOAT.length() / 4);
            if (passTotals.length < totals) {
                passTotals = new float[totals];
            }
            int size = reserveOutput(call);
            Arrays.fill(outputRows, 0, size, 0f);
            Arrays.fill(tileSums, 0, size, 0f);
            Arrays.fill(outputCarry, 0, size, 0f);
        }

        /** Makes room for the output rows, and the arrays beside them, of the part's kv heads; returns their size. */
        private int reserveOutput(AttentionCall call) {
            int size = rows(call) * call.valueDim();
            if (outputRows.length < size) {
                outputRows = new float[size];
                tileSums = new float[size];
                outputCarry = new float[size];
            }
            return size;
        }

        /** Rows of the part (its entries padded to whole quads). */
        private int rows(AttentionCall call) {
            return 4 * heads * ((call.group() * call.queries() + 3) / 4);
        }

        /** The part's entries are computed exactly: now if whole, else by the merge. */
        private void finishExactly(AttentionCall call, VectorScratch scratch) {
            if (whole) {
                entries.computeExactly(call, scratch);
            }
            done = true;
            active = false;
        }

        /** Starts the tile of keys {@code [j0, j1)}: the part computes those its entries may see, unless done. */
        void beginTile(int j0, int j1) {
            tileStart = Math.max(j0, entries.lo);
            tileEnd = Math.min(j1, entries.hi);
            active = !done && tileStart < tileEnd;
        }

        /** The logits of keys {@code [j, j + n)} (those of them in the tile). */
        void scores(AttentionCall call, int j, int n) {
            int from = Math.max(j, tileStart);
            int to = Math.min(j + n, tileEnd);
            if (active && from < to) {
                NarrowProducts.scores(queryRows, quads, quadsPerHead, call.headDim(), call.keyRows(), call.keyHalves(),
                        call.keyAt(from, kvHead), call.keyRowBytes(), headBytes(call), call.precision(), call.subnormalRows(),
                        flagAt(call, from), call.kvHeads(), converted, convertedRows, passTotals, to - from, logits,
                        (from - tileStart) * TileProducts.PANEL, call.keyNorms() == null ? keyNorms : null, from - tileStart,
                        normsStride);
            }
        }

        /**
         * After every key's logits: the guard (on the cache's stored key norms, or those the logits' kernel left;
         * if it refuses, the part is computed exactly and does nothing more), the logits' pipeline and the online
         * softmax.
         */
        void probabilities(AttentionCall call, VectorScratch scratch) {
            if (!active) {
                return;
            }
            MemorySegment stored = call.keyNorms();
            float squared = 0;
            if (stored != null) {
                squared = largestStored(stored, (long) call.slot(tileStart) * call.kvHeads() + kvHead, heads, call.kvHeads(),
                        tileEnd - tileStart);
            } else {
                for (int i = 0; i < heads; i++) {
                    float head = LogitGuard.largest(keyNorms, i * normsStride, tileEnd - tileStart);
                    squared = Float.isNaN(squared) ? squared : Float.isNaN(head) ? head : Math.max(squared, head);
                }
            }
            if (!LogitGuard.allows(call, queryNorm + scheme.keyNormShare(), Math.sqrt(squared), extraNorm)) {
                finishExactly(call, scratch);
                return;
            }
            tileLogits.apply(call, scheme, entries, logits, tileRows, tileStart, tileEnd);
            softmax.tile(logits, tileRows, entries.vectors, tileEnd - tileStart);
        }

        /** Index of the part's first kv head at position {@code position} in the cache's {@link AttentionCall#subnormalRows()}. */
        private long flagAt(AttentionCall call, int position) {
            return (long) call.slot(position) * call.kvHeads() + kvHead;
        }

        /** Bytes between the key rows of neighbouring kv heads at one position. */
        private static long headBytes(AttentionCall call) {
            return (long) call.headDim() * call.precision().bytes();
        }

        /**
         * The largest of the stored squared norms of {@code heads} neighbouring kv heads from index {@code at}, at
         * {@code n} positions {@code stride} indices apart (NaN if one is): as many positions' norms per vector as it
         * spans whole ({@code heads} ≤ stride; lanes of other kv heads 0), into four running maxima, then the largest
         * lane. A maximum is the same whatever the order, so this gives the bits of a scalar pass per kv head, which took
         * 3% of an f32 decode step at 4096 keys (a timing mock without it ran 1.030× as fast, quartiles 1.003–1.063); one
         * position per vector into one running maximum waited on the maximum's latency (its NaN-propagating blends)
         * each position: 2.5% of the step's samples, 1.5% in this form (perf, f32 at 4096 keys). One load in the loop: C1
         * gave up on four written out ("out of virtual registers"), and in a pairing each call then allocated 843 kB
         * (0.847× as fast). Against the code before (f32 decode, 32 q / 8 kv heads × 128, ALiBi, off-heap, 4096 keys; bench's
         * PairedCalls, median speed ratio and quartiles, 800 pairs, load 1.4–2.5, sides 100% on a CPU): 1.021×
         * (0.986–1.056) as the second side, 1.014× as the first (the code before 0.986×, 0.957–1.017).
         */
        private static float largestStored(MemorySegment norms, long at, int heads, int stride, int n) {
            int per = Math.max(1, F.length() / stride);
            long bits = 0;
            for (int lane = 0; lane < Math.min(F.length(), per * stride); lane++) {
                bits |= lane % stride < heads ? 1L << lane : 0;
            }
            long rest = bits & (1L << n % per * stride) - 1;
            long step = (long) Float.BYTES * per * stride;
            FloatVector m0 = FloatVector.zero(F);
            FloatVector m1 = m0;
            FloatVector m2 = m0;
            FloatVector m3 = m0;
            // One load in the loop, the maxima rotated.
            for (long i = (long) Float.BYTES * at, left = n; left > 0; i += step, left -= per) {
                VectorMask<Float> mine = VectorMask.fromLong(F, left >= per ? bits : rest);
                FloatVector next = FloatVector.fromMemorySegment(F, norms, i, ByteOrder.nativeOrder(), mine).max(m0);
                m0 = m1;
                m1 = m2;
                m2 = m3;
                m3 = next;
            }
            return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX); // Math.max's: NaN if a lane is
        }

        /** The values of keys {@code [j, j + n)} (those of them in the tile), in key order, into the tile's sums. */
        void values(AttentionCall call, int j, int n) {
            int from = Math.max(j, tileStart);
            int to = Math.min(j + n, tileEnd);
            if (active && from < to) {
                NarrowProducts.accumulate(logits, (from - tileStart) * TileProducts.PANEL, quads, quadsPerHead, call.valueRows(),
                        call.valueHalves(), call.valueAt(from, kvHead), call.valueRowBytes(),
                        (long) call.valueDim() * call.precision().bytes(), call.precision(), call.subnormalRows(), flagAt(call, from),
                        call.kvHeads(), converted, convertedRows, softmax.scaleExponent(), to - from,
                        call.valueDim(), tileSums);
            }
        }

        /** After the tile's values: the output rows {@code O = α·O + T} (compensated), and what the scheme's value terms need. */
        void endValues(AttentionCall call) {
            if (active) {
                CompensatedSums.rows(outputRows, outputCarry, tileSums, 4 * quads, call.valueDim(), softmax.alpha());
                scheme.accumulateValueWeights(entries, logits, tileRows, tileStart, tileEnd, softmax.alpha());
            }
        }

        /**
         * Leaves the chunk's state in {@code shared}'s slot {@code slot}: per entry m, l and the scaled rows
         * {@code O + value term}, or that the part must be computed exactly.
         */
        void keep(AttentionCall call, NarrowBlock shared, int slot) {
            shared.chunkExact[slot] = done;
            if (done) {
                return;
            }
            int dv = call.valueDim();
            int at = slot * Lanes.FLOAT.length();
            addValueTerms(call);
            for (int e = 0; e < entries.count; e++) {
                shared.chunkMax[at + e] = softmax.max(e);
                shared.chunkSum[at + e] = softmax.sum(e);
            }
            System.arraycopy(outputRows, 0, shared.chunkRows, at * dv, entries.count * dv);
        }

        /** {@code O += value term} per entry, where the scheme has value terms. */
        private void addValueTerms(AttentionCall call) {
            if (!scheme.hasValueTerms()) {
                return;
            }
            int dv = call.valueDim();
            for (int e = 0; e < entries.count; e++) {
                for (int c = 0; c < dv; c++) {
                    outputRows[e * dv + c] += scheme.valueTerm(e, c, softmax.valueScale());
                }
            }
        }

        /**
         * Takes in the states of {@code chunks} chunks that {@code shared} holds from slot {@code slot} on, {@code stride}
         * apart, chunk after chunk: the maxima and sums ({@link OnlineSoftmax#merge}), then each entry's output row
         * {@code O = α·O + β·O'} (compensated) from zero ({@link CompensatedSums#merged}).
         */
        void merge(AttentionCall call, NarrowBlock shared, int chunks, int slot, int stride) {
            int dv = call.valueDim();
            int lanes = Lanes.FLOAT.length();
            if (mergeAlpha.length < chunks * Entries.WIDTH) {
                mergeAlpha = new float[chunks * Entries.WIDTH];
                mergeBeta = new float[chunks * Entries.WIDTH];
            }
            for (int c = 0; c < chunks; c++) {
                softmax.merge(shared.chunkMax, shared.chunkSum, (slot + c * stride) * lanes, entries.count);
                System.arraycopy(softmax.alpha(), 0, mergeAlpha, c * Entries.WIDTH, entries.count);
                System.arraycopy(softmax.beta(), 0, mergeBeta, c * Entries.WIDTH, entries.count);
            }
            for (int e = 0; e < entries.count; e++) {
                CompensatedSums.merged(shared.chunkRows, (slot * lanes + e) * dv, stride * lanes * dv, chunks, mergeAlpha,
                        mergeBeta, e, Entries.WIDTH, dv, outputRows, e * dv);
            }
        }

        /**
         * {@code out = (O + value term) / l} per entry, unless the exact path has written the part (after a merge the
         * rows hold the value terms).
         */
        void write(AttentionCall call) {
            if (done) {
                return;
            }
            if (whole) {
                addValueTerms(call);
            }
            int dv = call.valueDim();
            for (int e = 0; e < entries.count; e++) {
                softmax.output(e, outputRows, e * dv, call.out(), call.outAt(entries.row[e], entries.head[e]), dv);
            }
        }
    }
}
