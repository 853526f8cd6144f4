package dev.recur.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The tuner's search on a tiny time budget (its figures mean nothing here, no timing is asserted):
 * it tries each candidate of each setting once, starting from the default, reports every trial,
 * and chooses either the default or the last winner with a gain it can show.
 */
class GemmTunerTest {

    @Test
    void triesEverySettingOnceAndChoosesAMeasuredOne() {
        Assumptions.assumeTrue(Precision.vectorAvailable(), "the Vector API module is not loaded");
        List<String> lines = new ArrayList<>();
        GemmTuner.Result result = new GemmTuner(2, 200_000L, 1).tune(lines::add);
        int expected = GemmTuner.INNER_BLOCKS.length + GemmTuner.ROW_BLOCKS.length + GemmTuner.TILE_ROWS.length
                + GemmTuner.STRIP_PANELS.length + GemmTuner.PARALLEL.length;
        assertEquals(expected, result.trials().size());
        // the inner blocks first, the other settings at the default's
        GemmTuning d = GemmTuning.DEFAULT;
        assertEquals(new GemmTuning(GemmTuner.INNER_BLOCKS[0], d.rowBlock(), d.tileRows(), d.parallelFlops(),
                d.stripPanels()),
                result.trials().get(0).tuning());
        for (GemmTuner.Trial t : result.trials()) {
            assertTrue(t.gflops() > 0 && Double.isFinite(t.gflops()), t.toString());
        }
        assertTrue(lines.size() >= expected, lines.toString());
        if (result.chosen().equals(GemmTuning.DEFAULT)) {
            assertEquals(result.defaultGflops(), result.chosenGflops());
        } else {
            assertTrue(result.gainPercent() >= GemmTuner.MIN_GAIN_PERCENT, result.toString());
        }
    }
}
