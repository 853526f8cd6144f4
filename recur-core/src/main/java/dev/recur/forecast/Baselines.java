package dev.recur.forecast;

import java.util.Arrays;

/**
 * The simple benchmark forecasters every learned model should beat (Hyndman &amp; Athanasopoulos,
 * <i>Forecasting: Principles and Practice</i>, 3rd ed., §5.2): {@link #naive()},
 * {@link #seasonalNaive(int)} and {@link #drift()}; the fitted autoregression is {@link ArModel}.
 * With {@code y_1 .. y_T} the history and {@code h = 1 .. horizon}:
 * <ul>
 *   <li>naive: {@code ŷ_{T+h} = y_T};</li>
 *   <li>seasonal naive, season {@code m}: {@code ŷ_{T+h} = y_{T+h−m·(k+1)}},
 *       {@code k = floor((h−1)/m)}: the last observed value of the same season;</li>
 *   <li>drift: {@code ŷ_{T+h} = y_T + h·(y_T − y_1)/(T − 1)}: the line through the first and the
 *       last observation, extended.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe; so are the forecasters it returns.
 */
public final class Baselines {

    private Baselines() {
    }

    /**
     * The naive forecaster: the last value, repeated. Needs a history of at least 1 value.
     *
     * @return the forecaster, named {@code "naive"}
     */
    public static Forecaster naive() {
        return new Forecaster() {
            @Override
            public String name() {
                return "naive";
            }

            @Override
            public double[] forecast(double[] history, int horizon) {
                checkHistory(name(), history, 1, horizon, "a series split with an empty history");
                // ŷ_{T+h} = y_T
                double[] out = new double[horizon];
                Arrays.fill(out, history[history.length - 1]);
                return out;
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /**
     * The seasonal naive forecaster: each step gets the last observed value of the same season.
     * Needs a history of at least {@code season} values.
     *
     * @param season the season length {@code m >= 1} in steps (12 for monthly data with a yearly
     *               cycle); {@code 1} is {@link #naive()}
     * @return the forecaster, named {@code "seasonal naive (m=SEASON)"}
     * @throws IllegalArgumentException if {@code season < 1}
     */
    public static Forecaster seasonalNaive(int season) {
        if (season < 1) {
            throw new IllegalArgumentException("seasonal naive: expected a season length >= 1, found " + season
                    + "; likely cause: a season given in other units than steps");
        }
        String name = "seasonal naive (m=" + season + ")";
        return new Forecaster() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double[] forecast(double[] history, int horizon) {
                checkHistory(name, history, season, horizon, "a history shorter than one season");
                int t = history.length;
                double[] out = new double[horizon];
                for (int h = 1; h <= horizon; h++) {
                    // ŷ_{T+h} = y_{T+h−m·(floor((h−1)/m)+1)}, y_i at index i−1
                    int k = (h - 1) / season;
                    out[h - 1] = history[t + h - season * (k + 1) - 1];
                }
                return out;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * The drift forecaster: the last value plus {@code h} times the average change over the
     * history. Needs a history of at least 2 values.
     *
     * @return the forecaster, named {@code "drift"}
     */
    public static Forecaster drift() {
        return new Forecaster() {
            @Override
            public String name() {
                return "drift";
            }

            @Override
            public double[] forecast(double[] history, int horizon) {
                checkHistory(name(), history, 2, horizon, "a history of a single value, which has no slope");
                int t = history.length;
                // slope = (y_T − y_1) / (T − 1)
                double slope = (history[t - 1] - history[0]) / (t - 1);
                double[] out = new double[horizon];
                for (int h = 1; h <= horizon; h++) {
                    // ŷ_{T+h} = y_T + h·slope
                    out[h - 1] = history[t - 1] + h * slope;
                }
                return out;
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /**
     * Checks a forecaster's arguments: a history of at least {@code min} finite values and a
     * horizon {@code >= 1}.
     *
     * @param method the forecaster's name, for the message
     * @param history the history
     * @param min the fewest values the method needs
     * @param horizon the horizon
     * @param shortCause the likely cause of a short history, for the message
     * @throws IllegalArgumentException if a check fails
     */
    static void checkHistory(String method, double[] history, int min, int horizon, String shortCause) {
        if (history == null || history.length < min) {
            throw new IllegalArgumentException(method + ": expected a history of at least " + min
                    + (min == 1 ? " value" : " values") + ", found " + (history == null ? "none" : history.length)
                    + "; likely cause: " + shortCause);
        }
        if (horizon < 1) {
            throw new IllegalArgumentException(method + ": expected a horizon >= 1, found " + horizon
                    + "; likely cause: an unset horizon");
        }
        for (int i = 0; i < history.length; i++) {
            if (!Double.isFinite(history[i])) {
                throw new IllegalArgumentException(method + ": expected finite history values, found " + history[i]
                        + " at index " + i + "; likely cause: a missing value in the series");
            }
        }
    }
}
