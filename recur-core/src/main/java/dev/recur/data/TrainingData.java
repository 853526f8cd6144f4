package dev.recur.data;

/**
 * The batches a model trains on: an endless, deterministic stream, epoch after epoch, whose
 * position is a function of the number of batches served, so that a resumed run sees exactly the
 * batches an uninterrupted one would have.
 *
 * <p>Implementations: {@link StreamBatcher} (parallel streams of one long text for truncated BPTT,
 * each batch continuing the previous one's sequences), {@link ExampleBatches} (labelled sequences
 * of their own lengths, shuffled per epoch), and the generated tasks of {@code dev.recur.tasks}.
 * Not thread-safe.
 */
public interface TrainingData {

    /**
     * Returns the next batch and advances.
     *
     * @return the batch; {@link Batch#continues()} says whether it continues the previous one's sequences
     */
    Batch next();

    /** The number of batches served since the start (the trainer's step count). */
    long step();

    /**
     * Moves to the position after {@code steps} batches from the start, so that {@link #next()}
     * returns what the {@code steps + 1}-th call would have.
     *
     * @param steps batches already served, {@code >= 0}
     */
    void seekToStep(long steps);

    /** The position of the batch {@link #next()} returns. */
    default Position position() {
        return Position.afterSteps(step(), batchesPerEpoch());
    }

    /** The number of batches in one epoch (one pass over the data). */
    int batchesPerEpoch();

    /**
     * Whether a batch may {@link Batch#continues() continue} the sequences of the one before, so that the
     * trainer keeps the recurrent state a batch ends in for the next (and a checkpoint saves it).
     *
     * @return false unless the stream serves parallel streams of one long sequence
     */
    default boolean carriesState() {
        return false;
    }
}
