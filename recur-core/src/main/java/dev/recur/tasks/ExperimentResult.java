package dev.recur.tasks;

import dev.recur.nn.recurrent.CellKind;
import java.util.List;

/**
 * What an {@link Experiment} run produced.
 *
 * <p>Immutable and thread-safe (the evaluations are copied into an unmodifiable list).
 *
 * @param task         the task
 * @param cell         the cell trained
 * @param seed         the seed of data and initial weights
 * @param config       the hyper-parameters and budget
 * @param evaluations  every evaluation, in order; the last one is the final evaluation
 * @param solvedAtStep the step of the first evaluation that met the task's criterion, or −1
 */
public record ExperimentResult(Task task, CellKind cell, long seed, ExperimentConfig config,
                               List<Evaluation> evaluations, long solvedAtStep) {

    /** Copies the list of evaluations. */
    public ExperimentResult {
        evaluations = List.copyOf(evaluations);
        if (evaluations.isEmpty()) {
            throw new IllegalArgumentException("experiment result: expected at least one evaluation, found none");
        }
    }

    /** The final evaluation. */
    public Evaluation last() {
        return evaluations.get(evaluations.size() - 1);
    }

    /** The lowest test loss of any evaluation. */
    public double bestTestLoss() {
        double best = Double.NaN;
        for (Evaluation e : evaluations) {
            if (Double.isNaN(best) || e.testLoss() < best) {
                best = e.testLoss();
            }
        }
        return best;
    }

    /** Whether some evaluation met the task's criterion. */
    public boolean solved() {
        return solvedAtStep >= 0;
    }
}
