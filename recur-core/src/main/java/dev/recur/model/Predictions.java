package dev.recur.model;

import dev.recur.data.Batch;
import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Objects;

/**
 * Answers from a model's outputs: the most likely class of each row and its probabilities, or the
 * values a regression model outputs.
 * A row is a sequence ({@code [B, K]} outputs) or a step of a sequence ({@code [T, B, K]}, row
 * {@code t*B + b}; a padding step's answer is {@code -1}, its probabilities null).
 *
 * <p>Stateless and thread-safe on logits; the methods that take a model run it, so one call per
 * model at a time.
 */
public final class Predictions {

    private Predictions() {
    }

    /**
     * The most likely class of every row of a batch: the model run in evaluation mode (and left in
     * the mode it was in).
     *
     * @param model the model, whose outputs are logits
     * @param batch the inputs (targets are not read)
     * @param <A>   the array type
     * @return one class id per row (the first largest logit), {@code -1} at padding steps
     */
    public static <A> int[] classes(Model<A> model, Batch batch) {
        return classes(model.precision(), evaluate(model, batch));
    }

    /**
     * The probabilities of every class for every row of a batch (softmax of the logits), the model
     * run in evaluation mode.
     *
     * @param model the model, whose outputs are logits
     * @param batch the inputs
     * @param <A>   the array type
     * @return {@code [rows][K]}; null rows at padding steps
     */
    public static <A> double[][] probabilities(Model<A> model, Batch batch) {
        return probabilities(model.precision(), evaluate(model, batch));
    }

    /**
     * The outputs of a regression model for every row of a batch, the model run in evaluation mode.
     *
     * @param model the model
     * @param batch the inputs
     * @param <A>   the array type
     * @return {@code [rows][K]}; null rows at padding steps
     */
    public static <A> double[][] values(Model<A> model, Batch batch) {
        Activations<A> out = evaluate(model, batch);
        int k = out.width();
        double[][] rows = new double[out.rows()][];
        for (int r = 0; r < rows.length; r++) {
            if (valid(out, r)) {
                rows[r] = new double[k];
                for (int c = 0; c < k; c++) {
                    rows[r][c] = model.precision().get(out.values(), r * k + c);
                }
            }
        }
        return rows;
    }

    private static <A> Activations<A> evaluate(Model<A> model, Batch batch) {
        Objects.requireNonNull(model, "model");
        return model.inEvaluation(() -> model.forward(batch));
    }

    /**
     * The first largest output of every row.
     *
     * @param precision the outputs' precision
     * @param logits    the outputs
     * @param <A>       the array type
     * @return one class id per row, {@code -1} at padding steps
     */
    public static <A> int[] classes(Precision<A> precision, Activations<A> logits) {
        int k = logits.width();
        int[] out = new int[logits.rows()];
        for (int r = 0; r < out.length; r++) {
            if (!valid(logits, r)) {
                out[r] = -1;
                continue;
            }
            int best = 0;
            double max = precision.get(logits.values(), r * k);
            for (int c = 1; c < k; c++) {
                double v = precision.get(logits.values(), r * k + c);
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /**
     * The softmax of every row: {@code p_c = exp(z_c − m) / Σ_j exp(z_j − m)}, {@code m = max z}.
     *
     * @param precision the outputs' precision
     * @param logits    the outputs
     * @param <A>       the array type
     * @return {@code [rows][K]}; null rows at padding steps
     */
    public static <A> double[][] probabilities(Precision<A> precision, Activations<A> logits) {
        int k = logits.width();
        double[][] out = new double[logits.rows()][];
        for (int r = 0; r < out.length; r++) {
            if (!valid(logits, r)) {
                continue;
            }
            double[] p = new double[k];
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                p[c] = precision.get(logits.values(), r * k + c);
                m = Math.max(m, p[c]);
            }
            double s = 0;
            for (int c = 0; c < k; c++) {
                p[c] = Math.exp(p[c] - m);
                s += p[c];
            }
            for (int c = 0; c < k; c++) {
                p[c] /= s;
            }
            out[r] = p;
        }
        return out;
    }

    private static boolean valid(Activations<?> a, int row) {
        return !a.perStep() || a.valid(row / a.batch(), row % a.batch());
    }
}
