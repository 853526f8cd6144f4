package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Map;

/**
 * Mean absolute error, PyTorch's {@code F.l1_loss(p, y, reduction=)}: over the elements of the rows
 * that count ({@code n} = counted rows × width),
 * <pre>
 * MEAN = (1/n)·Σ |p − y|,   d/dp = sign(p − y)/n       SUM = Σ |p − y|,   d/dp = sign(p − y)
 * </pre>
 * with {@code sign(0) = 0}, as PyTorch. The targets are rounded to the output's precision first.
 *
 * <p>Immutable and thread-safe.
 *
 * @param reduction mean or sum
 */
public record L1Loss(Reduction reduction) implements Loss {

    /** The name in {@link #toMap()}. */
    static final String NAME = "l1";

    /**
     * Checks that the reduction is given.
     *
     * @param reduction mean or sum
     * @throws IllegalArgumentException if it is null
     */
    public L1Loss {
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
        return Elementwise.compute(NAME, Elementwise.Term.ABSOLUTE, 0, reduction, precision, output, targets,
                gradient);
    }

    @Override
    public Map<String, Object> toMap() {
        return LossSettings.start(NAME, reduction);
    }
}
