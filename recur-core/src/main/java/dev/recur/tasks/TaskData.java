package dev.recur.tasks;

import dev.recur.data.Batch;
import dev.recur.data.TrainingData;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A task's endless training stream: every step a fresh batch drawn from a generator of its own, so
 * that the stream depends only on the generator's starting state. There are no epochs: every batch
 * is new ({@link #batchesPerEpoch()} is 1).
 *
 * <p>Seeking replays the draws from a new generator in the starting state, so
 * {@link #seekToStep} costs as much as drawing that many batches. Not thread-safe.
 */
public final class TaskData implements TrainingData {

    private final Task task;
    private final int batchSize;
    private final Supplier<SplittableRandom> start;
    private SplittableRandom rng;
    private long step;

    /**
     * The stream of {@code task}'s batches of {@code batchSize} sequences.
     *
     * @param task      the task
     * @param batchSize sequences per batch
     * @param start     makes a generator in the stream's starting state (the same state at every call)
     */
    public TaskData(Task task, int batchSize, Supplier<SplittableRandom> start) {
        this.task = Objects.requireNonNull(task, "task");
        TaskChecks.batch(batchSize);
        this.batchSize = batchSize;
        this.start = Objects.requireNonNull(start, "start");
        this.rng = start.get();
        TaskChecks.rng(rng);
    }

    @Override
    public Batch next() {
        step++;
        return task.sample(batchSize, rng);
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public void seekToStep(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps: expected >= 0, found " + steps);
        }
        rng = start.get();
        for (step = 0; step < steps; step++) {
            task.sample(batchSize, rng);
        }
    }

    @Override
    public int batchesPerEpoch() {
        return 1;
    }
}
