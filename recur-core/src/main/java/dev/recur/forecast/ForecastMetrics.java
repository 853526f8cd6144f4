package dev.recur.forecast;

/**
 * Point-forecast accuracy measures, comparing actual values {@code a_i} with forecasts {@code f_i},
 * {@code i = 1 .. n} (Hyndman &amp; Athanasopoulos, <i>Forecasting: Principles and Practice</i>,
 * 3rd ed., §5.8; the M4 competition's definitions):
 * <ul>
 *   <li>{@link #mae}: {@code (1/n)·Σ |a_i − f_i|};</li>
 *   <li>{@link #rmse}: {@code sqrt((1/n)·Σ (a_i − f_i)²)};</li>
 *   <li>{@link #smape}: {@code (200/n)·Σ |a_i − f_i| / (|a_i| + |f_i|)}, in percent, from 0 to 200;
 *       a term whose denominator is 0 (both values 0, a perfect forecast) counts 0;</li>
 *   <li>{@link #mase}: {@code MAE / s}, where {@code s = mean |y_t − y_{t−m}|} over the training
 *       series: the in-sample error of the (seasonal) naive forecast, so that 1 means "as good as
 *       naive on the training data".</li>
 * </ul>
 * The arrays must be non-empty, of one length and finite; anything else is refused with an
 * {@link IllegalArgumentException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ForecastMetrics {

    private ForecastMetrics() {
    }

    /**
     * The mean absolute error.
     *
     * @param actual   the actual values
     * @param forecast the forecasts, as many
     * @return {@code (1/n)·Σ |a_i − f_i|}
     * @throws IllegalArgumentException for empty or mismatched arrays, or a value that is not finite
     */
    public static double mae(double[] actual, double[] forecast) {
        check("MAE", actual, forecast);
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            // |a_i − f_i|
            sum += Math.abs(actual[i] - forecast[i]);
        }
        return sum / actual.length;
    }

    /**
     * The root mean squared error.
     *
     * @param actual   the actual values
     * @param forecast the forecasts, as many
     * @return {@code sqrt((1/n)·Σ (a_i − f_i)²)}
     * @throws IllegalArgumentException for empty or mismatched arrays, or a value that is not finite
     */
    public static double rmse(double[] actual, double[] forecast) {
        check("RMSE", actual, forecast);
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            // (a_i − f_i)²
            double d = actual[i] - forecast[i];
            sum += d * d;
        }
        return Math.sqrt(sum / actual.length);
    }

    /**
     * The symmetric mean absolute percentage error, as defined for the M4 competition, in percent.
     *
     * @param actual   the actual values
     * @param forecast the forecasts, as many
     * @return {@code (200/n)·Σ |a_i − f_i| / (|a_i| + |f_i|)}, between 0 and 200; a term with
     *         {@code |a_i| + |f_i| = 0} counts 0
     * @throws IllegalArgumentException for empty or mismatched arrays, or a value that is not finite
     */
    public static double smape(double[] actual, double[] forecast) {
        check("sMAPE", actual, forecast);
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            double denominator = Math.abs(actual[i]) + Math.abs(forecast[i]);
            if (denominator > 0) {
                // |a_i − f_i| / (|a_i| + |f_i|)
                sum += Math.abs(actual[i] - forecast[i]) / denominator;
            }
        }
        // 200/n · Σ
        return 200.0 * sum / actual.length;
    }

    /**
     * The mean absolute scaled error: the MAE divided by the mean absolute error of the seasonal
     * naive forecast in the training series.
     *
     * @param actual   the actual values
     * @param forecast the forecasts, as many
     * @param training the training series the model was fitted on, oldest first, more than
     *                 {@code season} values
     * @param season   the season length {@code m} in steps; 1 for non-seasonal data
     * @return {@code MAE / s}, {@code s = (1/(N−m))·Σ_{t=m+1..N} |y_t − y_{t−m}|}
     * @throws IllegalArgumentException for empty or mismatched arrays, a value that is not finite,
     *                                  a season {@code < 1}, a training series of at most
     *                                  {@code season} values, or a scale of 0
     */
    public static double mase(double[] actual, double[] forecast, double[] training, int season) {
        check("MASE", actual, forecast);
        if (season < 1) {
            throw new IllegalArgumentException("MASE: expected a season length >= 1, found " + season
                    + "; likely cause: a season of 0 for non-seasonal data, which is 1");
        }
        if (training == null || training.length <= season) {
            throw new IllegalArgumentException("MASE: expected a training series of more than " + season
                    + " values (the season length), found " + (training == null ? "none" : training.length)
                    + "; likely cause: the forecast part given as the training series");
        }
        finite("MASE (training)", training);
        double sum = 0;
        for (int t = season; t < training.length; t++) {
            // |y_t − y_{t−m}|
            sum += Math.abs(training[t] - training[t - season]);
        }
        // s = mean |y_t − y_{t−m}|
        double scale = sum / (training.length - season);
        if (!(scale > 0)) {
            throw new IllegalArgumentException("MASE: expected a training series whose naive forecast errs, found a "
                    + "scale of " + scale + " (no change over a season anywhere); likely cause: a constant training "
                    + "series");
        }
        return mae(actual, forecast) / scale;
    }

    private static void check(String metric, double[] actual, double[] forecast) {
        if (actual == null || forecast == null || actual.length == 0 || actual.length != forecast.length) {
            throw new IllegalArgumentException(metric + ": expected as many forecasts as actual values, at least one, "
                    + "found " + (actual == null ? "none" : actual.length) + " actual and "
                    + (forecast == null ? "none" : forecast.length) + " forecast; likely cause: a forecast of "
                    + "another horizon");
        }
        finite(metric + " (actual)", actual);
        finite(metric + " (forecast)", forecast);
    }

    private static void finite(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + ": expected finite values, found " + values[i] + " at index "
                        + i + "; likely cause: a missing value, or a forecaster that diverged");
            }
        }
    }
}
