package dev.recur.train;

/**
 * Receives what a {@link Trainer} does, as it happens: every step, every validation, every
 * checkpoint. The library reports only through this interface and never prints; a command line
 * turns the events into a progress bar and result lines.
 *
 * <p>Every method has an empty default, so a listener overrides only what it needs. The methods
 * run on the training thread, between steps: a slow listener slows training down (its time is
 * counted as training time only for step events).
 *
 * <p>A listener that shares data with other threads (a user interface) synchronises that itself.
 */
public interface TrainingListener {

    /** A listener that does nothing. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * Called after every step.
     *
     * @param event what the step did
     */
    default void onStep(TrainingEvents.Step event) {
    }

    /**
     * Called after every validation pass.
     *
     * @param event the validation result
     */
    default void onValidation(TrainingEvents.Validation event) {
    }

    /**
     * Called after every checkpoint written.
     *
     * @param event the step saved
     */
    default void onCheckpoint(TrainingEvents.Saved event) {
    }
}
