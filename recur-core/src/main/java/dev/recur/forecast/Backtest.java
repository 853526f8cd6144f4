package dev.recur.forecast;

import java.util.Arrays;

/**
 * Rolling-origin evaluation ("evaluation on a rolling forecasting origin", Hyndman &amp;
 * Athanasopoulos, <i>Forecasting: Principles and Practice</i>, 3rd ed., §5.10): from each origin
 * {@code o} a forecaster sees {@code series[0 .. o)} and forecasts {@code series[o .. o+H)}.
 * {@link #forecasts} and {@link #actuals} return grids of one shape, {@code [origins][H]}, ready
 * for {@link ForecastMetrics} (row by row), for the residuals of
 * {@link PredictionInterval#fromResiduals} and for {@link PredictionInterval#coverage}.
 *
 * <p>Stateless and thread-safe as long as the forecaster is (every forecaster of recur is).
 */
public final class Backtest {

    private Backtest() {
    }

    /**
     * The forecasts from each origin: row {@code i} is
     * {@code f.forecast(series[0 .. origins[i]), horizon)}, the history being everything before
     * the origin.
     *
     * @param f       the forecaster; it refuses a history too short for it
     * @param series  the whole series, oldest first
     * @param origins the origins, each with {@code 0 <= o} and {@code o + horizon <= series.length}
     * @param horizon how many steps ahead, {@code >= 1}
     * @return {@code [origins.length][horizon]}
     * @throws IllegalArgumentException for an origin out of range, a horizon {@code < 1}, or what
     *                                  the forecaster refuses
     */
    public static double[][] forecasts(Forecaster f, double[] series, int[] origins, int horizon) {
        if (f == null) {
            throw new IllegalArgumentException("backtest: expected a forecaster, found none; likely cause: an unset "
                    + "forecaster");
        }
        check(series, origins, horizon);
        double[][] out = new double[origins.length][];
        for (int i = 0; i < origins.length; i++) {
            double[] history = Arrays.copyOf(series, origins[i]);
            double[] forecast = f.forecast(history, horizon);
            if (forecast == null || forecast.length != horizon) {
                throw new IllegalArgumentException("backtest: expected " + horizon + " forecasts from " + f.name()
                        + ", found " + (forecast == null ? "none" : forecast.length)
                        + "; likely cause: a forecaster that ignores the horizon");
            }
            out[i] = forecast;
        }
        return out;
    }

    /**
     * The actual values after each origin: row {@code i} is
     * {@code series[origins[i] .. origins[i] + horizon)}.
     *
     * @param series  the whole series
     * @param origins the origins, each with {@code 0 <= o} and {@code o + horizon <= series.length}
     * @param horizon how many steps ahead, {@code >= 1}
     * @return {@code [origins.length][horizon]}
     * @throws IllegalArgumentException for an origin out of range or a horizon {@code < 1}
     */
    public static double[][] actuals(double[] series, int[] origins, int horizon) {
        check(series, origins, horizon);
        double[][] out = new double[origins.length][];
        for (int i = 0; i < origins.length; i++) {
            out[i] = Arrays.copyOfRange(series, origins[i], origins[i] + horizon);
        }
        return out;
    }

    /**
     * Every origin {@code o} with {@code from <= o} and {@code o + horizon <= to}, ascending: the
     * origins whose whole horizon lies before index {@code to}. Empty when there is none.
     *
     * @param from    the first origin, {@code >= 0} (the first index forecast)
     * @param to      the end (exclusive) of the part the forecasts must stay in, for example the
     *                series length
     * @param horizon how many steps ahead, {@code >= 1}
     * @return {@code from, from+1, …, to−horizon}
     * @throws IllegalArgumentException if {@code from < 0} or {@code horizon < 1}
     */
    public static int[] origins(int from, int to, int horizon) {
        if (from < 0) {
            throw new IllegalArgumentException("backtest origins: expected a first origin >= 0, found " + from
                    + "; likely cause: an index counted from the end");
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("backtest origins: expected a horizon >= 1, found " + horizon
                    + "; likely cause: an unset horizon");
        }
        // o ∈ [from, to − horizon]
        long last = (long) to - horizon;
        int count = (int) Math.max(0, last - from + 1);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static void check(double[] series, int[] origins, int horizon) {
        if (series == null) {
            throw new IllegalArgumentException("backtest: expected a series, found none; likely cause: an unset "
                    + "column");
        }
        if (origins == null) {
            throw new IllegalArgumentException("backtest: expected origins, found none; likely cause: an unset "
                    + "argument (Backtest.origins makes them)");
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("backtest: expected a horizon >= 1, found " + horizon
                    + "; likely cause: an unset horizon");
        }
        for (int i = 0; i < origins.length; i++) {
            int o = origins[i];
            if (o < 0 || (long) o + horizon > series.length) {
                throw new IllegalArgumentException("backtest: expected origins with 0 <= o and o + " + horizon
                        + " <= " + series.length + " (the series length), found " + o + " at index " + i
                        + "; likely cause: origins made for a longer series or a shorter horizon");
            }
        }
    }
}
