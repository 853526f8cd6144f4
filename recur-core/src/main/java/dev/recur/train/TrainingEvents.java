package dev.recur.train;

import dev.recur.io.Checkpoint;

/** The events a {@link Trainer} reports to a {@link TrainingListener}, and its final summary. */
public final class TrainingEvents {

    private TrainingEvents() {
    }

    /**
     * One optimizer step.
     *
     * @param step          the number of steps done, this one included (from 1)
     * @param totalSteps    the step budget (0 = none)
     * @param loss          this step's mean cross-entropy, nats per character
     * @param smoothedLoss  the exponential moving average {@code 0.98·previous + 0.02·loss} (the
     *                      first step's loss at step 1), as the reference prints
     * @param learningRate  the learning rate this step used
     * @param gradNorm      the global gradient 2-norm before clipping (NaN when not clipping)
     * @param tokens        characters trained on so far: {@code step·B·seq}
     * @param trainSeconds  training time so far (without validation and checkpoints), across resumes
     * @param timeBudgetSeconds the time budget (0 = none)
     */
    public record Step(long step, long totalSteps, double loss, double smoothedLoss, double learningRate,
                       double gradNorm, long tokens, double trainSeconds, double timeBudgetSeconds) {
    }

    /**
     * One validation pass over the held-out text.
     *
     * @param step         the number of steps done
     * @param result       the loss over the validation streams
     * @param smoothedLoss the smoothed training loss at this step
     * @param tokens       characters trained on so far
     * @param trainSeconds training time so far
     * @param evalSeconds  the time this validation took
     */
    public record Validation(long step, EvalResult result, double smoothedLoss, long tokens, double trainSeconds,
                             double evalSeconds) {
    }

    /**
     * A checkpoint was written.
     *
     * @param step     the step saved
     * @param manifest the manifest written (its {@link Checkpoint.Manifest#directory()} is the run folder)
     */
    public record Saved(long step, Checkpoint.Manifest manifest) {
    }

    /** Why a training run stopped. */
    public enum StopReason {
        /** The step budget was reached. */
        STEPS,
        /** The time budget was spent. */
        TIME,
        /** {@link Trainer#requestStop()} was called. */
        REQUESTED
    }

    /**
     * The outcome of {@link Trainer#train}.
     *
     * @param steps        steps done in total (across resumes)
     * @param stepsThisRun steps done by this call
     * @param tokens       characters trained on in total
     * @param trainSeconds training time in total
     * @param validation   the last validation result (at the final step), or null if none was run
     * @param reason       why training stopped
     */
    public record Summary(long steps, long stepsThisRun, long tokens, double trainSeconds, EvalResult validation,
                          StopReason reason) {
    }
}
