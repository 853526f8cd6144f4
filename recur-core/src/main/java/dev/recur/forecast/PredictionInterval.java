package dev.recur.forecast;

import java.util.Arrays;

/**
 * A symmetric prediction interval around point forecasts, one half-width per horizon step:
 * the interval of step {@code h} is {@code forecast ± halfWidth[h−1]}. {@link #fromResiduals}
 * calibrates it on validation residuals by the split-conformal rule (Vovk, Gammerman &amp; Shafer;
 * Lei et al. 2018, "Distribution-free predictive inference for regression"): if the validation
 * residuals and a future one are exchangeable, the future actual lies inside with probability at
 * least {@code level} (for {@code level <= n/(n+1)}, {@code n} the number of validation origins).
 * {@link #coverage} measures how often it did.
 *
 * <p>Immutable and thread-safe (the half-widths are copied in and out).
 *
 * @param level     the nominal coverage, in {@code (0, 1)}, for example 0.9
 * @param halfWidth {@code [H]}: the half-width at each horizon step, finite, {@code >= 0}
 */
public record PredictionInterval(double level, double[] halfWidth) {

    /**
     * Checks the level and the half-widths; keeps a copy.
     *
     * @param level     the nominal coverage
     * @param halfWidth the half-widths, at least one
     * @throws IllegalArgumentException for a level outside {@code (0, 1)}, no half-widths, or one
     *                                  that is negative or not finite
     */
    public PredictionInterval {
        checkLevel(level);
        if (halfWidth == null || halfWidth.length == 0) {
            throw new IllegalArgumentException("prediction interval: expected one half-width per horizon step, at least "
                    + "one, found none; likely cause: a horizon of 0");
        }
        for (int h = 0; h < halfWidth.length; h++) {
            if (!(halfWidth[h] >= 0) || Double.isInfinite(halfWidth[h])) {
                throw new IllegalArgumentException("prediction interval: expected finite half-widths >= 0, found "
                        + halfWidth[h] + " at step " + (h + 1) + "; likely cause: a residual that is not finite");
            }
        }
        halfWidth = halfWidth.clone();
    }

    /**
     * Calibrates the half-widths on validation residuals, step by step. With {@code n} forecast
     * origins, {@code halfWidth[h]} is the {@code k}-th smallest of the {@code n} absolute residuals
     * {@code |residuals[i][h]|}, where {@code k = ⌈level·(n+1)⌉} capped at {@code n}: the
     * split-conformal quantile. (For {@code level <= n/(n+1)} the cap does not apply and the
     * coverage guarantee holds; above it the largest residual is used and the guarantee is lost
     * for lack of data.) The product {@code level·(n+1)} is taken as an integer when it is one within a relative
     * {@code 1e-9}, so that floating-point error in, say, {@code 0.07·100} does not move {@code k}.
     *
     * @param residuals {@code [n][H]}: {@code residuals[i][h]} = actual − forecast of origin {@code i}
     *                  at step {@code h+1}, on validation data; at least one origin, every row of one
     *                  length {@code H >= 1}, finite
     * @param level     the nominal coverage, in {@code (0, 1)}
     * @return the interval
     * @throws IllegalArgumentException for a level outside {@code (0, 1)}, no residuals, rows of
     *                                  different lengths, or a residual that is not finite
     */
    public static PredictionInterval fromResiduals(double[][] residuals, double level) {
        checkLevel(level);
        int horizon = checkGrid("residuals", residuals, -1);
        int n = residuals.length;
        // k = min(⌈level·(n+1)⌉, n), 1-based
        double x = level * (n + 1);
        double nearest = Math.rint(x);
        long k = Math.abs(x - nearest) <= 1e-9 * x ? (long) nearest : (long) Math.ceil(x);
        int rank = (int) Math.max(1, Math.min(k, n));
        double[] halfWidth = new double[horizon];
        double[] column = new double[n];
        for (int h = 0; h < horizon; h++) {
            for (int i = 0; i < n; i++) {
                column[i] = Math.abs(residuals[i][h]);
            }
            Arrays.sort(column);
            halfWidth[h] = column[rank - 1];
        }
        return new PredictionInterval(level, halfWidth);
    }

