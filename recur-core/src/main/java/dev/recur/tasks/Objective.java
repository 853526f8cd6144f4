package dev.recur.tasks;

import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.loss.MeanSquaredError;
import dev.recur.nn.loss.Metric;
import dev.recur.nn.loss.Reduction;
import java.util.List;

/**
 * What a {@link Task}'s model outputs mean, which loss trains them and what a test measures.
 *
 * <p>Immutable and thread-safe.
 */
public enum Objective {
    /** {@code K} real outputs per sequence, mean squared error over all {@code B·K} of them. */
    REGRESSION,
    /** {@code K} logits per sequence, mean softmax cross-entropy over the {@code B} sequences. */
    CLASSIFICATION;

    /** The loss: mean squared error, or mean cross-entropy. */
    public Loss loss() {
        return this == REGRESSION ? new MeanSquaredError(Reduction.MEAN) : CrossEntropy.mean();
    }

    /** What a test measures besides the loss: the accuracy of a classification. */
    public List<Metric> metrics() {
        return this == REGRESSION ? List.of() : List.of(Metric.ACCURACY);
    }
}
