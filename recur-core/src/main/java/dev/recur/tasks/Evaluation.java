package dev.recur.tasks;

/**
 * One evaluation of an {@link Experiment} on its test set.
 *
 * <p>Immutable and thread-safe.
 *
 * @param step           optimizer steps taken so far
 * @param trainLoss      mean training loss over the steps since the previous evaluation (NaN if none
 *                       of them had a finite loss)
 * @param testLoss       mean test loss: MSE for regression, cross-entropy for classification
 * @param testAccuracy   fraction of test sequences classified right; NaN for regression
 * @param elapsedSeconds wall-clock seconds since training started, evaluations included
 * @param skippedSteps   steps skipped so far because the loss or the gradient was not finite
 * @param solved         whether this evaluation meets the task's criterion
 * @param last           whether this is the experiment's final evaluation
 */
public record Evaluation(long step, double trainLoss, double testLoss, double testAccuracy, double elapsedSeconds,
                         long skippedSteps, boolean solved, boolean last) {
}
