package dev.recur.data;

/**
 * Where a {@link TrainingData} stream stands: the next batch it returns is batch {@code index} of
 * epoch {@code epoch}. A stable, checkpointable form (two numbers).
 *
 * <p>Immutable and thread-safe.
 *
 * @param epoch the epoch, from 0
 * @param index the batch's index within the epoch, from 0
 */
public record Position(long epoch, int index) {

    /** The start: batch 0 of epoch 0. */
    public static final Position START = new Position(0, 0);

    /**
     * Validates the numbers.
     *
     * @param epoch the epoch, from 0
     * @param index the batch index within the epoch, from 0
     * @throws IllegalArgumentException if either is negative
     */
    public Position {
        if (epoch < 0 || index < 0) {
            throw new IllegalArgumentException("batch position: expected epoch >= 0 and index >= 0, found epoch "
                    + epoch + ", index " + index);
        }
    }

    /**
     * The position after {@code steps} batches from the start, with {@code perEpoch} batches an epoch.
     *
     * @param steps    batches served, {@code >= 0}
     * @param perEpoch batches per epoch, {@code >= 1}
     * @return the position
     */
    public static Position afterSteps(long steps, int perEpoch) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps: expected >= 0, found " + steps);
        }
        return new Position(steps / perEpoch, (int) (steps % perEpoch));
    }
}
