package dev.recur.optim;

/**
 * Hyper-parameters of {@link RMSprop}, as PyTorch 1.13's {@code torch.optim.RMSprop}; validated on
 * construction. Build one with {@link #builder()}: the defaults (PyTorch's) live there and only there.
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param lr          learning rate
 * @param alpha       decay of the running average of squared gradients
 * @param eps         added to the square root (outside it)
 * @param weightDecay L2 penalty added to the gradient: {@code g + wd·p}
 * @param momentum    momentum factor ({@code 0} = none)
 * @param centered    divide by an estimate of the gradient's variance instead of its second moment
 * @param maximize    maximise the objective instead of minimising it
 */
public record RMSpropConfig(double lr, double alpha, double eps, double weightDecay, double momentum,
                            boolean centered, boolean maximize) {

    /** Validates every field, with PyTorch's rules. */
    public RMSpropConfig {
        Checks.learningRate(lr);
        Checks.nonNegative("alpha", alpha);
        Checks.nonNegative("eps", eps);
        Checks.nonNegative("weight_decay", weightDecay);
        Checks.nonNegative("momentum", momentum);
    }

    /** A builder with PyTorch's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link RMSpropConfig}. Defaults (PyTorch 1.13): lr 0.01, alpha 0.99, eps 1e-8,
     * weight_decay 0, momentum 0, centered false, maximize false.
     */
    public static final class Builder {
        private double lr = 1e-2;
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double weightDecay = 0;
        private double momentum = 0;
        private boolean centered = false;
        private boolean maximize = false;

        private Builder() {
        }

        /** Learning rate (default 0.01). */
        public Builder lr(double value) {
            this.lr = value;
            return this;
        }

        /** Decay of the squared-gradient average (default 0.99). */
        public Builder alpha(double value) {
            this.alpha = value;
            return this;
        }

        /** Denominator term (default 1e-8). */
        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        /** L2 penalty (default 0). */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /** Momentum factor (default 0). */
        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        /** Centered variant (default false). */
        public Builder centered(boolean value) {
            this.centered = value;
            return this;
        }

        /** Maximise instead of minimise (default false). */
        public Builder maximize(boolean value) {
            this.maximize = value;
            return this;
        }

        /** The validated configuration. */
        public RMSpropConfig build() {
            return new RMSpropConfig(lr, alpha, eps, weightDecay, momentum, centered, maximize);
        }
    }
}
