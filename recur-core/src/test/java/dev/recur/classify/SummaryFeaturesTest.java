package dev.recur.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Summary features of a numeric sequence, hand-derived. */
class SummaryFeaturesTest {

    @Test
    void perFeatureStatisticsThenTheLength() {
        // T = 3, F = 2: feature 0 is 1, 3, 2; feature 1 is 10, 20, 30
        double[] steps = {1, 10, 3, 20, 2, 30};
        double[] s = SummaryFeatures.of(steps, 2);
        assertEquals(13, s.length);
        assertEquals(13, SummaryFeatures.width(2));
        // feature 0: mean 2, std sqrt((1 + 1 + 0) / 3), min 1, max 3, first 1, last 2
        // feature 1: mean 20, std sqrt((100 + 0 + 100) / 3), min 10, max 30, first 10, last 30
        assertArrayEquals(new double[] {2, Math.sqrt(2.0 / 3), 1, 3, 1, 2,
                20, Math.sqrt(200.0 / 3), 10, 30, 10, 30, 3}, s, 1e-14);
    }

    @Test
    void oneStepHasNoSpread() {
        assertArrayEquals(new double[] {-4, 0, -4, -4, -4, -4, 1}, SummaryFeatures.of(new double[] {-4}, 1), 0);
    }

    @Test
    void invalidSequencesAreRefused() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> SummaryFeatures.of(new double[] {1, 2, 3}, 2)).getMessage();
        assertTrue(m.contains("expected [T, F] with T >= 1 and F = 2, found 3 values"), m);
        assertThrows(IllegalArgumentException.class, () -> SummaryFeatures.of(new double[0], 1));
        assertThrows(IllegalArgumentException.class, () -> SummaryFeatures.of(new double[] {1}, 0));
        m = assertThrows(IllegalArgumentException.class,
                () -> SummaryFeatures.of(new double[] {1, 2, Double.NaN, 4}, 2)).getMessage();
        assertTrue(m.contains("found NaN at step 1, feature 0"), m);
    }
}
