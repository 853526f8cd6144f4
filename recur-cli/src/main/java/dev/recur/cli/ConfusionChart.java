package dev.recur.cli;

import dev.recur.classify.ClassificationReport;
import dev.recur.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * A confusion matrix as a PNG heat map, drawn with XChart: true class down, predicted class across,
 * each cell the count. Written atomically.
 */
final class ConfusionChart {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ConfusionChart() {
    }

    static void write(Path file, ClassificationReport report) throws IOException {
        int k = report.labels().size();
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(440, 160 + 60 * k)).height(140 + 50 * k)
                .title(String.format(java.util.Locale.ROOT, "confusion matrix (accuracy %.3f, macro-F1 %.3f)",
                        report.accuracy(), report.macroF1()))
                .xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new java.awt.Color[] {new java.awt.Color(245, 248, 255),
                new java.awt.Color(40, 90, 200)});
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                // y runs upwards: the first class on top
                cells.add(new Number[] {p, k - 1 - t, report.confusion()[t][p]});
            }
        }
        List<String> reversed = new ArrayList<>(report.labels());
        java.util.Collections.reverse(reversed);
        chart.addSeries("confusion", report.labels(), reversed, cells);
        AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG));
    }
}