    /**
     * The fraction of (origin, step) pairs whose actual value lies inside the interval:
     * {@code |actual[i][h] − forecast[i][h]| <= halfWidth[h]}, the bounds included.
     *
     * @param actual   {@code [n][H]}: the actual values per origin and step, {@code H} this
     *                 interval's horizon
     * @param forecast {@code [n][H]}: the point forecasts, same shape
     * @return the covered fraction, in {@code [0, 1]}
     * @throws IllegalArgumentException for no origins, shapes that differ from each other or from
     *                                  {@code [n][H]}, or a value that is not finite
     */
    public double coverage(double[][] actual, double[][] forecast) {
        int horizon = halfWidth.length;
        checkGrid("actual", actual, horizon);
        checkGrid("forecast", forecast, horizon);
        if (actual.length != forecast.length) {
            throw new IllegalArgumentException("coverage: expected as many forecast origins as actual ones, found "
                    + forecast.length + " and " + actual.length + "; likely cause: backtests over other origins");
        }
        long inside = 0;
        for (int i = 0; i < actual.length; i++) {
            for (int h = 0; h < horizon; h++) {
                // covered ⇔ |a − f| ≤ w_h
                if (Math.abs(actual[i][h] - forecast[i][h]) <= halfWidth[h]) {
                    inside++;
                }
            }
        }
        return (double) inside / ((long) actual.length * horizon);
    }

    /**
     * The horizon the interval covers.
     *
     * @return the number of half-widths
     */
    public int horizon() {
        return halfWidth.length;
    }

    /** The half-widths, one per horizon step (a copy). */
    @Override
    public double[] halfWidth() {
        return halfWidth.clone();
    }

    /**
     * Equal to another interval of the same level and half-widths (compared by value).
     *
     * @param o the other object
     * @return whether it is an equal interval
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof PredictionInterval p && Double.compare(level, p.level) == 0
                && Arrays.equals(halfWidth, p.halfWidth);
    }

    /** A hash of the level and the half-widths' values. */
    @Override
    public int hashCode() {
        return 31 * Double.hashCode(level) + Arrays.hashCode(halfWidth);
    }

    @Override
    public String toString() {
        return "PredictionInterval[level " + level + ", halfWidth " + Arrays.toString(halfWidth) + "]";
    }

    private static void checkLevel(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("prediction interval: expected a level in (0, 1), found " + level
                    + "; likely cause: a level given in percent (0.9, not 90)");
        }
    }

    /** Checks a non-empty {@code [n][H]} grid of finite values; {@code horizon < 0} takes H from row 0. */
    private static int checkGrid(String what, double[][] grid, int horizon) {
        if (grid == null || grid.length == 0) {
            throw new IllegalArgumentException(what + ": expected at least one forecast origin, found none; "
                    + "likely cause: no backtest origins in the validation part");
        }
        int h = horizon < 0 ? (grid[0] == null ? 0 : grid[0].length) : horizon;
        if (h < 1) {
            throw new IllegalArgumentException(what + ": expected at least one horizon step per origin, found none; "
                    + "likely cause: a horizon of 0");
        }
        for (int i = 0; i < grid.length; i++) {
            if (grid[i] == null || grid[i].length != h) {
                throw new IllegalArgumentException(what + ": expected " + h + " steps for every origin, found "
                        + (grid[i] == null ? "none" : grid[i].length) + " for origin " + i
                        + "; likely cause: forecasts of another horizon");
            }
            for (int j = 0; j < h; j++) {
                if (!Double.isFinite(grid[i][j])) {
                    throw new IllegalArgumentException(what + ": expected finite values, found " + grid[i][j]
                            + " for origin " + i + " step " + (j + 1) + "; likely cause: a missing value, or a "
                            + "forecaster that diverged");
                }
            }
        }
        return h;
    }
}
