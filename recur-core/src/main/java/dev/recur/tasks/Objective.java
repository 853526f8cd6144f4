package dev.recur.tasks;

/** What a {@link ManyToOneModel}'s outputs mean and which loss trains them. */
public enum Objective {
    /** {@code K} real outputs per sequence, mean squared error over all {@code B·K} of them. */
    REGRESSION,
    /** {@code K} logits per sequence, mean softmax cross-entropy over the {@code B} sequences. */
    CLASSIFICATION
}
