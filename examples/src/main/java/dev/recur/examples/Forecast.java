package dev.recur.examples;

import dev.recur.forecast.ForecastModel;
import dev.recur.forecast.ForecastReport;
import dev.recur.forecast.ForecastSettings;
import dev.recur.forecast.Forecasting;
import dev.recur.forecast.Series;
import dev.recur.tensor.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Forecasts the bundled Mauna Loa CO2 series 12 months ahead and prints every method's test RMSE. */
public final class Forecast {
    public static void main(String[] args) throws Exception {
        ForecastSettings settings = ForecastSettings.builder()
                .timeColumn("month").targets(List.of("co2"))
                .window(24).horizon(12).season(12)
                .epochs(60).patience(10).seed(1)
                .build();
        Series series = Series.read(Path.of("data/series/co2-monthly.csv"), settings.spec());
        Path run = Files.createTempDirectory("recur-forecast").resolve("run");
        ForecastModel<float[]> model = Forecasting.train(settings, series, run, Precision.F32);
        ForecastReport report = Forecasting.evaluate(model, series);
        System.out.println("served: " + report.method());
        report.methods().forEach((method, scores) ->
                System.out.printf("%-15s test RMSE %.3f ppm%n", method, scores.get(0).rmse()));

        // The next 12 months after the last row, with the 90% interval.
        double[][][] next = model.forecasts(series, new int[] {series.rows()});
        double[] halfWidth = model.interval(0).halfWidth();
        System.out.printf("2002-01: %.2f ± %.2f ppm%n", next[0][0][0], halfWidth[0]);
    }
}
