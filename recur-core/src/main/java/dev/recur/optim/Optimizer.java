package dev.recur.optim;

import dev.recur.nn.Parameter;
import java.util.Map;
import java.util.Optional;

/**
 * Updates parameters from their accumulated gradients.
 *
 * <p>A training step is: {@link #zeroGrad()}, forward and backward passes (which add into every
 * {@link Parameter#grad()}), optionally {@link GradientClipping}, then {@link #step()}. The optimizer
 * holds its per-parameter state itself, keyed by parameter identity; {@link #exportState()} and
 * {@link #importState} move it to and from checkpoints.
 *
 * <p>Implementations are not thread-safe: {@link #step()} updates the parameters and the
 * optimizer's state in place; one step at a time.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public interface Optimizer<A> {

    /** Applies one update to every parameter from its current gradient, and counts the step. */
    void step();

    /** Sets every parameter's gradient to zero. */
    void zeroGrad();

    /** The learning rate the next {@link #step()} uses. */
    double learningRate();

    /**
     * Sets the learning rate of the following steps (e.g. from a {@link LearningRateSchedule}).
     *
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    void setLearningRate(double lr);

    /** Number of steps taken so far (restored by {@link #importState}). */
    long stepCount();

    /** The parameters, in the order given, under the names that label their state. */
    Map<String, Parameter<A>> parameters();

    /**
     * A copy of the complete state: the step count and every per-parameter array, named
     * {@code <parameter name>.<PyTorch state key>} (e.g. {@code head.weight.exp_avg}), in parameter
     * order. Arrays that do not exist yet are exported as zeros.
     */
    OptimizerState exportState();

    /**
     * Replaces the state by {@code state} (the learning rate is not part of it).
     *
     * @throws IllegalArgumentException if the state is of another optimizer, or its arrays do not
     *                                  match this optimizer's names and shapes exactly
     */
    void importState(OptimizerState state);

    /**
     * The first NaN or infinite value among the parameters and the per-parameter state, in
     * parameter order: after {@link #step()} there is one when the update diverged (a learning rate
     * too high, no gradient clipping) or the imported state was corrupt.
     *
     * @return where and what, e.g. {@code parameter head.bias[3] = NaN} or
     *         {@code optimizer state head.weight.exp_avg_sq[3, 1] = Infinity}; empty if all are finite
     */
    Optional<String> firstNonFinite();
}
