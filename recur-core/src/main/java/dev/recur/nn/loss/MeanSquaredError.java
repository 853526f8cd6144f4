package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Map;

/**
 * Mean squared error, PyTorch's {@code F.mse_loss(p, y, reduction=)}: over the elements of the rows
 * that count ({@code n} = counted rows × width),
 * <pre>
 * MEAN = (1/n)·Σ (p − y)²,   d/dp = 2·(p − y)/n        SUM = Σ (p − y)²,   d/dp = 2·(p − y)
 * </pre>
 * The targets are rounded to the output's precision first. When every row counts, MEAN is
 * the mean squared error of earlier versions ({@code Losses.meanSquaredError}) bit for bit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param reduction mean or sum
 */
public record MeanSquaredError(Reduction reduction) implements Loss {

    /** The name in {@link #toMap()}. */
    static final String NAME = "mse";

    /**
     * Checks that the reduction is given.
     *
     * @param reduction mean or sum
     * @throws IllegalArgumentException if it is null
     */
    public MeanSquaredError {
        LossInputs.reduction(NAME, reduction);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean classTargets() {
        return false;
    }

    @Override
    public <A> LossValue compute(Precision<A> precision, Activations<A> output, Targets targets, A gradient) {
        return Elementwise.compute(NAME, Elementwise.Term.SQUARED, 0, reduction, precision, output, targets, gradient);
    }

    @Override
    public Map<String, Object> toMap() {
        return LossSettings.start(NAME, reduction);
    }
}
