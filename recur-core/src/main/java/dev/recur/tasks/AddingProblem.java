package dev.recur.tasks;

import dev.recur.data.Batch;
import dev.recur.nn.loss.Targets;
import java.util.SplittableRandom;

/**
 * The adding problem in its modern form (the original LSTM paper, 1997, experiment 4, as
 * simplified in the identity-initialised-RNN (2015) and unitary-RNN (2016) benchmarks).
 *
 * <p>Each step has two inputs: a value drawn from U[0, 1) and a marker. Exactly two steps are
 * marked (marker 1, elsewhere 0): one drawn uniformly from the first half {@code [0, ⌊T/2⌋)} and
 * one from the second half {@code [⌊T/2⌋, T)}. The target, read at the last step, is the sum of the
 * two marked values; the loss is the mean squared error. Predicting the constant 1 scores the
 * variance of that sum, {@code 2/12 ≈ 0.167}; the task counts as solved below {@value #SOLVED_MSE}.
 *
 * <p>Immutable and thread-safe; batches are drawn from the generator given to {@link #sample},
 * which is not.
 *
 * @param length {@code T >= 2}: steps per sequence
 */
public record AddingProblem(int length) implements Task {

    /** The test MSE below which the task counts as solved. */
    public static final double SOLVED_MSE = 0.01;
    /** The longest sequence accepted. */
    public static final int MAX_LENGTH = 100_000;

    /** Validates the length. */
    public AddingProblem {
        if (length < 2 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("adding problem length: expected 2.." + MAX_LENGTH + ", found " + length
                    + "; likely cause: " + (length < 2 ? "two marked steps need at least two steps"
                    : "a length too long to train on in memory"));
        }
    }

    @Override
    public String name() {
        return "adding";
    }

    @Override
    public String describe() {
        return "adding problem, T = " + length;
    }

    @Override
    public int inputSize() {
        return 2;
    }

    @Override
    public int maxSteps() {
        return length;
    }

    @Override
    public Objective objective() {
        return Objective.REGRESSION;
    }

    @Override
    public int outputs() {
        return 1;
    }

    @Override
    public Batch sample(int batch, SplittableRandom rng) {
        TaskChecks.batch(batch);
        TaskChecks.rng(rng);
        int nt = length;
        int half = nt / 2;
        double[] x = new double[nt * batch * 2];
        double[] y = new double[batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < nt; t++) {
                x[(t * batch + b) * 2] = rng.nextDouble();
            }
            int first = rng.nextInt(half);
            int second = half + rng.nextInt(nt - half);
            x[(first * batch + b) * 2 + 1] = 1;
            x[(second * batch + b) * 2 + 1] = 1;
            y[b] = x[(first * batch + b) * 2] + x[(second * batch + b) * 2];
        }
        return Batch.ofFeatures(x, nt, batch, 2, null, new Targets.Values(y, 1));
    }

    /** {@code Var(U1 + U2) = 2/12}: the MSE of always predicting the mean, 1. */
    @Override
    public double baselineLoss() {
        return 2.0 / 12.0;
    }

    @Override
    public String criterion() {
        return "test MSE < " + SOLVED_MSE;
    }

    @Override
    public boolean solved(double testLoss, double testAccuracy) {
        return testLoss < SOLVED_MSE;
    }
}
