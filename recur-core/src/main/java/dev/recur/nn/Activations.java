package dev.recur.nn;

import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * What flows between layers: a batch of feature rows, either one row per step of every sequence
 * ({@code [T, B, F]}, time-major, with the sequences' lengths) or one row per sequence
 * ({@code [B, F]}). A gradient has the shape of what it is the gradient of.
 *
 * <p>Per step, row {@code t*B + b} is step {@code t} of sequence {@code b}; steps
 * {@code t >= lengths[b]} are padding: recurrent layers and pooling ignore them, and losses per step
 * do not count them. Row-wise layers (linear, activations, normalisation, dropout) map every row,
 * padding included, and keep the shape and the lengths.
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param values  {@code [T, B, F]} or {@code [B, F]}, row-major
 * @param steps   {@code T >= 1} per step; {@code 0} for one row per sequence
 * @param batch   {@code B >= 1}
 * @param width   {@code F >= 1}
 * @param lengths per step: each sequence's length in {@code 1..T}, or null when all are {@code T};
 *                per sequence: null
 * @param <A> the array type
 */
public record Activations<A>(A values, int steps, int batch, int width, int[] lengths) {

    /**
     * Checks that the array holds exactly the rows described and that the lengths fit.
     *
     * @param values  the rows
     * @param steps   {@code T}, or 0 for one row per sequence
     * @param batch   {@code B}
     * @param width   {@code F}
     * @param lengths the lengths, or null
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public Activations {
        if (steps < 0 || batch < 1 || width < 1) {
            throw new IllegalArgumentException("activations shape: expected T >= 1 (or 0 for one row per sequence), "
                    + "B >= 1 and F >= 1, found T = " + steps + ", B = " + batch + ", F = " + width);
        }
        long expected = (long) Math.max(steps, 1) * batch * width;
        int found = values == null ? -1 : Array.getLength(values);
        if (found != expected) {
            throw new IllegalArgumentException("activations: expected " + LayerShapes.shape(steps, batch, width)
                    + " = " + expected + " values, found "
                    + (values == null ? "null" : found) + "; likely cause: T, B and F do not describe the array");
        }
        if (lengths != null && steps == 0) {
            throw new IllegalArgumentException("activations lengths: expected none for one row per sequence, found "
                    + lengths.length);
        }
        checkLengths(lengths, steps, batch);
    }

    /**
     * Checks per-sequence lengths against {@code T} and {@code B}; null passes.
     *
     * @param lengths the lengths, or null
     * @param steps   {@code T}
     * @param batch   {@code B}
     * @throws IllegalArgumentException naming the first length out of {@code 1..T}, or a count other than {@code B}
     */
    public static void checkLengths(int[] lengths, int steps, int batch) {
        if (lengths == null) {
            return;
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("lengths: expected one length per sequence (B = " + batch
                    + "), found " + lengths.length + " lengths");
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException("lengths[" + b + "] = " + lengths[b] + ": expected 1..T = 1.."
                        + steps + "; likely cause: " + (lengths[b] < 1
                        ? "an empty sequence in the batch (drop it before batching)"
                        : "lengths measured on a longer sequence than the padded T"));
            }
        }
    }

    /**
     * Per-step rows of sequences that all have {@code steps} steps.
     *
     * @param values {@code [T, B, F]}
     * @param steps  {@code T}
     * @param batch  {@code B}
     * @param width  {@code F}
     * @param <A>    the array type
     * @return the activations
     */
    public static <A> Activations<A> sequence(A values, int steps, int batch, int width) {
        return new Activations<>(values, requireSteps(steps), batch, width, null);
    }

    /**
     * Per-step rows of sequences of their own lengths.
     *
     * @param values  {@code [T, B, F]}; rows past a sequence's length are padding
     * @param steps   {@code T}
     * @param batch   {@code B}
     * @param width   {@code F}
     * @param lengths {@code [B]} in {@code 1..T}, or null when all are {@code T}
     * @param <A>     the array type
     * @return the activations
     */
    public static <A> Activations<A> sequence(A values, int steps, int batch, int width, int[] lengths) {
        return new Activations<>(values, requireSteps(steps), batch, width, lengths);
    }

    /**
     * One row per sequence.
     *
     * @param values {@code [B, F]}
     * @param batch  {@code B}
     * @param width  {@code F}
     * @param <A>    the array type
     * @return the activations
     */
    public static <A> Activations<A> perSequence(A values, int batch, int width) {
        return new Activations<>(values, 0, batch, width, null);
    }

    private static int requireSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("sequence steps: expected T >= 1, found " + steps);
        }
        return steps;
    }

    /** Whether there is one row per step ({@code [T, B, F]}) rather than one per sequence. */
    public boolean perStep() {
        return steps > 0;
    }

    /** The number of rows: {@code T*B} per step, {@code B} per sequence. */
    public int rows() {
        return Math.max(steps, 1) * batch;
    }

    /** The length of sequence {@code b}: {@code lengths[b]}, or {@code T} without lengths. */
    public int length(int b) {
        return lengths == null ? steps : lengths[b];
    }

    /** Whether row {@code (t, b)} is a real step, not padding (always, per sequence). */
    public boolean valid(int t, int b) {
        return lengths == null || t < lengths[b];
    }

    /**
     * Other values in the same arrangement: the same steps, batch and lengths.
     *
     * @param newValues the rows, {@code rows() * newWidth} values
     * @param newWidth  their width
     * @return the activations
     */
    public Activations<A> with(A newValues, int newWidth) {
        return new Activations<>(newValues, steps, batch, newWidth, lengths);
    }

    /**
     * Checks that these are activations of the expected arrangement and width, e.g. at a layer's input.
     *
     * @param what    the layer and argument, for the message (e.g. {@code "linear input"})
     * @param perStep whether one row per step is expected (else one per sequence); null for either
     * @param width   the expected width, or {@code -1} for any
     * @return these activations
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public Activations<A> require(String what, Boolean perStep, int width) {
        if (perStep != null && perStep != perStep()) {
            throw new IllegalArgumentException(what + ": expected " + (perStep ? "one row per step [T, B, F]"
                    : "one row per sequence [B, F]") + ", found " + describe() + "; likely cause: "
                    + (perStep ? "a pooled output given to a layer that works over time"
                    : "a per-step output given where one vector per sequence is needed (pool it first)"));
        }
        if (width >= 0 && width != this.width) {
            throw new IllegalArgumentException(what + ": expected width F = " + width + ", found " + describe()
                    + "; likely cause: layers of mismatched sizes");
        }
        return this;
    }

    /** The shape in words, e.g. {@code [T, B, F] = [7, 3, 16] with lengths [7, 2, 5]}. */
    public String describe() {
        return LayerShapes.shape(steps, batch, width)
                + (lengths == null ? "" : " with lengths " + Arrays.toString(lengths));
    }

    @Override
    public String toString() {
        return "Activations" + describe();
    }
}
