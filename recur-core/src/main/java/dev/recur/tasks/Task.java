package dev.recur.tasks;

import dev.recur.data.Batch;
import java.util.SplittableRandom;

/**
 * A generator of labelled numeric sequences: every sequence is scored at its own last step (a
 * {@link dev.recur.model.SequenceModel} with last-step pooling, {@link Experiment#modelConfig}).
 * Generation is seeded: the same generator state gives the same batch. A new task is a class
 * implementing this interface.
 *
 * <p>recur's tasks ({@link AddingProblem}, {@link TemporalOrder}, {@link LagRecall}) are validated
 * records; {@link ExperimentConfig#defaults(Task)} holds the hyper-parameters and budget recur uses
 * for each.
 *
 * <p>A task should be immutable, so that it may be shared; recur's are. The generator given to
 * {@link #sample} is not thread-safe: one per thread.
 */
public interface Task {

    /** The short name used on the command line and in files: {@code adding}, {@code order} or {@code lag}. */
    String name();

    /** One line naming the task and its size, e.g. {@code adding problem, T = 100}. */
    String describe();

    /** {@code I}: input width per step. */
    int inputSize();

    /** {@code T}: the padded length of a batch (the longest sequence the task makes). */
    int maxSteps();

    /** Regression or classification. */
    Objective objective();

    /** {@code K}: regression targets or classes per sequence. */
    int outputs();

    /**
     * Draws a batch of {@code batch} sequences from {@code rng} (which advances): numeric features
     * {@code [T, B, I]} (0 past a sequence's length) with {@code [B, K]} target values or {@code [B]}
     * class ids.
     *
     * @throws IllegalArgumentException if {@code batch < 1}
     */
    Batch sample(int batch, SplittableRandom rng);

    /**
     * The expected test loss of the best input-independent predictor (the level a model that has
     * learnt nothing about the inputs sits at): a variance for regression, an entropy for
     * classification.
     */
    double baselineLoss();

    /** The success criterion in words, e.g. {@code test MSE < 0.01}. */
    String criterion();

    /**
     * Whether an evaluation meets {@link #criterion()}.
     *
     * @param testLoss     mean test loss
     * @param testAccuracy test accuracy in {@code [0, 1]} (NaN for regression)
     */
    boolean solved(double testLoss, double testAccuracy);
}
