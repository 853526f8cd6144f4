package dev.recur.train;

import dev.recur.io.MapFields;
import dev.recur.model.EvalResult;
import dev.recur.nn.loss.Metric;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops a run when validation stops improving: after {@code patience} validations in a row
 * without a better value of {@code metric} than the best so far (lower for the loss and the error
 * metrics, higher for accuracy and F1), by more than {@code minDelta}. The best model is kept (a
 * checkpoint writes it beside the current one).
 *
 * <p>Immutable and thread-safe.
 *
 * @param metric   {@value #LOSS} or the id of a validation metric, e.g. {@code macro_f1}
 * @param patience validations without improvement before stopping, {@code >= 1}
 * @param minDelta the least change that counts as an improvement, {@code >= 0}
 */
public record EarlyStopping(String metric, int patience, double minDelta) {

    /** The metric name of the validation loss. */
    public static final String LOSS = "loss";

    /**
     * Validates the fields.
     *
     * @param metric   the metric
     * @param patience the patience
     * @param minDelta the least improvement
     */
    public EarlyStopping {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("early stopping: expected a metric (loss, accuracy, macro_f1, mae, "
                    + "rmse), found none");
        }
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping patience: expected >= 1 validations, found " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("early stopping min delta: expected a finite number >= 0, found "
                    + minDelta);
        }
    }

    /**
     * Stop after {@code patience} validations without a lower validation loss.
     *
     * @param patience the patience
     * @return the rule
     */
    public static EarlyStopping onLoss(int patience) {
        return new EarlyStopping(LOSS, patience, 0);
    }

    /**
     * The value this rule watches in a validation result: its loss, or the metric's value.
     *
     * @param result a validation result that computed {@link #metric()}
     * @return the value
     */
    public double value(EvalResult result) {
        return metric.equals(LOSS) ? result.loss() : result.metrics().get(metric);
    }

    /** Whether the watched value grows with quality: false for the loss and the error metrics. */
    public boolean higherIsBetter() {
        return !metric.equals(LOSS) && Metric.fromId(metric).higherIsBetter();
    }

    /**
     * Whether {@code value} improves on {@code best}.
     *
     * @param value          the new value
     * @param best           the best so far (NaN before the first)
     * @param higherIsBetter whether the metric grows with quality
     * @return whether it is better by more than {@link #minDelta()}
     */
    public boolean improves(double value, double best, boolean higherIsBetter) {
        if (Double.isNaN(best)) {
            return !Double.isNaN(value);
        }
        return higherIsBetter ? value > best + minDelta : value < best - minDelta;
    }

    /** The fields as JSON-compatible values. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("patience", patience);
        m.put("min_delta", minDelta);
        return m;
    }

    /**
     * Restores a rule from {@link #toMap()}.
     *
     * @param m the map
     * @return the rule
     */
    public static EarlyStopping fromMap(Map<String, ?> m) {
        MapFields f = new MapFields("training.config.early_stopping", m);
        return new EarlyStopping(f.text("metric"), f.integer("patience"), f.number("min_delta"));
    }
}
