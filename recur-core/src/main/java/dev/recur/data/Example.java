package dev.recur.data;

import java.util.Arrays;

/**
 * One sequence of its own length with its target: token ids {@code [T]}, numeric features
 * {@code [T, F]} (row-major), or both, and what the model should predict for it. Arrays are kept,
 * not copied.
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param tokens       {@code [T]} token ids, or null
 * @param features     {@code [T, F]}, or null
 * @param featureWidth {@code F}: 0 without features
 * @param target       the target, or null for an example only to predict
 */
public record Example(int[] tokens, double[] features, int featureWidth, Target target) {

    /** What an example's model output is trained towards. */
    public sealed interface Target permits Label, Values, StepLabels {
    }

    /**
     * One class for the whole sequence.
     *
     * @param id the class id, {@code >= 0}
     */
    public record Label(int id) implements Target {
        /**
         * Checks the id.
         *
         * @param id the class id
         */
        public Label {
            if (id < 0) {
                throw new IllegalArgumentException("label: expected a class id >= 0, found " + id);
            }
        }
    }

    /**
     * Real values for the whole sequence (regression).
     *
     * @param values the values, at least one, all finite
     */
    public record Values(double... values) implements Target {
        /**
         * Checks the values.
         *
         * @param values the values
         */
        public Values {
            if (values == null || values.length == 0) {
                throw new IllegalArgumentException("target values: expected at least one, found none");
            }
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new IllegalArgumentException("target value [" + i + "] is " + values[i]
                            + ": expected a finite number");
                }
            }
        }
    }

    /**
     * One class per step (tagging).
     *
     * @param ids one class id {@code >= 0} per step
     */
    public record StepLabels(int... ids) implements Target {
        /**
         * Checks the ids.
         *
         * @param ids the class ids
         */
        public StepLabels {
            if (ids == null || ids.length == 0) {
                throw new IllegalArgumentException("step labels: expected one per step, found none");
            }
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0) {
                    throw new IllegalArgumentException("step label [" + i + "] = " + ids[i]
                            + ": expected a class id >= 0");
                }
            }
        }
    }

    /**
     * Checks that the parts describe one sequence of one length.
     *
     * @param tokens       the token ids, or null
     * @param features     the features, or null
     * @param featureWidth {@code F}
     * @param target       the target, or null
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public Example {
        if (tokens == null && features == null) {
            throw new IllegalArgumentException("example: expected token ids, numeric features or both, found neither");
        }
        if (tokens != null && tokens.length == 0) {
            throw new IllegalArgumentException("example: expected at least one step, found an empty sequence");
        }
        if (features != null && (featureWidth < 1 || features.length == 0 || features.length % featureWidth != 0)) {
            throw new IllegalArgumentException("example features: expected [T, F] with T >= 1 and F = " + featureWidth
                    + " >= 1, found " + features.length + " values");
        }
        if (features == null && featureWidth != 0) {
            throw new IllegalArgumentException("example: a feature width of " + featureWidth + " without features");
        }
        if (tokens != null && features != null && tokens.length != features.length / featureWidth) {
            throw new IllegalArgumentException("example: expected as many feature rows as tokens (" + tokens.length
                    + "), found " + features.length / featureWidth);
        }
        int length = tokens != null ? tokens.length : features.length / featureWidth;
        if (target instanceof StepLabels s && s.ids().length != length) {
            throw new IllegalArgumentException("example step labels: expected one per step (" + length + "), found "
                    + s.ids().length);
        }
    }

    /**
     * A token sequence with one class.
     *
     * @param tokens the token ids
     * @param label  the class id
     * @return the example
     */
    public static Example ofTokens(int[] tokens, int label) {
        return new Example(tokens, null, 0, new Label(label));
    }

    /**
     * A token sequence without a target, to predict.
     *
     * @param tokens the token ids
     * @return the example
     */
    public static Example ofTokens(int[] tokens) {
        return new Example(tokens, null, 0, null);
    }

    /**
     * A token sequence with one class per token.
     *
     * @param tokens the token ids
     * @param tags   one class id per token
     * @return the example
     */
    public static Example tagged(int[] tokens, int[] tags) {
        return new Example(tokens, null, 0, new StepLabels(tags));
    }

    /**
     * A numeric sequence, one row of features per step, with its target.
     *
     * @param steps  {@code [T][F]}, every row of the same width
     * @param target the target, or null
     * @return the example
     */
    public static Example ofFeatures(double[][] steps, Target target) {
        if (steps == null || steps.length == 0 || steps[0] == null || steps[0].length == 0) {
            throw new IllegalArgumentException("example features: expected at least one step of at least one value");
        }
        int width = steps[0].length;
        double[] flat = new double[steps.length * width];
        for (int t = 0; t < steps.length; t++) {
            if (steps[t] == null || steps[t].length != width) {
                throw new IllegalArgumentException("example features: expected " + width + " values at every step, found "
                        + (steps[t] == null ? "none" : steps[t].length) + " at step " + t);
            }
            System.arraycopy(steps[t], 0, flat, t * width, width);
        }
        return new Example(null, flat, width, target);
    }

    /** The number of steps {@code T}. */
    public int length() {
        return tokens != null ? tokens.length : features.length / featureWidth;
    }

    @Override
    public String toString() {
        return "Example[T=" + length() + (tokens == null ? "" : ", tokens " + Arrays.toString(tokens))
                + (features == null ? "" : ", " + featureWidth + " features") + ", target " + target + "]";
    }
}
