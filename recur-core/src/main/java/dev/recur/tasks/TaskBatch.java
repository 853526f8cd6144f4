package dev.recur.tasks;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;

/**
 * A batch of labelled sequences, time-major, in float64 (converted to a model's precision by
 * {@link #sequences(Precision)}). Exactly one of {@code targets} and {@code labels} is given.
 *
 * @param inputs    {@code [T, B, I]}; values at steps {@code t >= lengths[b]} are 0
 * @param steps     {@code T}
 * @param batch     {@code B}
 * @param inputSize {@code I}
 * @param lengths   per-sequence lengths in {@code 1..T}, or null when every sequence has {@code T} steps
 * @param targets   {@code [B, K]} regression targets, or null for a classification batch
 * @param labels    {@code [B]} class ids, or null for a regression batch
 */
public record TaskBatch(double[] inputs, int steps, int batch, int inputSize, int[] lengths, double[] targets,
                        int[] labels) {

    /** Checks that the arrays match the shape; messages say what was expected and what was found. */
    public TaskBatch {
        if (steps < 1 || batch < 1 || inputSize < 1) {
            throw new IllegalArgumentException("task batch shape: expected T, B and I >= 1, found T = " + steps
                    + ", B = " + batch + ", I = " + inputSize);
        }
        long n = (long) steps * batch * inputSize;
        if (inputs == null || inputs.length != n) {
            throw new IllegalArgumentException("task batch inputs: expected [T, B, I] = [" + steps + ", " + batch + ", "
                    + inputSize + "] = " + n + " values, found " + (inputs == null ? "null" : inputs.length)
                    + "; likely cause: T, B and I do not describe the array");
        }
        if (lengths != null) {
            if (lengths.length != batch) {
                throw new IllegalArgumentException("task batch lengths: expected one per sequence (B = " + batch
                        + "), found " + lengths.length);
            }
            for (int b = 0; b < batch; b++) {
                if (lengths[b] < 1 || lengths[b] > steps) {
                    throw new IllegalArgumentException("task batch lengths[" + b + "]: expected 1.." + steps
                            + ", found " + lengths[b] + "; likely cause: T taken from a shorter sequence");
                }
            }
        }
        if ((targets == null) == (labels == null)) {
            throw new IllegalArgumentException("task batch: expected either regression targets or class labels, found "
                    + (targets == null ? "neither" : "both"));
        }
        if (targets != null && (targets.length == 0 || targets.length % batch != 0)) {
            throw new IllegalArgumentException("task batch targets: expected [B, K] with B = " + batch
                    + " and K >= 1, found " + targets.length + " values");
        }
        if (labels != null && labels.length != batch) {
            throw new IllegalArgumentException("task batch labels: expected one per sequence (B = " + batch
                    + "), found " + labels.length);
        }
    }

    /** Whether the batch carries class labels (else regression targets). */
    public boolean isClassification() {
        return labels != null;
    }

    /** {@code K}: regression targets per sequence; 1 for a classification batch. */
    public int targetWidth() {
        return targets == null ? 1 : targets.length / batch;
    }

    /** The length of sequence {@code b}. */
    public int length(int b) {
        return lengths == null ? steps : lengths[b];
    }

    /** The inputs and lengths as {@link Activations} in {@code precision} (new arrays). */
    public <A> Activations<A> sequences(Precision<A> precision) {
        return Activations.sequence(precision.fromDoubles(inputs), steps, batch, inputSize,
                lengths == null ? null : lengths.clone());
    }
}
