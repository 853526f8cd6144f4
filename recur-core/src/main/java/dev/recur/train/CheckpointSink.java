package dev.recur.train;

import java.io.IOException;

/**
 * Where a {@link Trainer}'s checkpoints go (a run folder, see {@code dev.recur.checkpoint}). The
 * trainer calls it at the checkpoint interval and at the end of a run, and whenever validation finds
 * a new best model under {@link EarlyStopping}; it reads what to save from the trainer
 * ({@link Trainer#state()}, {@link Trainer#model()}, {@link Trainer#config()}).
 *
 * <p>The trainer calls it on its training thread only; an implementation needs no locking of its
 * own.
 */
public interface CheckpointSink {

    /**
     * Checks, before any step, that this sink can save the trainer's model (e.g. that its type is one
     * a checkpoint can record), so that a run does not fail at its first checkpoint. The default
     * accepts any.
     *
     * @param trainer the trainer the sink is given to
     * @param <A>     the array type
     * @throws IllegalArgumentException naming what this sink cannot save
     */
    default <A> void check(Trainer<A> trainer) {
    }

    /**
     * Saves the trainer's current state, replacing the previous checkpoint.
     *
     * @param trainer the trainer, between steps
     * @param <A>     the array type
     * @throws IOException if writing fails (the previous checkpoint must then stay valid)
     */
    <A> void save(Trainer<A> trainer) throws IOException;

    /**
     * Keeps the model as it is now as the best one so far.
     *
     * @param trainer the trainer, right after the validation that found it
     * @param <A>     the array type
     * @throws IOException if writing fails
     */
    <A> void saveBest(Trainer<A> trainer) throws IOException;
}
