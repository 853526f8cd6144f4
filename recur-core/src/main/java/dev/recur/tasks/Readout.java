package dev.recur.tasks;

/** Which step of each sequence a {@link ManyToOneModel} reads its prediction from. */
public enum Readout {
    /**
     * Step {@code T−1} of the padded batch for every sequence; a batch with lengths shorter than
     * {@code T} is rejected (the recurrent output there is exactly 0).
     */
    LAST_STEP,
    /** Step {@code lengths[b]−1}, each sequence's own last step ({@code T−1} when no lengths are given). */
    AT_LENGTH
}
