package dev.recur.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Backtest}: rolling origins, the history each forecaster sees, and the actuals. */
class BacktestTest {

    private static final double[] SERIES = {1, 2, 3, 4, 5, 6};

    @Test
    void originsAreEveryIndexWhoseHorizonFits() {
        // o + 2 ≤ 6, o ≥ 2
        assertArrayEquals(new int[] {2, 3, 4}, Backtest.origins(2, 6, 2));
        assertArrayEquals(new int[] {5}, Backtest.origins(5, 6, 1));
        assertArrayEquals(new int[0], Backtest.origins(5, 6, 2));
        assertArrayEquals(new int[0], Backtest.origins(5, 3, 1));
    }

    @Test
    void eachForecastSeesEverythingBeforeItsOrigin() {
        List<double[]> seen = new ArrayList<>();
        Forecaster spy = new Forecaster() {
            @Override
            public String name() {
                return "spy";
            }

            @Override
            public double[] forecast(double[] history, int horizon) {
                seen.add(history.clone());
                return new double[horizon];
            }
        };
        Backtest.forecasts(spy, SERIES, new int[] {2, 4}, 2);
        assertEquals(2, seen.size());
        assertArrayEquals(new double[] {1, 2}, seen.get(0), 0);
        assertArrayEquals(new double[] {1, 2, 3, 4}, seen.get(1), 0);
    }

    @Test
    void forecastsAndActualsLineUp() {
        int[] origins = Backtest.origins(2, SERIES.length, 2);
        double[][] forecasts = Backtest.forecasts(Baselines.naive(), SERIES, origins, 2);
        double[][] actuals = Backtest.actuals(SERIES, origins, 2);
        assertArrayEquals(new double[][] {{2, 2}, {3, 3}, {4, 4}}, forecasts);
        assertArrayEquals(new double[][] {{3, 4}, {4, 5}, {5, 6}}, actuals);
        // naive on a unit ramp errs by h at step h: residuals 1, 2 → the interval covers exactly them
        double[][] residuals = new double[origins.length][2];
        for (int i = 0; i < origins.length; i++) {
            for (int h = 0; h < 2; h++) {
                residuals[i][h] = actuals[i][h] - forecasts[i][h];
            }
        }
        PredictionInterval p = PredictionInterval.fromResiduals(residuals, 0.5);
        assertArrayEquals(new double[] {1, 2}, p.halfWidth(), 0);
        assertEquals(1, p.coverage(actuals, forecasts), 0);
    }

    @Test
    void originsOutOfRangeAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backtest.actuals(SERIES, new int[] {2, 5}, 2));
        assertEquals("backtest: expected origins with 0 <= o and o + 2 <= 6 (the series length), found 5 at index 1; "
                + "likely cause: origins made for a longer series or a shorter horizon", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Backtest.forecasts(Baselines.naive(), SERIES, new int[] {-1}, 1));
        assertThrows(IllegalArgumentException.class, () -> Backtest.actuals(SERIES, new int[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> Backtest.origins(-1, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> Backtest.origins(0, 5, 0));
        // an origin with too short a history for the method: the forecaster's own refusal
        e = assertThrows(IllegalArgumentException.class,
                () -> Backtest.forecasts(Baselines.drift(), SERIES, new int[] {1}, 1));
        assertEquals("drift: expected a history of at least 2 values, found 1; likely cause: a history of a single "
                + "value, which has no slope", e.getMessage());
    }
}
