package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;

/**
 * The checks every loss makes of its arguments, and which rows count; one place for the messages.
 * Each check throws an {@link IllegalArgumentException} of one line: what was expected, what was
 * found, the likely cause.
 */
final class LossInputs {

    private LossInputs() {
    }

    /**
     * Checks that the output and targets are given and that the gradient, if any, has the output's size.
     *
     * @param loss      the loss's name, for messages
     * @param precision the precision of the arrays
     * @param output    the output rows
     * @param targets   the targets
     * @param gradient  null, or the gradient output
     */
    static <A> void check(String loss, Precision<A> precision, Activations<A> output, Targets targets, A gradient) {
        if (precision == null || output == null || targets == null) {
            throw new IllegalArgumentException(loss + ": expected a precision, an output and targets, found "
                    + (precision == null ? "no precision" : output == null ? "no output" : "no targets"));
        }
        if (gradient != null) {
            int expected = output.rows() * output.width();
            int found = precision.kernels().length(gradient);
            if (found != expected) {
                throw new IllegalArgumentException(loss + " gradient: expected an array of the output's size ("
                        + expected + " values for " + output.describe() + "), found " + found
                        + "; likely cause: a gradient buffer sized for another batch");
            }
        }
    }

    /**
     * The class ids of {@code targets}, one per output row.
     *
     * @throws IllegalArgumentException if the targets are values, or not one per row
     */
    static int[] classIds(String loss, Targets targets, Activations<?> output) {
        if (!(targets instanceof Targets.Classes classes)) {
            throw new IllegalArgumentException(loss + " targets: expected class ids (Targets.Classes), found "
                    + targets + "; likely cause: a data set of real-valued targets given to a classification loss");
        }
        if (classes.rows() != output.rows()) {
            throw new IllegalArgumentException(loss + " targets: expected one class id per output row (N = "
                    + output.rows() + " for " + output.describe() + "), found " + classes.rows()
                    + " ids; likely cause: targets of another batch, or " + (output.perStep()
                    ? "one id per sequence for an output per step" : "one id per step for an output per sequence"));
        }
        return classes.ids();
    }

    /**
     * The values of {@code targets}, {@code [N, F]} like the output.
     *
     * @throws IllegalArgumentException if the targets are class ids, or not of the output's shape
     */
    static double[] values(String loss, Targets targets, Activations<?> output) {
        if (!(targets instanceof Targets.Values values)) {
            throw new IllegalArgumentException(loss + " targets: expected real values (Targets.Values), found "
                    + targets + "; likely cause: class ids given to a loss of values (one-hot encode them, or use "
                    + "cross_entropy)");
        }
        if (values.width() != output.width()) {
            throw new IllegalArgumentException(loss + " targets: expected width " + output.width()
                    + " (the output's width F in " + output.describe() + "), found width " + values.width()
                    + "; likely cause: a model whose output layer does not match the targets");
        }
        if (values.rows() != output.rows()) {
            throw new IllegalArgumentException(loss + " targets: expected one row per output row (N = "
                    + output.rows() + " for " + output.describe() + "), found " + values.rows()
                    + " rows; likely cause: targets of another batch, or " + (output.perStep()
                    ? "one row per sequence for an output per step" : "one row per step for an output per sequence"));
        }
        return values.values();
    }

    /**
     * Which rows count: those that are not padding (per step, {@code t >= lengths[b]}).
     *
     * @return {@code [N]} flags, or null when every row counts
     */
    static boolean[] unpadded(Activations<?> output) {
        if (!output.perStep() || output.lengths() == null) {
            return null;
        }
        int steps = output.steps();
        int batch = output.batch();
        boolean[] counted = new boolean[steps * batch];
        boolean all = true;
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                counted[t * batch + b] = output.valid(t, b);
                all &= counted[t * batch + b];
            }
        }
        return all ? null : counted;
    }

    /** The number of rows that count ({@code rows} when {@code counted} is null). */
    static int count(boolean[] counted, int rows) {
        if (counted == null) {
            return rows;
        }
        int n = 0;
        for (boolean c : counted) {
            n += c ? 1 : 0;
        }
        return n;
    }

    /**
     * Checks per-class (or per-column) weights: at least one, each finite and non-negative.
     *
     * @param what    the setting, for messages, e.g. {@code cross_entropy class_weights}
     * @param weights the weights, or null
     * @return a copy, or null
     */
    static double[] weights(String what, double[] weights) {
        if (weights == null) {
            return null;
        }
        if (weights.length == 0) {
            throw new IllegalArgumentException(what + ": expected one weight per class, found none; likely cause: "
                    + "an empty list where null (no weights) was meant");
        }
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + weights[i]
                        + ": expected a finite number >= 0; likely cause: weights computed from a class count of 0");
            }
        }
        return weights.clone();
    }

    /** Checks that weights have one entry per output column. */
    static void weightsMatch(String what, double[] weights, Activations<?> output) {
        if (weights != null && weights.length != output.width()) {
            throw new IllegalArgumentException(what + ": expected one weight per class (C = " + output.width()
                    + ", the output's width), found " + weights.length
                    + "; likely cause: weights for another number of classes");
        }
    }

    /** Overwrites the gradient, if any, with zeros. */
    static <A> void zero(Precision<A> precision, A gradient) {
        if (gradient != null) {
            precision.kernels().zero(gradient, 0, precision.kernels().length(gradient));
        }
    }

    /** Checks that a reduction is given. */
    static Reduction reduction(String loss, Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(loss + " reduction: expected mean or sum, found null");
        }
        return reduction;
    }
}
