package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Map;

/**
 * Huber loss, PyTorch's {@code F.huber_loss(p, y, reduction=, delta=)}: over the elements of the
 * rows that count ({@code n} = counted rows × width), with {@code e = p − y},
 * <pre>
 * h(e)  = e²/2                 for |e| &lt; delta,   delta·(|e| − delta/2) otherwise
 * h'(e) = e                    for |e| &lt;= delta,  delta·sign(e) otherwise
 * MEAN  = (1/n)·Σ h(e)         SUM = Σ h(e)
 * </pre>
 * The targets are rounded to the output's precision first.
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param delta     the threshold between the quadratic and the linear part, finite and {@code > 0}
 * @param reduction mean or sum
 */
public record HuberLoss(double delta, Reduction reduction) implements Loss {

    /** The name in {@link #toMap()}. */
    static final String NAME = "huber";

    /**
     * Validates the settings.
     *
     * @param delta     the threshold
     * @param reduction mean or sum
     * @throws IllegalArgumentException for a threshold that is not finite and positive, or no reduction
     */
    public HuberLoss {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException(NAME + " delta: expected a finite number > 0, found " + delta
                    + "; likely cause: 0 given for a pure L1 loss (use l1) or a negative threshold");
        }
        LossInputs.reduction(NAME, reduction);
    }

    /**
     * A builder holding the defaults (PyTorch's): delta 1, mean.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
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
        return Elementwise.compute(NAME, Elementwise.Term.HUBER, delta, reduction, precision, output, targets,
                gradient);
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = LossSettings.start(NAME, reduction);
        m.put("delta", delta);
        return m;
    }

    /** Builds a {@link HuberLoss}; the defaults are PyTorch's and live here only. */
    public static final class Builder {
        private double delta = 1.0;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {
        }

        /**
         * The threshold (default 1).
         *
         * @param value finite, {@code > 0}
         * @return this builder
         */
        public Builder delta(double value) {
            this.delta = value;
            return this;
        }

        /**
         * The reduction (default mean).
         *
         * @param value mean or sum
         * @return this builder
         */
        public Builder reduction(Reduction value) {
            this.reduction = value;
            return this;
        }

        /**
         * The validated loss.
         *
         * @return the loss
         * @throws IllegalArgumentException for an invalid setting
         */
        public HuberLoss build() {
            return new HuberLoss(delta, reduction);
        }
    }
}
