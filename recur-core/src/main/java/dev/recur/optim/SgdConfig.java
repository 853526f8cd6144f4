package dev.recur.optim;

/**
 * Hyper-parameters of {@link Sgd}, as PyTorch 1.13's {@code torch.optim.SGD}; validated on
 * construction. Build one with {@link #builder(double)}: the defaults (PyTorch's) live there and only
 * there. As in PyTorch, the learning rate has no default.
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param lr          learning rate
 * @param momentum    momentum factor μ ({@code 0} = plain SGD)
 * @param dampening   dampening τ of the momentum
 * @param nesterov    Nesterov momentum (needs {@code momentum > 0} and {@code dampening == 0})
 * @param weightDecay L2 penalty added to the gradient: {@code g + wd·p}
 * @param maximize    maximise the objective instead of minimising it
 */
public record SgdConfig(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
                        boolean maximize) {

    /** Validates every field, with PyTorch's rules. */
    public SgdConfig {
        Checks.learningRate(lr);
        Checks.nonNegative("momentum", momentum);
        if (!Double.isFinite(dampening)) {
            throw new IllegalArgumentException("dampening must be finite, found " + dampening);
        }
        Checks.nonNegative("weight_decay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening = 0, found momentum "
                    + momentum + ", dampening " + dampening);
        }
    }

    /** A builder with PyTorch's defaults for everything but the learning rate. */
    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    /**
     * Builds an {@link SgdConfig}. Defaults (PyTorch 1.13): momentum 0, dampening 0, nesterov false,
     * weight_decay 0, maximize false.
     */
    public static final class Builder {
        private final double lr;
        private double momentum = 0;
        private double dampening = 0;
        private boolean nesterov = false;
        private double weightDecay = 0;
        private boolean maximize = false;

        private Builder(double lr) {
            this.lr = lr;
        }

        /** Momentum factor (default 0). */
        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        /** Dampening of the momentum (default 0). */
        public Builder dampening(double value) {
            this.dampening = value;
            return this;
        }

        /** Nesterov momentum (default false). */
        public Builder nesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        /** L2 penalty (default 0). */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /** Maximise instead of minimise (default false). */
        public Builder maximize(boolean value) {
            this.maximize = value;
            return this;
        }

        /** The validated configuration. */
        public SgdConfig build() {
            return new SgdConfig(lr, momentum, dampening, nesterov, weightDecay, maximize);
        }
    }
}
