package dev.recur.train;

import dev.recur.nn.sequence.State;
import dev.recur.optim.OptimizerState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a training run's next step depends on besides the model's weights and the
 * configuration: what a checkpoint saves and {@link Trainer#restore} takes back, so that a resumed
 * run continues exactly as an uninterrupted one.
 *
 * <p>Immutable once built (the histories are copied), but the carried {@link State} keeps its
 * arrays: do not change them while the state is shared between threads.
 *
 * @param step         steps done
 * @param tokens       steps of sequences trained on so far
 * @param trainSeconds training time so far
 * @param skipped      steps whose update was skipped or undone so far ({@link DivergencePolicy})
 * @param losses       the loss of every step, step 1 first ({@code step} entries)
 * @param validations  every validation, in order
 * @param carry        the recurrent state carried into the next batch, or null (none carried, or the
 *                     next batch starts an epoch)
 * @param randomState  where each stochastic module of the model stands ({@code Module#randomState})
 * @param optimizer    the optimizer's state
 * @param best         the best validation under early stopping so far, or null
 * @param learningRateScale the factor on the scheduled learning rate, in (0, 1]: halved by each
 *                     rollback ({@link DivergencePolicy#ROLLBACK}), else 1
 * @param <A>          the array type
 */
public record TrainingState<A>(long step, long tokens, double trainSeconds, long skipped, double[] losses,
                               List<ValidationPoint> validations, State<A> carry, Map<String, Long> randomState,
                               OptimizerState optimizer, Best best, double learningRateScale) {

    /**
     * Checks the fields; keeps copies.
     *
     * @param step         steps done
     * @param tokens       sequence steps trained on
     * @param trainSeconds training time
     * @param skipped      skipped steps
     * @param losses       the loss history
     * @param validations  the validation history
     * @param carry        the carried state, or null
     * @param randomState  the random state
     * @param optimizer    the optimizer state
     * @param best         the best validation, or null
     * @param learningRateScale the learning-rate factor
     * @throws IllegalArgumentException if the parts do not belong together
     */
    public TrainingState {
        if (!(learningRateScale > 0 && learningRateScale <= 1)) {
            throw new IllegalArgumentException("training state: expected a learning-rate scale in (0, 1], found "
                    + learningRateScale);
        }
        if (step < 0 || tokens < 0 || skipped < 0 || skipped > step) {
            throw new IllegalArgumentException("training state: expected step >= 0, tokens >= 0 and 0 <= skipped <= "
                    + "step, found step " + step + ", tokens " + tokens + ", skipped " + skipped);
        }
        if (!(trainSeconds >= 0) || Double.isInfinite(trainSeconds)) {
            throw new IllegalArgumentException("training state: expected a training time >= 0 s, found " + trainSeconds);
        }
        Objects.requireNonNull(losses, "losses");
        if (losses.length != step) {
            throw new IllegalArgumentException("the loss history has " + losses.length + " entries for " + step
                    + " steps");
        }
        Objects.requireNonNull(optimizer, "optimizer");
        if (optimizer.steps() != step - skipped) {
            throw new IllegalArgumentException("the optimizer has taken " + optimizer.steps() + " steps, the run "
                    + (step - skipped) + (skipped > 0 ? " (" + step + " less " + skipped + " skipped)" : ""));
        }
        validations = List.copyOf(validations);
        long previous = -1;
        for (ValidationPoint v : validations) {
            if (v.step() < previous || v.step() > step) {
                throw new IllegalArgumentException("the validation history is not in order of steps up to " + step
                        + ": found step " + v.step() + " after " + previous);
            }
            previous = v.step();
        }
        losses = losses.clone();
        randomState = Map.copyOf(randomState == null ? Map.of() : randomState);
    }

    /** The training loss of every step so far (a copy; NaN at skipped steps). */
    @Override
    public double[] losses() {
        return losses.clone();
    }

    /**
     * One validation: its step, mean loss and metrics.
     *
     * @param step    the step
     * @param loss    the mean validation loss
     * @param metrics the metrics by name
     */
    public record ValidationPoint(long step, double loss, Map<String, Double> metrics) {
        /**
         * Keeps a copy of the metrics.
         *
         * @param step    the step
         * @param loss    the loss
         * @param metrics the metrics
         */
        public ValidationPoint {
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
        }
    }

    /**
     * The best validation under early stopping.
     *
     * @param step  its step
     * @param value its value of the early-stopping metric
     * @param since validations since it without improvement
     */
    public record Best(long step, double value, int since) {
    }
}
