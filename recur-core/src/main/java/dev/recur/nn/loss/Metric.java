package dev.recur.nn.loss;

import java.util.List;
import java.util.Objects;

/**
 * A validation metric: how a model's outputs compare with targets, accumulated over batches by
 * {@link MetricAccumulator}.
 *
 * <ul>
 *   <li>{@link #ACCURACY}: the fraction of counted rows whose first largest output is the target
 *       class;</li>
 *   <li>{@link #MACRO_F1}: the unweighted mean over classes of {@code F1 = 2·TP / (2·TP + FP + FN)},
 *       over the classes that occur in the targets or the predictions (scikit-learn's
 *       {@code f1_score(average='macro')} with {@code labels} the union of both);</li>
 *   <li>{@link #MAE}: {@code mean |p − y|} over the counted elements;</li>
 *   <li>{@link #RMSE}: {@code sqrt(mean (p − y)²)} over the counted elements.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public enum Metric {

    /** Fraction of rows predicted right (argmax, first maximum on ties). */
    ACCURACY("accuracy", true, true),

    /** Mean F1 over the classes present in the targets or the predictions. */
    MACRO_F1("macro_f1", true, true),

    /** Mean absolute error. */
    MAE("mae", false, false),

    /** Root mean squared error. */
    RMSE("rmse", false, false);

    private final String id;
    private final boolean higherIsBetter;
    private final boolean classTargets;

    Metric(String id, boolean higherIsBetter, boolean classTargets) {
        this.id = id;
        this.higherIsBetter = higherIsBetter;
        this.classTargets = classTargets;
    }

    /**
     * The metric's name, as in {@link MetricAccumulator#values()}.
     *
     * @return {@code "accuracy"}, {@code "macro_f1"}, {@code "mae"} or {@code "rmse"}
     */
    public String id() {
        return id;
    }

    /**
     * Whether a larger value is a better model.
     *
     * @return true for accuracy and macro-F1, false for the errors
     */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Whether the metric needs class ids ({@code Targets.Classes}) rather than values.
     *
     * @return true for accuracy and macro-F1, false for MAE and RMSE
     */
    public boolean classTargets() {
        return classTargets;
    }

    /**
     * The metric of a name.
     *
     * @param id {@code "accuracy"}, {@code "macro_f1"}, {@code "mae"} or {@code "rmse"}
     * @return the metric
     * @throws IllegalArgumentException for any other name
     */
    public static Metric fromId(String id) {
        for (Metric m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric: expected one of accuracy, macro_f1, mae, rmse, found "
                + (id == null ? "nothing" : "'" + id + "'") + "; likely cause: a misspelt name (names are lower case)");
    }

    /**
     * The metrics worth reporting beside a loss: accuracy and macro-F1 for a loss of class ids, MAE
     * and RMSE for a loss of values, and none for {@link BinaryCrossEntropy}: its outputs are
     * independent per-column logits of a multi-label target, so an argmax over the row (accuracy,
     * macro-F1) asks a single-label question of them, and MAE/RMSE would compare logits with
     * probabilities.
     *
     * @param loss the loss being trained
     * @return an unmodifiable list, possibly empty
     */
    public static List<Metric> defaultsFor(Loss loss) {
        Objects.requireNonNull(loss, "loss");
        if (loss instanceof BinaryCrossEntropy) {
            return List.of();
        }
        return loss.classTargets() ? List.of(ACCURACY, MACRO_F1) : List.of(MAE, RMSE);
    }
}
