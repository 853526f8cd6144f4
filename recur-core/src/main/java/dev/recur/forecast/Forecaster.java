package dev.recur.forecast;

/**
 * A point forecaster of one univariate series: given the values observed so far, the next
 * {@code horizon} values. A multivariate data set is forecast one target column at a time, with one
 * forecaster per column.
 *
 * <p>Each method needs a minimum number of past values and refuses a shorter history with an
 * {@link IllegalArgumentException} whose message names the method:
 * <ul>
 *   <li>{@link Baselines#naive()}: at least 1 value;</li>
 *   <li>{@link Baselines#seasonalNaive(int) seasonal naive} with season {@code m}: at least
 *       {@code m} values;</li>
 *   <li>{@link Baselines#drift()}: at least 2 values (the slope needs two points);</li>
 *   <li>{@link ArModel AR(p)}: at least {@code p} values (the lags of the first forecast).</li>
 * </ul>
 * Every method also refuses a horizon {@code < 1} and a history with a value that is not finite.
 * A forecaster never modifies the history it is given.
 *
 * <p>The forecasters of recur ({@link ArModel} and the {@link Baselines}) are immutable and
 * thread-safe; one's own should be too, so that it may be shared between threads.
 */
public interface Forecaster {

    /**
     * The method's name, as used in messages and reports.
     *
     * @return for example {@code "naive"}, {@code "seasonal naive (m=12)"}, {@code "drift"} or
     *         {@code "AR(3)"}
     */
    String name();

    /**
     * The forecasts of the {@code horizon} values that follow {@code history}.
     *
     * @param history the observed values, oldest first: {@code y_1 .. y_T}; not modified
     * @param horizon how many steps ahead, {@code >= 1}
     * @return {@code [horizon]}: element {@code h-1} is the forecast of {@code y_{T+h}}
     * @throws IllegalArgumentException if the history is shorter than the method needs (see the
     *                                  class comment), has a value that is not finite, or the
     *                                  horizon is {@code < 1}
     */
    double[] forecast(double[] history, int horizon);
}
