package dev.recur.train;

import dev.recur.model.EvalResult;

/**
 * What a {@link Trainer} reports to its {@link TrainingListener}s.
 *
 * <p>The events are immutable and thread-safe: a listener may hand them to another thread.
 */
public final class TrainingEvents {

    private TrainingEvents() {
    }

    /**
     * One training step.
     *
     * @param step              the number of steps done, this one included (from 1)
     * @param totalSteps        the step budget (0 = none)
     * @param loss              this step's loss (as the loss reduces it: a mean per counted element)
     * @param smoothedLoss      the exponential moving average {@code 0.98·previous + 0.02·loss} over the
     *                          steps not skipped (the first one's loss at first), as the reference prints
     * @param learningRate      the learning rate this step used
     * @param gradNorm          the global gradient 2-norm before clipping (NaN when not clipping)
     * @param tokens            steps of sequences trained on so far (every valid step of every
     *                          sequence of every batch: characters, for a language model)
     * @param trainSeconds      training time so far (without validation and checkpoints), across resumes
     * @param timeBudgetSeconds the time budget (0 = none)
     * @param skipped           whether the step diverged and its update was skipped or rolled back
     *                          ({@link DivergencePolicy#SKIP}, {@link DivergencePolicy#ROLLBACK})
     * @param divergence        what diverged, e.g. {@code the gradient of rnn.weight_hh_l0[3, 5] = NaN},
     *                          and what was done; null for a step that did not diverge
     */
    public record Step(long step, long totalSteps, double loss, double smoothedLoss, double learningRate,
                       double gradNorm, long tokens, double trainSeconds, double timeBudgetSeconds, boolean skipped,
                       String divergence) {
    }

    /**
     * One validation pass.
     *
     * @param step         the number of steps done
     * @param result       the mean loss and the metrics over the validation data
     * @param smoothedLoss the smoothed training loss at this step
     * @param tokens       steps of sequences trained on so far
     * @param trainSeconds training time so far
     * @param evalSeconds  the time this validation took
     * @param best         whether it is the best so far by the early-stopping metric (always false
     *                     without early stopping)
     */
    public record Validation(long step, EvalResult result, double smoothedLoss, long tokens, double trainSeconds,
                             double evalSeconds, boolean best) {
    }

    /**
     * A checkpoint was written.
     *
     * @param step the step saved
     */
    public record Saved(long step) {
    }

    /** Why {@link Trainer#train} returned. */
    public enum StopReason {
        /** The step budget was reached. */
        STEPS,
        /** The epoch budget was reached. */
        EPOCHS,
        /** The time budget was reached. */
        TIME,
        /** Validation stopped improving ({@link EarlyStopping}). */
        EARLY_STOPPING,
        /** {@link Trainer#requestStop()} was called. */
        REQUESTED
    }

    /**
     * The outcome of {@link Trainer#train}.
     *
     * @param steps        steps done in total (across resumes)
     * @param stepsThisRun steps done by this call
     * @param tokens       steps of sequences trained on in total
     * @param trainSeconds training time in total
     * @param validation   the last validation result (at the final step), or null if none was run
     * @param reason       why training stopped
     * @param skipped      steps skipped in total (diverged, {@link DivergencePolicy#SKIP})
     */
    public record Summary(long steps, long stepsThisRun, long tokens, double trainSeconds, EvalResult validation,
                          StopReason reason, long skipped) {
    }
}
