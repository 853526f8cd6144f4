package dev.recur.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.recur.io.AtomicFiles;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The loss curve of a training run as a PNG, drawn with XChart: the smoothed training loss and the
 * validation loss (nats per character) against the step. Written atomically.
 */
final class LossChart {

    /** At most this many points of the training curve are drawn (evenly thinned). */
    private static final int MAX_POINTS = 2000;

    static {
        // No display is needed to draw into an image.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LossChart() {
    }

    /**
     * Draws the chart and writes it.
     *
     * @param file       the PNG file to create or replace
     * @param title      the chart title
     * @param trainLoss  the loss of every step, step 1 first
     * @param validation pairs {@code (step, loss)}
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, String title, double[] trainLoss, double[][] validation) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title)
                .xAxisTitle("step").yAxisTitle("loss (nats/char)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        if (trainLoss.length > 0) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            // An exponential moving average (0.98), bias-corrected so that the first steps are not
            // pulled towards zero: run_k / (1 - 0.98^k).
            double run = 0;
            double weight = 1;
            int stride = Math.max(1, (trainLoss.length + MAX_POINTS - 1) / MAX_POINTS);
            for (int i = 0; i < trainLoss.length; i++) {
                run = 0.98 * run + 0.02 * trainLoss[i];
                weight *= 0.98;
                if (i % stride == 0 || i == trainLoss.length - 1) {
                    xs.add((double) (i + 1));
                    ys.add(run / (1 - weight));
                }
            }
            XYSeries s = chart.addSeries("train (smoothed)", xs, ys);
            s.setMarker(SeriesMarkers.NONE);
        }
        if (validation.length > 0) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (double[] p : validation) {
                xs.add(p[0]);
                ys.add(p[1]);
            }
            XYSeries s = chart.addSeries("validation", xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (trainLoss.length == 0 && validation.length == 0) {
            chart.addSeries("train (smoothed)", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
        AtomicFiles.writeBytes(file, png);
    }
}
