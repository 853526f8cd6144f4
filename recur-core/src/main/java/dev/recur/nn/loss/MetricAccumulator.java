package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Accumulates {@link Metric}s over validation batches: {@link #add} each batch, then read
 * {@link #values()}. Rows past a sequence's length (per-step outputs) and rows whose class id is
 * the ignore index do not count. Counts and sums are kept in float64 over all batches, so the
 * result is that of one batch holding every row. Not thread-safe.
 */
public final class MetricAccumulator {

    private final List<Metric> metrics;
    private final int ignoreIndex;
    private final boolean classes;
    /** Class metrics: rows counted and rows predicted right. */
    private long rows;
    private long correct;
    /** Per class: true positives, false positives, false negatives (grown to the widest output). */
    private long[] truePositive = new long[0];
    private long[] falsePositive = new long[0];
    private long[] falseNegative = new long[0];
    /** Value metrics: elements counted, Σ |p − y|, Σ (p − y)². */
    private long elements;
    private double absolute;
    private double squared;

    /**
     * An accumulator of the given metrics, all of class ids or all of values.
     *
     * @param metrics     the metrics, in the order {@link #values()} reports them; no duplicates
     * @param ignoreIndex the class id of rows that do not count (e.g. {@code Targets.IGNORE_INDEX})
     * @throws IllegalArgumentException for null, a duplicate, or metrics of both kinds of targets
     */
    public MetricAccumulator(List<Metric> metrics, int ignoreIndex) {
        if (metrics == null || metrics.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("metrics: expected a list of metrics, found " + metrics);
        }
        if (metrics.stream().distinct().count() != metrics.size()) {
            throw new IllegalArgumentException("metrics: expected each metric once, found " + ids(metrics)
                    + "; likely cause: a metric named twice");
        }
        boolean anyClass = metrics.stream().anyMatch(Metric::classTargets);
        boolean anyValue = metrics.stream().anyMatch(m -> !m.classTargets());
        if (anyClass && anyValue) {
            throw new IllegalArgumentException("metrics: expected metrics of class ids (accuracy, macro_f1) or of "
                    + "values (mae, rmse), found both in " + ids(metrics) + "; likely cause: metrics of a "
                    + "classification and a regression task in one list");
        }
        this.metrics = List.copyOf(metrics);
        this.ignoreIndex = ignoreIndex;
        this.classes = anyClass;
    }

    private static List<String> ids(List<Metric> metrics) {
        return metrics.stream().map(Metric::id).toList();
    }

    /**
     * Adds one batch.
     *
     * @param precision the precision of the output
     * @param output    one row per sequence or per step; rows past a sequence's length do not count
     * @param targets   one class id per row (class metrics) or the output's width of values per row
     * @param <A>       the array type
     * @throws IllegalArgumentException for targets of the wrong kind or shape, or a class id outside
     *                                  {@code 0..C-1} that is not the ignore index
     */
    public <A> void add(Precision<A> precision, Activations<A> output, Targets targets) {
        if (precision == null || output == null || targets == null) {
            throw new IllegalArgumentException("metrics: expected a precision, an output and targets, found "
                    + (precision == null ? "no precision" : output == null ? "no output" : "no targets"));
        }
        if (metrics.isEmpty()) {
            return;
        }
        double[] out = precision.toDoubles(output.values());
        int width = output.width();
        int n = output.rows();
        if (classes) {
            if (!(targets instanceof Targets.Classes c) || c.rows() != n) {
                throw new IllegalArgumentException("metrics " + ids(metrics) + ": expected one class id per output row ("
                        + n + " for " + output.describe() + "), found " + targets
                        + "; likely cause: targets of another batch, or values given to class metrics");
            }
            addClasses(output, out, c.ids(), width);
        } else {
            if (!(targets instanceof Targets.Values v) || v.width() != width || v.rows() != n) {
                throw new IllegalArgumentException("metrics " + ids(metrics) + ": expected " + n + " rows of "
                        + width + " values (as the output " + output.describe() + "), found " + targets
                        + "; likely cause: targets of another batch, or class ids given to value metrics");
            }
            addValues(output, out, v.values(), width);
        }
    }

    private void addClasses(Activations<?> output, double[] out, int[] ids, int width) {
        grow(width);
        int batch = output.batch();
        for (int r = 0; r < ids.length; r++) {
            if (!output.valid(r / batch, r % batch) || ids[r] == ignoreIndex) {
                continue;
            }
            int y = ids[r];
            if (y < 0 || y >= width) {
                throw new IllegalArgumentException("metrics: target id " + y + " at row " + r + ": expected a class in 0.."
                        + (width - 1) + " (C = " + width + ") or the ignore index " + ignoreIndex
                        + "; likely cause: labels encoded with more classes than the output has");
            }
            // prediction: the first largest output of the row
            int o = r * width;
            int p = 0;
            for (int j = 1; j < width; j++) {
                if (out[o + j] > out[o + p]) {
                    p = j;
                }
            }
            rows++;
            if (p == y) {
                correct++;
                truePositive[y]++;
            } else {
                falsePositive[p]++;
                falseNegative[y]++;
            }
        }
    }

    private void grow(int width) {
        if (truePositive.length < width) {
            truePositive = Arrays.copyOf(truePositive, width);
            falsePositive = Arrays.copyOf(falsePositive, width);
            falseNegative = Arrays.copyOf(falseNegative, width);
        }
    }

    private void addValues(Activations<?> output, double[] out, double[] y, int width) {
        int batch = output.batch();
        int n = y.length / width;
        for (int r = 0; r < n; r++) {
            if (!output.valid(r / batch, r % batch)) {
                continue;
            }
            for (int i = r * width; i < (r + 1) * width; i++) {
                double e = out[i] - y[i];
                absolute += Math.abs(e);
                squared += e * e;
            }
            elements += width;
        }
    }

    /**
     * The metrics over every batch added.
     *
     * @return a new map from each metric's {@link Metric#id()} to its value, in the order given;
     *         NaN for a metric over which nothing counted
     */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            m.put(metric.id(), value(metric));
        }
        return m;
    }

    private double value(Metric metric) {
        return switch (metric) {
            // accuracy = correct / rows
            case ACCURACY -> rows == 0 ? Double.NaN : (double) correct / rows;
            case MACRO_F1 -> macroF1();
            // MAE = Σ |p − y| / n
            case MAE -> elements == 0 ? Double.NaN : absolute / elements;
            // RMSE = sqrt(Σ (p − y)² / n)
            case RMSE -> elements == 0 ? Double.NaN : Math.sqrt(squared / elements);
        };
    }

    private double macroF1() {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < truePositive.length; c++) {
            // a class occurs in the targets (TP + FN > 0) or the predictions (TP + FP > 0)
            long denominator = 2 * truePositive[c] + falsePositive[c] + falseNegative[c];
            if (denominator > 0) {
                // F1_c = 2·TP / (2·TP + FP + FN)
                sum += 2.0 * truePositive[c] / denominator;
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }
}
