package dev.posenc.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.posenc.Kernels;
import dev.posenc.Positions;
import dev.posenc.absolute.PositionTable;
import dev.posenc.absolute.SinusoidalEncoding;
import dev.posenc.absolute.SinusoidalLayout;
import org.junit.jupiter.api.Test;

/** The immutable {@link PositionTable}: a copy of learned weights, or a precomputed sinusoidal table. */
class PositionTableTest {

    @Test
    void aLearnedTableIsACopyOfItsWeights() {
        float[] weights = {9, 1, 2, 3, 4, 5, 6};
        PositionTable table = PositionTable.learned(weights, 1, 3, 2);
        weights[1] = 100;
        assertEquals(1f, table.get(0, 0));
        assertEquals(6f, table.get(2, 1));
        float[] row = new float[3];
        table.copyRow(1, row, 1);
        assertArrayEquals(new float[] {0, 3, 4}, row);
        float[] x = {10, 20, 30, 40};
        table.addTo(Positions.of(2, 0), x, 0);
        assertArrayEquals(new float[] {15, 26, 31, 42}, x);
    }

    @Test
    void aSinusoidalTableHoldsTheKernelsRows() {
        SinusoidalEncoding encoding = SinusoidalEncoding.of(12, SinusoidalLayout.HALF_SPLIT);
        PositionTable table = PositionTable.sinusoidal(encoding, 40);
        float[] expected = new float[40 * 12];
        Kernels.get().absolutePositions().sinusoidal(encoding, Positions.range(0, 40), expected, 0);
        float[] row = new float[12];
        for (int p = 0; p < 40; p++) {
            table.copyRow(p, row, 0);
            for (int j = 0; j < 12; j++) {
                assertEquals(expected[p * 12 + j], row[j], 0f);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        PositionTable table = PositionTable.learned(new float[6], 0, 3, 2);
        float[] x = new float[4];
        BadInput.rejects(() -> table.addTo(Positions.of(0, 3), x, 0), x, "position 3", "tableRows = 3");
        BadInput.rejects(() -> table.get(3, 0), null, "position", "3");
        BadInput.rejects(() -> table.get(0, 2), null, "column", "2");
        BadInput.rejects(() -> table.copyRow(0, new float[1], 0), null, "out", "2", "1");
        BadInput.rejects(() -> PositionTable.learned(new float[5], 0, 3, 2), null, "weights", "6", "5");
        BadInput.rejects(() -> PositionTable.learned(new float[6], 0, 0, 2), null, "rows", "0");
        BadInput.rejects(() -> PositionTable.learned(null, 0, 3, 2), null, "weights", "null");
        BadInput.rejects(() -> PositionTable.sinusoidal(SinusoidalEncoding.of(4), -1), null, "rows", "-1");
        BadInput.rejects(() -> Positions.range(Integer.MAX_VALUE, 2), null, "overflows");
        BadInput.rejects(() -> Positions.view(new int[3], 1, 3), null, "positions", "4", "3");
    }
}
