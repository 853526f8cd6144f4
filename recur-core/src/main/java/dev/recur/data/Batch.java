package dev.recur.data;

import dev.recur.nn.Activations;
import dev.recur.nn.Tokens;
import dev.recur.nn.loss.Targets;
import dev.recur.tensor.Precision;
import java.util.Arrays;

/**
 * One batch of sequences: what a data source yields and a model consumes. Time-major and padded
 * to the longest sequence: token {@code (t, b)} is {@code tokens[t*B + b]}, feature {@code f} of
 * step {@code (t, b)} is {@code features[(t*B + b)*F + f]}; steps {@code t >= lengths[b]} are
 * padding (token 0, features 0).
 *
 * <p>A sequence is token ids, numeric features, or both (then the model concatenates the features
 * to the token embeddings). The targets are one row per sequence ({@code [B]} class ids or
 * {@code [B, O]} values) or one per step ({@code [T, B]} or {@code [T, B, O]}; padding steps hold
 * {@link Targets#IGNORE_INDEX} or 0 and do not count). Arrays are kept, not copied.
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param steps        {@code T >= 1}
 * @param batch        {@code B >= 1}
 * @param lengths      {@code [B]} in {@code 1..T}, or null when every sequence has {@code T} steps
 * @param tokens       {@code [T, B]} token ids, or null
 * @param features     {@code [T, B, F]}, or null
 * @param featureWidth {@code F}: 0 without features
 * @param targets      what the outputs are trained towards, or null (prediction)
 * @param continues    whether the sequences continue those of the previous batch, so that the
 *                     recurrent state is carried over (truncated BPTT over parallel streams)
 */
public record Batch(int steps, int batch, int[] lengths, int[] tokens, double[] features, int featureWidth,
                    Targets targets, boolean continues) {

    /**
     * Checks that the arrays match the shape.
     *
     * @param steps        {@code T}
     * @param batch        {@code B}
     * @param lengths      the lengths, or null
     * @param tokens       the token ids, or null
     * @param features     the features, or null
     * @param featureWidth {@code F}
     * @param targets      the targets, or null
     * @param continues    whether the state carries over from the previous batch
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public Batch {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("batch shape: expected T >= 1 and B >= 1, found T = " + steps
                    + ", B = " + batch);
        }
        if (tokens == null && features == null) {
            throw new IllegalArgumentException("batch: expected token ids, numeric features or both, found neither");
        }
        long rows = (long) steps * batch;
        if (tokens != null && tokens.length != rows) {
            throw new IllegalArgumentException("batch tokens: expected [T, B] = [" + steps + ", " + batch + "] = " + rows
                    + " ids, found " + tokens.length + "; likely cause: T and B do not describe the array");
        }
        if (features == null ? featureWidth != 0 : featureWidth < 1 || features.length != rows * featureWidth) {
            throw new IllegalArgumentException("batch features: expected [T, B, F] = [" + steps + ", " + batch + ", "
                    + featureWidth + "], found " + (features == null ? "none" : features.length + " values")
                    + "; likely cause: T, B and F do not describe the array");
        }
        Activations.checkLengths(lengths, steps, batch);
        if (targets != null && targets.rows() != batch && targets.rows() != rows) {
            throw new IllegalArgumentException("batch targets: expected one row per sequence (B = " + batch
                    + ") or per step (T*B = " + rows + "), found " + targets.rows()
                    + "; likely cause: targets of another batch");
        }
    }

    /**
     * A batch of token sequences.
     *
     * @param tokens  {@code [T, B]}
     * @param steps   {@code T}
     * @param batch   {@code B}
     * @param lengths the lengths, or null
     * @param targets the targets, or null
     * @return the batch
     */
    public static Batch ofTokens(int[] tokens, int steps, int batch, int[] lengths, Targets targets) {
        return new Batch(steps, batch, lengths, tokens, null, 0, targets, false);
    }

    /**
     * A batch of numeric sequences.
     *
     * @param features {@code [T, B, F]}
     * @param steps    {@code T}
     * @param batch    {@code B}
     * @param width    {@code F}
     * @param lengths  the lengths, or null
     * @param targets  the targets, or null
     * @return the batch
     */
    public static Batch ofFeatures(double[] features, int steps, int batch, int width, int[] lengths,
                                   Targets targets) {
        return new Batch(steps, batch, lengths, null, features, width, targets, false);
    }

    /**
     * The same batch marked as continuing the previous one's sequences (the state carries over).
     *
     * @return the batch
     */
    public Batch continuing() {
        return new Batch(steps, batch, lengths, tokens, features, featureWidth, targets, true);
    }

    /** The token ids as {@link Tokens} (the same array); null without tokens. */
    public Tokens tokenIds() {
        return tokens == null ? null : new Tokens(tokens, steps, batch, lengths);
    }

    /**
     * The features in a precision (a new array, rounded to nearest for float32); null without features.
     *
     * @param precision the precision
     * @param <A>       the array type
     * @return {@code [T, B, F]} with the lengths
     */
    public <A> Activations<A> features(Precision<A> precision) {
        return features == null ? null
                : Activations.sequence(precision.fromDoubles(features), steps, batch, featureWidth, lengths);
    }

    /** The length of sequence {@code b}. */
    public int length(int b) {
        return lengths == null ? steps : lengths[b];
    }

    /** The number of real (not padding) steps in the batch: {@code Σ lengths}. */
    public long validSteps() {
        if (lengths == null) {
            return (long) steps * batch;
        }
        long n = 0;
        for (int len : lengths) {
            n += len;
        }
        return n;
    }

    @Override
    public String toString() {
        return "Batch[T=" + steps + ", B=" + batch + (lengths == null ? "" : ", lengths " + Arrays.toString(lengths))
                + (tokens == null ? "" : ", tokens") + (features == null ? "" : ", " + featureWidth + " features")
                + (continues ? ", continues" : "") + "]";
    }
}
