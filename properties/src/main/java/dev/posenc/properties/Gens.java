package dev.posenc.properties;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Generators for shapes and data, shared by every suite. Sizes lean toward the places where SIMD
 * code breaks: tiny lengths, one below / at / above a multiple of 16 (the float lane count of a
 * 512-bit vector, itself a multiple of the 128- and 256-bit counts), and anything up to a maximum.
 */
public final class Gens {
    private Gens() {}

    /** Lengths in {@code [1, max]}: a third tiny (≤ 40), a third next to a multiple of 16, a third anywhere. */
    public static Gen<Integer> lengths(int max) {
        Gen<Integer> tiny = integers().between(1, Math.min(40, max));
        Gen<Integer> nearLanes = integers().between(1, Math.max(1, max / 16))
                .zip(integers().between(-1, 1), (k, d) -> Math.max(1, Math.min(max, 16 * k + d)));
        Gen<Integer> any = integers().between(1, max);
        return tiny.mix(nearLanes, 50).mix(any, 33);
    }

    /** Array offsets in {@code [0, 19]}, 0 half of the time. */
    public static Gen<Integer> offsets() {
        return integers().between(0, 0).mix(integers().between(1, 19), 50);
    }

    /** Data recipes of the given kinds. */
    public static Gen<FloatFill> fills(FloatKind... kinds) {
        return arbitrary().pick(List.of(kinds)).zip(longs().all(), FloatFill::new);
    }

    /** Data recipes of every kind. */
    public static Gen<FloatFill> anyFill() {
        return fills(FloatKind.values());
    }

    /** Matrices of {@code 1..maxRows} rows of {@link #lengths(int) lengths(maxCols)}, offsets, data of the kinds. */
    public static Gen<MatrixCase> matrices(int maxRows, int maxCols, FloatKind... kinds) {
        return integers().between(1, maxRows).zip(lengths(maxCols), offsets(), offsets(),
                (rows, cols, in, out) -> new int[] {rows, cols, in, out})
                .zip(fills(kinds), (s, fill) -> new MatrixCase(s[0], s[1], s[2], s[3], fill));
    }
}
