package dev.recur.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts drawn with XChart, headless: line charts (optionally with a logarithmic y axis) and
 * stacks of heat maps. Each method returns the PNG's bytes; the caller writes the file.
 */
final class ExperimentCharts {

    static {
        // charts are drawn off-screen; no display is needed or wanted
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Columns a heat map shows at most; longer sequences are averaged over consecutive steps. */
    static final int MAX_HEAT_COLUMNS = 100;

    /** Line styles by index: solid, dashed, dotted, dash-dotted (then again). */
    private static final BasicStroke[] STROKES = {
        new BasicStroke(2f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 4f}, 0f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 4f, 2f, 4f}, 0f),
    };

    private ExperimentCharts() {
    }

    /**
     * One line of a line chart.
     *
     * @param name   the legend entry
     * @param x      x values
     * @param y      y values (points with a non-finite value, or a value {@code <= 0} on a log axis, are left out)
     * @param style  the line style: 0 solid, 1 dashed, 2 dotted, 3 dash-dotted (and so on, cyclically)
     * @param color  its colour, or null for the theme's next one
     */
    record Line(String name, double[] x, double[] y, int style, Color color) {
    }

    /**
     * A heat map: {@code values[row][column]}, drawn with row 0 at the bottom.
     *
     * @param title   the chart title
     * @param values  {@code [rows][columns]}
     * @param columns the x label of each column
     * @param xTitle  the x axis title
     * @param yTitle  the y axis title
     */
    record HeatMap(String title, double[][] values, int[] columns, String xTitle, String yTitle) {
    }

    /** The colour recur draws a cell in, so that every chart shows a cell in the same colour. */
    static Color cellColor(String cell) {
        return switch (cell) {
            case "lstm" -> new Color(0x1f77b4);
            case "gru" -> new Color(0x2ca02c);
            case "rnn_tanh", "rnn" -> new Color(0xd62728);
            default -> new Color(0x9467bd);
        };
    }

    /** A line chart as PNG bytes. */
    static byte[] lines(String title, String xTitle, String yTitle, boolean logY, List<Line> lines, int width,
                        int height) throws IOException {
        return png(lineChart(title, xTitle, yTitle, logY, lines, width, height));
    }

    /** Several line charts stacked vertically in one PNG. */
    static byte[] stacked(List<XYChart> charts, int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(charts, charts.size(), 1, bytes, BitmapFormat.PNG);
        return bytes.toByteArray();
    }

    /** A line chart. */
    static XYChart lineChart(String title, String xTitle, String yTitle, boolean logY, List<Line> lines, int width,
                             int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        boolean any = false;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Line l : lines) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < l.x().length; i++) {
                double y = l.y()[i];
                if (Double.isFinite(y) && Double.isFinite(l.x()[i]) && (!logY || y > 0)) {
                    xs.add(l.x()[i]);
                    ys.add(y);
                    min = Math.min(min, Math.abs(y));
                    max = Math.max(max, Math.abs(y));
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            any = true;
            XYSeries s = chart.addSeries(l.name(), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            if (l.color() != null) {
                s.setLineColor(l.color());
            }
            s.setLineStyle(STROKES[Math.floorMod(l.style(), STROKES.length)]);
        }
        if (logY) {
            // labels between the decades only when the curves span less than two decades, so that
            // a curve within one decade still has a scale and a curve over many stays readable
            chart.getStyler().setYAxisLogarithmicDecadeOnly(!(any && max < 100 * min));
        }
        if (!any) {
            // XChart cannot draw an empty chart; an invisible point keeps the axes
            XYSeries s = chart.addSeries("(no finite values)", new double[] {0}, new double[] {1});
            s.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** Heat maps stacked vertically in one PNG, each {@code width x height} pixels. */
    static byte[] heatMaps(List<HeatMap> maps, int width, int height) throws IOException {
        List<HeatMapChart> charts = new ArrayList<>();
        for (HeatMap m : maps) {
            charts.add(heatMapChart(m, width, height));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(charts, charts.size(), 1, bytes, BitmapFormat.PNG);
        return bytes.toByteArray();
    }

    private static HeatMapChart heatMapChart(HeatMap m, int width, int height) {
        int rows = m.values().length;
        int cols = m.columns().length;
        // average consecutive columns so that at most MAX_HEAT_COLUMNS remain
        int group = Math.max(1, (cols + MAX_HEAT_COLUMNS - 1) / MAX_HEAT_COLUMNS);
        int shown = (cols + group - 1) / group;
        List<Integer> xs = new ArrayList<>();
        for (int c = 0; c < shown; c++) {
            xs.add(m.columns()[c * group]);
        }
        List<Integer> ys = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            ys.add(r);
        }
        List<Number[]> heat = new ArrayList<>();
        for (int c = 0; c < shown; c++) {
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                int n = 0;
                for (int k = c * group; k < Math.min(cols, (c + 1) * group); k++) {
                    double v = m.values()[r][k];
                    if (Double.isFinite(v)) {
                        sum += v;
                        n++;
                    }
                }
                if (n > 0) {
                    heat.add(new Number[] {c, r, sum / n});
                }
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(m.title())
                .xAxisTitle(m.xTitle()).yAxisTitle(m.yTitle()).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        chart.getStyler().setRangeColors(new Color[] {new Color(0x30123b), new Color(0x1ae4b6), new Color(0xfaba39),
            new Color(0x7a0403)});
        chart.getStyler().setShowValue(false);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setXAxisMaxLabelCount(12);
        chart.getStyler().setYAxisTicksVisible(rows <= 32);
        chart.getStyler().setLegendVisible(true);
        if (heat.isEmpty()) {
            heat.add(new Number[] {0, 0, 0});
        }
        chart.addSeries("mean gate value", xs, ys, heat);
        return chart;
    }

    private static byte[] png(XYChart chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    }
}
