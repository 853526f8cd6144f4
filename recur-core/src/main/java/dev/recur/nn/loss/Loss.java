package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Map;

/**
 * A loss function: how far a model's output rows are from their {@link Targets}, and the gradient
 * of that with respect to the output. Each is exactly its PyTorch 1.13 namesake; all are immutable,
 * validated on construction, and give the same result on any thread count.
 *
 * <p>Thread-safe: a loss keeps no state between calls, so one instance may serve several threads.
 */
public sealed interface Loss permits CrossEntropy, BinaryCrossEntropy, MeanSquaredError, L1Loss, HuberLoss {

    /**
     * The loss's name, as in {@link #toMap()}.
     *
     * @return {@code "cross_entropy"}, {@code "binary_cross_entropy_with_logits"}, {@code "mse"},
     *         {@code "l1"} or {@code "huber"}
     */
    String name();

    /**
     * How the per-row or per-element terms are reduced to one number.
     *
     * @return the reduction
     */
    Reduction reduction();

    /**
     * Whether targets are class ids (cross-entropy) or values (the others).
     *
     * @return true for {@link Targets.Classes}, false for {@link Targets.Values}
     */
    boolean classTargets();

    /**
     * The loss of output rows against targets.
     *
     * @param precision the precision of the arrays
     * @param output    one row per sequence {@code [B, C]}, or per step {@code [T, B, C]} where rows
     *                  past a sequence's length do not count (as if ignored); not modified
     * @param targets   one class id or {@code C} values per output row; targets of rows that do not
     *                  count are not read
     * @param gradient  null, or an array of the output's size, OVERWRITTEN with
     *                  {@code d(value)/d(output)} (exactly 0 at rows that do not count)
     * @param <A>       the array type
     * @return the value as reduced and how much the batch counts; if no row counts, value 0 and
     *         weight 0, and the gradient is all 0
     * @throws IllegalArgumentException for targets of the wrong kind or shape, a target outside its
     *                                  domain, or a gradient of the wrong size (one line naming
     *                                  expected, found and the likely cause)
     */
    <A> LossValue compute(Precision<A> precision, Activations<A> output, Targets targets, A gradient);

    /**
     * The loss as JSON-compatible values: {@code name}, {@code reduction} ({@code "mean"} or
     * {@code "sum"}), then its own settings, each under PyTorch's argument name.
     *
     * @return a new map, which {@link #fromMap} turns back into an equal loss
     */
    Map<String, Object> toMap();

    /**
     * Restores a loss from {@link #toMap()}.
     *
     * @param map {@code name}, {@code reduction} and exactly the loss's settings (a weight list may be null)
     * @return the loss
     * @throws IllegalArgumentException for an unknown name, or a missing, unknown or invalid setting
     *                                  (naming it)
     */
    static Loss fromMap(Map<String, ?> map) {
        if (map == null) {
            throw new IllegalArgumentException("loss: expected a map of settings, found null");
        }
        Object name = map.get("name");
        switch (String.valueOf(name)) {
            case CrossEntropy.NAME -> {
                LossSettings s = new LossSettings(CrossEntropy.NAME, map, "class_weights", "label_smoothing",
                        "ignore_index");
                return new CrossEntropy(s.weights("class_weights"), s.number("label_smoothing"),
                        s.integer("ignore_index"), s.reduction());
            }
            case BinaryCrossEntropy.NAME -> {
                LossSettings s = new LossSettings(BinaryCrossEntropy.NAME, map, "pos_weight");
                return new BinaryCrossEntropy(s.weights("pos_weight"), s.reduction());
            }
            case MeanSquaredError.NAME -> {
                return new MeanSquaredError(new LossSettings(MeanSquaredError.NAME, map).reduction());
            }
            case L1Loss.NAME -> {
                return new L1Loss(new LossSettings(L1Loss.NAME, map).reduction());
            }
            case HuberLoss.NAME -> {
                LossSettings s = new LossSettings(HuberLoss.NAME, map, "delta");
                return new HuberLoss(s.number("delta"), s.reduction());
            }
            default -> throw new IllegalArgumentException("loss: expected a name among " + CrossEntropy.NAME + ", "
                    + BinaryCrossEntropy.NAME + ", " + MeanSquaredError.NAME + ", " + L1Loss.NAME + ", "
                    + HuberLoss.NAME + ", found " + (name == null ? "none" : "'" + name + "'")
                    + "; likely cause: a misspelt name, or a configuration written by a newer version");
        }
    }
}
