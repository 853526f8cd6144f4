package dev.recur.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link PredictionInterval}: the split-conformal quantile and the coverage, derived by hand. */
class PredictionIntervalTest {

    /** 9 origins, 2 steps: |column 0| = 1..9 shuffled, |column 1| = 0.1..0.9 shuffled. */
    private static final double[][] RESIDUALS = {
        {-5, 0.9}, {1, -0.2}, {-2, 0.4}, {3, -0.1}, {4, 0.3}, {-6, -0.8}, {7, 0.5}, {8, -0.7}, {-9, 0.6}};

    @Test
    void theHalfWidthIsTheConformalOrderStatisticOfTheAbsoluteResiduals() {
        // n = 9, level 0.8: k = ⌈0.8·10⌉ = 8 → the 8th smallest
        PredictionInterval p = PredictionInterval.fromResiduals(RESIDUALS, 0.8);
        assertEquals(0.8, p.level(), 0);
        assertArrayEquals(new double[] {8, 0.8}, p.halfWidth(), 0);
        assertEquals(2, p.horizon());
        // level 0.5: k = ⌈5⌉ = 5
        assertArrayEquals(new double[] {5, 0.5}, PredictionInterval.fromResiduals(RESIDUALS, 0.5).halfWidth(), 0);
        // level 0.55: k = ⌈5.5⌉ = 6
        assertArrayEquals(new double[] {6, 0.6}, PredictionInterval.fromResiduals(RESIDUALS, 0.55).halfWidth(), 0);
        // level 0.1: k = ⌈1⌉ = 1, the smallest
        assertArrayEquals(new double[] {1, 0.1}, PredictionInterval.fromResiduals(RESIDUALS, 0.1).halfWidth(), 0);
    }

    @Test
    void theRankIsCappedAtTheNumberOfOrigins() {
        // n = 9, level 0.95: ⌈9.5⌉ = 10 > 9 → the largest
        assertArrayEquals(new double[] {9, 0.9}, PredictionInterval.fromResiduals(RESIDUALS, 0.95).halfWidth(), 0);
        // one origin: always its own |residual|
        assertArrayEquals(new double[] {2, 3},
                PredictionInterval.fromResiduals(new double[][] {{-2, 3}}, 0.5).halfWidth(), 0);
    }

    @Test
    void anIntegerRankIsNotMovedByRoundingError() {
        // n = 99, level 0.07: 0.07·100 is 7.000000000000001 in doubles, but k = 7 exactly
        double[][] r = new double[99][1];
        for (int i = 0; i < 99; i++) {
            r[i][0] = 99 - i;
        }
        assertArrayEquals(new double[] {7}, PredictionInterval.fromResiduals(r, 0.07).halfWidth(), 0);
        // 0.071·100 = 7.1 → 8
        assertArrayEquals(new double[] {8}, PredictionInterval.fromResiduals(r, 0.071).halfWidth(), 0);
    }

    @Test
    void coverageCountsPairsWithinTheBoundsInclusive() {
        PredictionInterval p = new PredictionInterval(0.9, new double[] {1, 2});
        double[][] actual = {{0, 0}, {0, 0}};
        double[][] forecast = {{1, 3}, {0.5, -2}};
        // |0−1| ≤ 1 yes, |0−3| ≤ 2 no, |0−0.5| ≤ 1 yes, |0+2| ≤ 2 yes → 3/4
        assertEquals(0.75, p.coverage(actual, forecast), 0);
    }

    @Test
    void calibratedOnTheSameResidualsTheCoverageIsTheRankOverN() {
        PredictionInterval p = PredictionInterval.fromResiduals(RESIDUALS, 0.8);
        double[][] forecast = new double[9][2];
        // actual = forecast + residual: 8 of 9 within each step's 8th smallest
        assertEquals(8.0 / 9, p.coverage(RESIDUALS, forecast), 1e-15);
    }

    @Test
    void theRecordKeepsCopies() {
        double[] w = {1, 2};
        PredictionInterval p = new PredictionInterval(0.9, w);
        w[0] = 5;
        p.halfWidth()[1] = 7;
        assertArrayEquals(new double[] {1, 2}, p.halfWidth(), 0);
        assertEquals(new PredictionInterval(0.9, new double[] {1, 2}), p);
    }

    @Test
    void badArgumentsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredictionInterval.fromResiduals(RESIDUALS, 90));
        assertEquals("prediction interval: expected a level in (0, 1), found 90.0; likely cause: a level given in "
                + "percent (0.9, not 90)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PredictionInterval.fromResiduals(RESIDUALS, 1));
        assertThrows(IllegalArgumentException.class, () -> PredictionInterval.fromResiduals(new double[0][], 0.9));
        e = assertThrows(IllegalArgumentException.class,
                () -> PredictionInterval.fromResiduals(new double[][] {{1, 2}, {3}}, 0.9));
        assertEquals("residuals: expected 2 steps for every origin, found 1 for origin 1; likely cause: forecasts "
                + "of another horizon", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PredictionInterval.fromResiduals(new double[][] {{1, Double.NaN}}, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new PredictionInterval(0.9, new double[] {-1}));
        PredictionInterval p = new PredictionInterval(0.9, new double[] {1, 2});
        assertThrows(IllegalArgumentException.class,
                () -> p.coverage(new double[][] {{0, 0, 0}}, new double[][] {{0, 0, 0}}));
        assertThrows(IllegalArgumentException.class,
                () -> p.coverage(new double[][] {{0, 0}}, new double[][] {{0, 0}, {0, 0}}));
    }
}
