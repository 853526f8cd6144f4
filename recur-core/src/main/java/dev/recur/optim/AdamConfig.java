package dev.recur.optim;

/**
 * Hyper-parameters of {@link Adam} and {@link AdamW}, as PyTorch 1.13's {@code torch.optim.Adam} and
 * {@code torch.optim.AdamW}; validated on construction. Build one with {@link #adam()} or
 * {@link #adamW()}: the defaults (PyTorch's) live in {@link Builder} and only there. The two differ
 * only in the default weight decay and in what it means: an L2 term added to the gradient (Adam) or
 * a decoupled decay of the parameter (AdamW).
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param lr          learning rate
 * @param beta1       decay of the first-moment estimate
 * @param beta2       decay of the second-moment estimate
 * @param eps         added to the denominator after the bias correction
 * @param weightDecay weight decay (see above)
 * @param amsgrad     use the maximum of all second-moment estimates so far (AMSGrad)
 * @param maximize    maximise the objective instead of minimising it
 */
public record AdamConfig(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                         boolean maximize) {

    /** Validates every field, with PyTorch's rules. */
    public AdamConfig {
        Checks.learningRate(lr);
        Checks.unitInterval("beta1", beta1);
        Checks.unitInterval("beta2", beta2);
        Checks.nonNegative("eps", eps);
        Checks.nonNegative("weight_decay", weightDecay);
    }

    /** A builder with {@code torch.optim.Adam}'s defaults. */
    public static Builder adam() {
        return new Builder(Builder.ADAM_WEIGHT_DECAY);
    }

    /** A builder with {@code torch.optim.AdamW}'s defaults (weight decay 0.01). */
    public static Builder adamW() {
        return new Builder(Builder.ADAMW_WEIGHT_DECAY);
    }

    /**
     * Builds an {@link AdamConfig}. Defaults (PyTorch 1.13): lr 0.001, betas (0.9, 0.999), eps 1e-8,
     * amsgrad false, maximize false; weight_decay 0 for Adam and 0.01 for AdamW.
     */
    public static final class Builder {
        static final double ADAM_WEIGHT_DECAY = 0;
        static final double ADAMW_WEIGHT_DECAY = 1e-2;

        private double lr = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay;
        private boolean amsgrad = false;
        private boolean maximize = false;

        private Builder(double weightDecay) {
            this.weightDecay = weightDecay;
        }

        /** Learning rate (default 0.001). */
        public Builder lr(double value) {
            this.lr = value;
            return this;
        }

        /** First-moment decay (default 0.9). */
        public Builder beta1(double value) {
            this.beta1 = value;
            return this;
        }

        /** Second-moment decay (default 0.999). */
        public Builder beta2(double value) {
            this.beta2 = value;
            return this;
        }

        /** Denominator term (default 1e-8). */
        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        /** Weight decay (default 0 for Adam, 0.01 for AdamW). */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /** AMSGrad (default false). */
        public Builder amsgrad(boolean value) {
            this.amsgrad = value;
            return this;
        }

        /** Maximise instead of minimise (default false). */
        public Builder maximize(boolean value) {
            this.maximize = value;
            return this;
        }

        /** The validated configuration. */
        public AdamConfig build() {
            return new AdamConfig(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
        }
    }
}
