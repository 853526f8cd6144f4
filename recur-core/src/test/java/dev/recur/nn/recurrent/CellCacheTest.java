package dev.recur.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import org.junit.jupiter.api.Test;

/** Which kernels a step's range of rows computes its products with. */
class CellCacheTest {

    @Test
    void aRangeThatIsTheWholeBatchUsesTheTeamAndSideBySideRangesTheirOwnThread() {
        Kernels<float[]> k = Precision.F32.withThreads(2).kernels();
        // one sequence: a single range, the whole batch, on the calling thread; its products take the team
        CellCache<float[]> one = new CellCache<>(k, CellKind.LSTM, 3, 1, 8, 8);
        assertEquals(1, one.rowRanges());
        assertSame(k, one.rowKernels(0, 1));
        // 17 sequences: two ranges run at once, each on its own thread's serial kernels
        CellCache<float[]> many = new CellCache<>(k, CellKind.LSTM, 3, 17, 8, 8);
        assertEquals(2, many.rowRanges());
        int split = many.rowStart(2, 1);
        assertSame(k.serial(), many.rowKernels(0, split));
        assertSame(k.serial(), many.rowKernels(split, 17));
    }
}
