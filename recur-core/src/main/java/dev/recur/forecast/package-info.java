/**
 * Forecasting a user's series: {@link dev.recur.forecast.Forecasting} trains a recurrent network on
 * windows of a table's rows beside the baselines every forecast should be measured against (naive,
 * seasonal naive, drift, AR(p)), selects by validation error, calibrates a split-conformal interval,
 * and reports every method on the test rows; {@link dev.recur.forecast.ForecastModel} is the trained
 * forecaster as its run folder holds it.
 */
package dev.recur.forecast;
