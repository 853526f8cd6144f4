package dev.recur.model;

import dev.recur.data.Batch;
import dev.recur.nn.Activations;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.loss.LossValue;
import dev.recur.nn.loss.Metric;
import dev.recur.nn.loss.MetricAccumulator;
import dev.recur.nn.loss.Targets;
import dev.recur.nn.sequence.State;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates a model on a data set: its mean loss over every counted element of every batch, and
 * its metrics. Batches that {@link Batch#continues() continue} the previous one start from the state
 * it ended in (a language model's validation streams); the others from zero. No dropout; the
 * parameters are not changed, and the model is left in the mode it was in.
 *
 * <p>The mean is {@code Σ_batches total / Σ_batches weight} ({@link LossValue#total()}): every counted
 * element weighs the same whatever the size of its batch, as the reference protocol's
 * {@code tot / cnt}.
 *
 * <p>Stateless, but it runs the model it is given: one evaluation per model at a time (a model is
 * not thread-safe), and not while it trains.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * Evaluates {@code model} on {@code batches}.
     *
     * @param model   the model
     * @param loss    the loss
     * @param batches the data, with targets
     * @param metrics the metrics to compute besides the loss (may be empty)
     * @param <A>     the array type
     * @return the mean loss, its divisor and the metrics
     * @throws IllegalArgumentException if a batch has no targets, or targets the loss cannot take
     */
    public static <A> EvalResult evaluate(Model<A> model, Loss loss, Iterable<Batch> batches, List<Metric> metrics) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(batches, "batches");
        return model.inEvaluation(() -> {
            MetricAccumulator acc = new MetricAccumulator(metrics, Targets.IGNORE_INDEX);
            State<A> state = null;
            double total = 0;
            double weight = 0;
            for (Batch b : batches) {
                if (b.targets() == null) {
                    throw new IllegalArgumentException("evaluation: expected batches with targets, found one without");
                }
                Activations<A> out = model.forward(b, b.continues() ? state : null);
                state = model.finalState();
                LossValue v = loss.compute(model.precision(), out, b.targets(), null);
                total += v.total();
                weight += v.weight();
                acc.add(model.precision(), out, b.targets());
            }
            return new EvalResult(weight == 0 ? 0 : total / weight, weight, acc.values());
        });
    }
}
