package dev.recur.cli;

import dev.recur.forecast.ForecastModel;
import dev.recur.forecast.ForecastReport;
import dev.recur.forecast.Forecasting;
import dev.recur.forecast.Series;
import dev.recur.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A forecaster's test rows as a PNG, drawn with XChart: the series (its last rows before the test
 * rows and the test rows), the served method's one-step forecasts at every test origin with their
 * interval, and the whole horizon forecast from the last origin. The first target only. Written
 * atomically.
 */
final class ForecastChart {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ForecastChart() {
    }

    static void write(Path file, ForecastModel<?> fm, Series series, ForecastReport report) throws IOException {
        int[] origins = Forecasting.testOrigins(fm.spec(), report.split());
        double[][][] f = fm.forecasts(series, origins);
        double[] hw = fm.interval(0).halfWidth();
        String target = fm.spec().targets().get(0);
        int testRows = report.split().rows() - report.split().validationEnd();
        int from = Math.max(0, report.split().validationEnd() - 2 * testRows);
        XYChart chart = new XYChartBuilder().width(1000).height(520)
                .title(target + ": test forecasts of " + fm.method() + " with the "
                        + Math.round(100 * fm.spec().intervalLevel()) + "% interval")
                .xAxisTitle("row" + (series.times() != null ? " (" + series.time(from) + " = " + from + ")" : ""))
                .yAxisTitle(target).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int t = from; t < series.rows(); t++) {
            xs.add((double) t);
            ys.add(series.values()[0][t]);
        }
        XYSeries actual = chart.addSeries("actual", xs, ys);
        actual.setMarker(SeriesMarkers.NONE);
        actual.setLineColor(java.awt.Color.DARK_GRAY);
        List<Double> ox = new ArrayList<>();
        List<Double> oy = new ArrayList<>();
        List<Double> lo = new ArrayList<>();
        List<Double> hi = new ArrayList<>();
        for (int i = 0; i < origins.length; i++) {
            ox.add((double) origins[i]);
            oy.add(f[0][i][0]);
            lo.add(f[0][i][0] - hw[0]);
            hi.add(f[0][i][0] + hw[0]);
        }
        chart.addSeries("interval (1 step)", ox, hi).setMarker(SeriesMarkers.NONE)
                .setLineColor(new java.awt.Color(120, 160, 230));
        chart.addSeries(" ", ox, lo).setMarker(SeriesMarkers.NONE).setLineColor(new java.awt.Color(120, 160, 230))
                .setShowInLegend(false);
        chart.addSeries(fm.method() + " (1 step ahead)", ox, oy).setMarker(SeriesMarkers.NONE)
                .setLineColor(new java.awt.Color(20, 80, 200));
        int h = fm.spec().horizon();
        if (h > 1 && origins.length > 0) {
            int last = origins.length - 1;
            List<Double> hx = new ArrayList<>();
            List<Double> hy = new ArrayList<>();
            for (int s = 0; s < h; s++) {
                hx.add((double) (origins[last] + s));
                hy.add(f[0][last][s]);
            }
            chart.addSeries(fm.method() + " (" + h + " steps from row " + origins[last] + ")", hx, hy)
                    .setMarker(SeriesMarkers.CIRCLE).setLineColor(new java.awt.Color(200, 60, 30));
        }
        AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG));
    }
}
