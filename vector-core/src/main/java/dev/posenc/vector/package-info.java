/**
 * The Vector API implementation: SIMD twins of the reference kernels, offered to
 * {@link dev.posenc.Kernels} by {@link dev.posenc.vector.VectorKernelProviderFactory}, each at the
 * width {@link dev.posenc.vector.Lanes} fixes.
 *
 * <h2>Attention's vocabulary</h2>
 * <dl>
 *   <dt>entry</dt>
 *   <dd>One (query head, query row) pair: one row of logits, one softmax, one output row.</dd>
 *   <dt>group</dt>
 *   <dd>The query heads that share one kv head (grouped-query attention): query head h reads kv head
 *       {@code h / group}.</dd>
 *   <dt>block</dt>
 *   <dd>Up to {@link dev.posenc.vector.Entries#WIDTH} entries of one kv head computed together over the
 *       keys, one entry per vector lane, so that the online softmax runs lanewise and each key and
 *       value row is read once for all of them ({@link dev.posenc.vector.Entries},
 *       {@link dev.posenc.vector.Block}).</dd>
 *   <dt>tile</dt>
 *   <dd>A run of consecutive keys (72 by default, starting at multiples of the tile size) that a block
 *       takes at once: their logits, the position scheme and masks, one online-softmax step, their
 *       values.</dd>
 *   <dt>panel</dt>
 *   <dd>Four vectors of lanes. Lane-major buffers (Qᵀ, logits, Oᵀ) are stored panel by panel
 *       ({@link dev.posenc.vector.TileProducts#at}), so that the rows a register tile walks are a panel
 *       apart whatever the block's width.</dd>
 *   <dt>wide</dt>
 *   <dd>A block of more than one vector of entries (prefill): its tile products run along the entries
 *       ({@link dev.posenc.vector.TileProducts}) — {@link dev.posenc.vector.WideBlock}; the wide blocks of a kv head walk its keys in bands
 *       ({@link dev.posenc.vector.WideBand}).</dd>
 *   <dt>narrow</dt>
 *   <dd>A block of at most one vector of entries (decode: every row of one group, or of a few neighbouring
 *       groups that together fill a vector): its products run along the head width
 *       ({@link dev.posenc.vector.NarrowProducts}) so that every lane works. The narrow decode block walks up
 *       to eight kv heads through the keys together — {@link dev.posenc.vector.NarrowBlock}.</dd>
 * </dl>
 * A call ({@link dev.posenc.vector.VectorAttention}) is cut into work items, each one wide block or
 * one narrow decode block. A block's tile goes through the {@link dev.posenc.vector.LogitGuard}, the
 * products of keys, {@link dev.posenc.vector.TileLogits} (the evaluator of the call's position scheme,
 * a {@link dev.posenc.vector.VectorScheme}; soft cap; dense bias; masks), the
 * {@link dev.posenc.vector.OnlineSoftmax} and the products of values. Each part gets its data as
 * arguments; none reads another's fields.
 *
 * <h2>The C2 rule</h2>
 * C2 turns Vector API calls into SIMD instructions only within one compilation, and only while that
 * compilation stays under its node budget; past it, vectors become objects again (kilobytes to
 * megabytes allocated per call, and far slower code). Every vector kernel here obeys two rules that
 * follow:
 * <ul>
 *   <li><b>No hot helper takes or returns vectors.</b> A small helper is inlined while its callers are
 *       small, but once hot it is also compiled on its own, and then a caller calls it instead — its vector
 *       arguments and result boxed — wherever C2 declines to inline it: when the caller's compilation has
 *       reached the budget ({@code NodeCountInliningCutoff}), and at any call site its profile calls cold
 *       (a single-vector loop after an unrolled one, run on some rows only) once the helper's own compiled
 *       code is larger than a quarter of {@code InlineSmallCode} ("already compiled into a medium method").
 *       Which sites are cold depends on the shapes every caller has run, so a helper that a single-kernel
 *       benchmark saw inlined can box once an application mixes shapes and kernels. So the small steps — a
 *       fused multiply-add behind the hardware-FMA switch ({@code FMA ? a.fma(b, c) : a.mul(b).add(c)}),
 *       the {@link dev.posenc.vector.ExpPolynomial} steps, the {@link dev.posenc.vector.PairSums} fold, two
 *       double vectors narrowed into one float vector ({@link dev.posenc.vector.Lanes#LOW_HALF}) — are
 *       written out where they are used, and a computation several kernels share is a sweep over arrays
 *       ({@link dev.posenc.vector.SinCosPolynomial#sinCos}).</li>
 *   <li><b>Each sweep is its own method</b>, taking arrays and offsets, never vectors, and large
 *       enough (over {@code FreqInlineSize}, 325 bytecodes) that C2 compiles it as its own unit under
 *       its own budget rather than inlining it into a large caller: the register tiles of
 *       {@link dev.posenc.vector.TileProducts} and {@link dev.posenc.vector.NarrowProducts},
 *       {@link dev.posenc.vector.TileExp}, the sweeps of {@code VectorNorms} and
 *       {@code VectorSoftmax}.</li>
 * </ul>
 * A third rule keeps a loop compiled in a JVM that has no receiver-type profile for the Vector API's calls (one that
 * compiled the loop before profiling it, or runs with {@code -XX:TypeProfileWidth=0}):
 * <ul>
 *   <li><b>A vector carried from one iteration to the next is never the receiver of a vector call in the
 *       loop</b>, only its argument: {@code load.max(m)}, {@code e.add(sum)}, {@code sin.fma(s, t)}, not
 *       {@code m.max(load)}. A vector operation reaches its code by a virtual call ({@code max} → {@code lanewise},
 *       {@code blend}, the conversion under {@code convertShape}), which C2 inlines from the receiver's profile
 *       or from its exact type; a load's type is exact, a loop-carried vector's is known only once that same call
 *       is inlined. Otherwise every vector of the loop is boxed: 1.6–3.2 MB per decode call
 *       ({@link dev.posenc.vector.OnlineSoftmax}'s maxima). Swapping the operands of {@code max}, {@code add},
 *       {@code mul} or {@code fma}'s product keeps the bits; a compare and blend takes the complement of its mask
 *       ({@code z.blend(m, z.compare(GT, m).not())}); a loop narrows the state it has just computed, not the one it carried in. The rule is not always enough: a carried
 *       vector that is only an argument is unboxed only if C2 already knows its exact type when it expands the call,
 *       and without profiles it did not for {@link dev.posenc.vector.TileExp}'s running sum ({@code e.add(sum)}) at
 *       128 bits (3–85 kB per attention call of the allocation property, 1.7 MB per prefill of 64 rows): that sum
 *       now stays in an array. Still boxed there: {@link dev.posenc.vector.NarrowProducts}' f32 products at 512 bits
 *       with head dimension 64 and more than one quad of entries per kv head (4 q / 2 kv heads, 4 or 5 query rows over
 *       300 keys: 0.68 and 0.89 MB per call; 0 with 1 or 2 rows, or with head dimension 128; C2 reports a load
 *       without a constant vector class and accumulators it cannot unbox).</li>
 * </ul>
 * Check every change with JMH's {@code -prof gc}: a kernel that keeps the rule allocates 0 B per call. The
 * allocation property of the kit ({@code AllocationContract}) checks every kernel family after warm-up in one
 * JVM, at every width; the build's {@code AllocationWithoutReceiverProfilesTest} checks them again, at every
 * width, in a JVM without receiver profiles.
 */
package dev.posenc.vector;
