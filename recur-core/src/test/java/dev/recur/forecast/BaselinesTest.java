package dev.recur.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Baselines}: forecasts derived by hand from the definitions, and refusals. */
class BaselinesTest {

    @Test
    void naiveRepeatsTheLastValue() {
        Forecaster f = Baselines.naive();
        assertEquals("naive", f.name());
        assertArrayEquals(new double[] {3, 3, 3}, f.forecast(new double[] {1, 2, 3}, 3), 0);
        assertArrayEquals(new double[] {7}, f.forecast(new double[] {7}, 1), 0);
    }

    @Test
    void seasonalNaiveRepeatsTheLastSeason() {
        Forecaster f = Baselines.seasonalNaive(3);
        assertEquals("seasonal naive (m=3)", f.name());
        // T = 7, m = 3: h = 1..3 → y_5, y_6, y_7 (k = 0); h = 4..6 → y_{7+h−6} = y_5, y_6, y_7 (k = 1); h = 7 → y_5
        double[] history = {10, 20, 30, 40, 50, 60, 70};
        assertArrayEquals(new double[] {50, 60, 70, 50, 60, 70, 50}, f.forecast(history, 7), 0);
        // exactly one season of history: T = m = 3
        assertArrayEquals(new double[] {1, 2, 3, 1}, f.forecast(new double[] {1, 2, 3}, 4), 0);
    }

    @Test
    void seasonOfOneIsNaive() {
        double[] history = {4, -1, 2.5};
        assertArrayEquals(Baselines.naive().forecast(history, 4), Baselines.seasonalNaive(1).forecast(history, 4), 0);
    }

    @Test
    void driftExtendsTheLineThroughTheFirstAndLastValue() {
        Forecaster f = Baselines.drift();
        assertEquals("drift", f.name());
        // T = 4, slope (7 − 1)/3 = 2: 7 + 2h
        assertArrayEquals(new double[] {9, 11, 13}, f.forecast(new double[] {1, 3, 4, 7}, 3), 0);
        // T = 2, slope (2 − 5)/1 = −3
        assertArrayEquals(new double[] {-1, -4}, f.forecast(new double[] {5, 2}, 2), 0);
    }

    @Test
    void theHistoryIsNotModified() {
        double[] history = {1, 3, 4, 7};
        for (Forecaster f : new Forecaster[] {Baselines.naive(), Baselines.seasonalNaive(2), Baselines.drift()}) {
            f.forecast(history, 5);
            assertArrayEquals(new double[] {1, 3, 4, 7}, history, 0, f.name());
        }
    }

    @Test
    void aShortHistoryIsRefusedNamingTheMethod() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Baselines.naive().forecast(new double[0], 1));
        assertEquals("naive: expected a history of at least 1 value, found 0; likely cause: a series split with "
                + "an empty history", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Baselines.seasonalNaive(4).forecast(new double[] {1, 2, 3}, 1));
        assertEquals("seasonal naive (m=4): expected a history of at least 4 values, found 3; likely cause: a "
                + "history shorter than one season", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Baselines.drift().forecast(new double[] {1}, 1));
        assertTrue(e.getMessage().startsWith("drift: expected a history of at least 2 values, found 1"),
                e.getMessage());
    }

    @Test
    void badArgumentsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Baselines.naive().forecast(new double[] {1}, 0));
        assertEquals("naive: expected a horizon >= 1, found 0; likely cause: an unset horizon", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Baselines.drift().forecast(new double[] {1, Double.NaN, 3}, 2));
        assertEquals("drift: expected finite history values, found NaN at index 1; likely cause: a missing value "
                + "in the series", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Baselines.seasonalNaive(0));
        assertTrue(e.getMessage().startsWith("seasonal naive: expected a season length >= 1, found 0"),
                e.getMessage());
    }
}
