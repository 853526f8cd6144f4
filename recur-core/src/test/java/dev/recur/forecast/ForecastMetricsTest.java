package dev.recur.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ForecastMetrics}: values derived by hand from the definitions, and refusals. */
class ForecastMetricsTest {

    // errors a − f = −1, 0, 2, 0
    private static final double[] ACTUAL = {1, 2, 3, 4};
    private static final double[] FORECAST = {2, 2, 1, 4};

    @Test
    void maeIsTheMeanAbsoluteError() {
        // (1 + 0 + 2 + 0)/4
        assertEquals(0.75, ForecastMetrics.mae(ACTUAL, FORECAST), 1e-15);
    }

    @Test
    void rmseIsTheRootOfTheMeanSquaredError() {
        // sqrt((1 + 0 + 4 + 0)/4)
        assertEquals(Math.sqrt(5) / 2, ForecastMetrics.rmse(ACTUAL, FORECAST), 1e-15);
    }

    @Test
    void smapeIsTheM4DefinitionInPercent() {
        // 200/4 · (1/3 + 0/4 + 2/4 + 0/8) = 50 · 5/6
        assertEquals(125.0 / 3, ForecastMetrics.smape(ACTUAL, FORECAST), 1e-12);
        // a term with |a| + |f| = 0 counts 0: 200/2 · (0 + 2/4)
        assertEquals(50, ForecastMetrics.smape(new double[] {0, 1}, new double[] {0, 3}), 1e-12);
        // opposite signs: the largest value, 200
        assertEquals(200, ForecastMetrics.smape(new double[] {1}, new double[] {-1}), 1e-12);
        assertEquals(0, ForecastMetrics.smape(new double[] {0, 0}, new double[] {0, 0}), 0);
    }

    @Test
    void maseScalesByTheInSampleNaiveError() {
        double[] training = {1, 3, 2, 6};
        // m = 1: scale mean(|3−1|, |2−3|, |6−2|) = 7/3; MAE 0.75
        assertEquals(0.75 / (7.0 / 3), ForecastMetrics.mase(ACTUAL, FORECAST, training, 1), 1e-15);
        // m = 2: scale mean(|2−1|, |6−3|) = 2
        assertEquals(0.375, ForecastMetrics.mase(ACTUAL, FORECAST, training, 2), 1e-15);
    }

    @Test
    void aConstantTrainingSeriesIsRefusedForMase() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.mase(ACTUAL, FORECAST, new double[] {2, 2, 2}, 1));
        assertTrue(e.getMessage().startsWith("MASE: expected a training series whose naive forecast errs"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("likely cause: a constant training series"), e.getMessage());
        // seasonal: constant within each season is as constant
        e = assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.mase(ACTUAL, FORECAST, new double[] {1, 5, 1, 5, 1}, 2));
        assertTrue(e.getMessage().endsWith("likely cause: a constant training series"), e.getMessage());
    }

    @Test
    void maseRefusesABadSeasonOrTooShortATrainingSeries() {
        assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.mase(ACTUAL, FORECAST, new double[] {1, 2, 3}, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.mase(ACTUAL, FORECAST, new double[] {1, 2}, 2));
        assertTrue(e.getMessage().startsWith("MASE: expected a training series of more than 2 values"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.mase(ACTUAL, FORECAST, new double[] {1, Double.NaN, 3}, 1));
    }

    @Test
    void mismatchedEmptyOrNonFiniteArraysAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.mae(new double[] {1, 2}, new double[] {1}));
        assertEquals("MAE: expected as many forecasts as actual values, at least one, found 2 actual and 1 forecast; "
                + "likely cause: a forecast of another horizon", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ForecastMetrics.rmse(new double[0], new double[0]));
        e = assertThrows(IllegalArgumentException.class,
                () -> ForecastMetrics.smape(new double[] {1, 2}, new double[] {1, Double.POSITIVE_INFINITY}));
        assertEquals("sMAPE (forecast): expected finite values, found Infinity at index 1; likely cause: a missing "
                + "value, or a forecaster that diverged", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ForecastMetrics.mae(null, new double[] {1}));
    }
}
