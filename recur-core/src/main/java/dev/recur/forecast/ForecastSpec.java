package dev.recur.forecast;

import dev.recur.data.table.FillPolicy;
import dev.recur.io.MapFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What a forecasting model reads and predicts, saved with it: the columns of the user's table, the
 * window of past rows each forecast sees, the horizon it forecasts, the season of the seasonal
 * baseline and how the rows are split by time. Immutable and thread-safe.
 *
 * <pre>
 * rows     0 ............ nTrain ............ nTrain+nVal ............ n
 *          |    training    |     validation     |         test        |
 * origin o: the model sees rows [o − window, o) of every input column and forecasts rows
 *           [o, o + horizon) of every target column; an origin belongs to the part that holds
 *           all the rows it forecasts
 * </pre>
 *
 * @param timeColumn         the column of time stamps (kept for reports and plots), or null
 * @param targets            the columns to forecast, at least one
 * @param covariates         further input columns (their past values only), possibly none
 * @param window             rows of history per forecast, {@code >= 1}
 * @param horizon            rows forecast at once (direct multi-output), {@code >= 1}
 * @param season             the seasonal period in rows for the seasonal baseline and MASE; 1 for none
 * @param fill               how missing cells are filled ({@link FillPolicy#NONE}: refused)
 * @param validationFraction the share of rows held out for validation (early stopping, model
 *                           selection, the prediction interval)
 * @param testFraction       the share of rows held out for the test report
 * @param intervalLevel      the nominal coverage of the prediction interval, in (0, 1)
 */
public record ForecastSpec(String timeColumn, List<String> targets, List<String> covariates, int window, int horizon,
                           int season, FillPolicy fill, double validationFraction, double testFraction,
                           double intervalLevel) {

    /**
     * Validates the fields; messages name the setting, the value and what is allowed.
     *
     * @param timeColumn         the time column, or null
     * @param targets            the targets
     * @param covariates         the covariates, or null for none
     * @param window             the window
     * @param horizon            the horizon
     * @param season             the season
     * @param fill               the fill policy, or null for none
     * @param validationFraction the validation share
     * @param testFraction       the test share
     * @param intervalLevel      the interval's coverage
     */
    public ForecastSpec {
        targets = List.copyOf(targets == null ? List.of() : targets);
        covariates = List.copyOf(covariates == null ? List.of() : covariates);
        fill = fill == null ? FillPolicy.NONE : fill;
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: expected at least one column to forecast, found none");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String c : inputColumns(targets, covariates)) {
            String role = targets.contains(c) ? "target" : "covariate";
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException(role + "s: expected column names, found an empty one");
            }
            if (c.equals(timeColumn)) {
                throw new IllegalArgumentException(role + " '" + c + "': expected a column of values, found the time "
                        + "column; likely cause: the time column given as a " + role + " (choose another, or name "
                        + "the time column with --time-column)");
            }
            if (!names.add(c)) {
                throw new IllegalArgumentException(role + " '" + c + "': expected each column once among the targets "
                        + "and covariates, found it twice; likely cause: a column given as both a target and a "
                        + "covariate");
            }
        }
        if (window < 1 || window > 100_000) {
            throw new IllegalArgumentException("window: expected 1..100000 rows, found " + window);
        }
        if (horizon < 1 || horizon > 10_000) {
            throw new IllegalArgumentException("horizon: expected 1..10000 rows, found " + horizon);
        }
        if (season < 1 || season > 100_000) {
            throw new IllegalArgumentException("season: expected 1 (none) .. 100000 rows, found " + season);
        }
        if (!(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 0.9)) {
            throw new IllegalArgumentException("validation and test fractions: expected each > 0 and together < 0.9, "
                    + "found " + validationFraction + " and " + testFraction);
        }
        if (!(intervalLevel > 0 && intervalLevel < 1)) {
            throw new IllegalArgumentException("interval level: expected a coverage strictly between 0 and 1, found "
                    + intervalLevel);
        }
    }

    private static List<String> inputColumns(List<String> targets, List<String> covariates) {
        List<String> all = new ArrayList<>(targets);
        all.addAll(covariates);
        return all;
    }

    /** The model's input columns in order: the targets, then the covariates. */
    public List<String> inputColumns() {
        return inputColumns(targets, covariates);
    }

    /** The model's outputs: {@code horizon × targets}, step-major ({@code k = step * targets + target}). */
    public int outputs() {
        return horizon * targets.size();
    }

    /**
     * Where the parts of a series of {@code n} rows begin and end.
     *
     * @param n the number of rows
     * @return the split
     * @throws IllegalArgumentException if the rows are too few for one training, one validation and
     *                                  one test origin (the message gives the least number of rows)
     */
    public Split split(int n) {
        int test = Math.max(horizon, (int) Math.round(n * testFraction));
        int validation = Math.max(horizon, (int) Math.round(n * validationFraction));
        int train = n - validation - test;
        // one training origin needs window + horizon rows; the held-out parts need horizon rows each
        int least = window + horizon + (int) Math.ceil(Math.max(horizon / validationFraction, horizon / testFraction));
        if (train < Math.max(window + horizon, 4)) {   // one training window; AR(1) fits 4 rows
            throw new IllegalArgumentException("expected at least about " + least + " rows for a window of " + window
                    + " and a horizon of " + horizon + " with " + pct(validationFraction) + " for validation and "
                    + pct(testFraction) + " for test, found " + n + " rows; likely cause: a short series, or a "
                    + "window or horizon too long for it");
        }
        if (season >= train) {
            throw new IllegalArgumentException("expected a season shorter than the " + train + " training rows (the "
                    + "seasonal naive forecast and MASE's scale look one season back), found --season " + season
                    + "; likely cause: a season in other units than rows, or a short series");
        }
        return new Split(train, train + validation, n);
    }

    private static String pct(double f) {
        return Math.round(f * 100) + "%";
    }

    /**
     * The rows of a series split by time.
     *
     * @param trainEnd      the first validation row ({@code nTrain})
     * @param validationEnd the first test row
     * @param rows          the number of rows {@code n}
     */
    public record Split(int trainEnd, int validationEnd, int rows) {
    }

    /**
     * These settings as JSON values, for the model's saved task settings.
     *
     * @return a new map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time_column", timeColumn);
        m.put("targets", targets);
        m.put("covariates", covariates);
        m.put("window", window);
        m.put("horizon", horizon);
        m.put("season", season);
        m.put("fill", fill.id());
        m.put("validation_fraction", validationFraction);
        m.put("test_fraction", testFraction);
        m.put("interval_level", intervalLevel);
        return m;
    }

    /**
     * Reads {@link #toMap()}'s form.
     *
     * @param m the map, e.g. {@code preprocessing.task.spec}
     * @return the settings
     * @throws IllegalArgumentException if a field is missing, of the wrong type or invalid
     */
    public static ForecastSpec fromMap(MapFields m) {
        return new ForecastSpec(m.has("time_column") ? m.text("time_column") : null, m.texts("targets"),
                m.texts("covariates"), m.integer("window"), m.integer("horizon"), m.integer("season"),
                FillPolicy.fromId(m.text("fill")), m.number("validation_fraction"), m.number("test_fraction"),
                m.number("interval_level"));
    }
}
