package dev.recur.tasks;

import dev.recur.nn.sequence.RecurrentConfig;

/**
 * The shape and options of a {@link ManyToOneModel}, validated on construction. Build one with
 * {@link #builder(RecurrentConfig, int, Objective)}; the defaults live there and only there.
 *
 * @param rnn           the recurrent stack
 * @param outputs       {@code K}: regression targets or classes per sequence
 * @param objective     regression (mean squared error) or classification (softmax cross-entropy)
 * @param readout       which step of each sequence the head reads
 * @param chronoHorizon {@code 0} for the recurrent stack's own initialisation; else {@code T_max >= 2}
 *                      for the chrono initialisation of the gate biases (the 2018 'chrono initialisation' paper):
 *                      per unit {@code b = ln u}, {@code u ~ U[1, T_max − 1]}, on the LSTM's forget
 *                      gate (and {@code −b} on its input gate) and on the GRU's update gate, so that
 *                      the gated cells start with memory time scales spread up to {@code T_max}
 *                      steps; the Elman RNN has no gate and is left as it is
 */
public record ManyToOneConfig(RecurrentConfig rnn, int outputs, Objective objective, Readout readout,
                              int chronoHorizon) {

    /** Validates every field; the message names the field, the value and what is allowed. */
    public ManyToOneConfig {
        if (rnn == null) {
            throw new IllegalArgumentException("many-to-one model: the recurrent configuration must be given");
        }
        if (objective == null || readout == null) {
            throw new IllegalArgumentException("many-to-one model: objective and readout must be given, found "
                    + objective + " and " + readout);
        }
        int least = objective == Objective.CLASSIFICATION ? 2 : 1;
        if (outputs < least) {
            throw new IllegalArgumentException("many-to-one model outputs: expected >= " + least + " for "
                    + objective.name().toLowerCase(java.util.Locale.ROOT) + ", found " + outputs
                    + (objective == Objective.CLASSIFICATION ? "; likely cause: one class leaves nothing to tell apart" : ""));
        }
        if (chronoHorizon != 0 && chronoHorizon < 2) {
            throw new IllegalArgumentException("chrono horizon: expected 0 (off) or >= 2 steps, found " + chronoHorizon);
        }
        if (chronoHorizon != 0 && !rnn.bias()) {
            throw new IllegalArgumentException("chrono initialisation sets gate biases: expected a recurrent stack "
                    + "with biases, found bias = false; likely cause: set chronoHorizon to 0 or enable biases");
        }
    }

    /**
     * A builder with the defaults: {@link Readout#AT_LENGTH} and no chrono initialisation.
     *
     * @param rnn       the recurrent stack
     * @param outputs   {@code K}
     * @param objective regression or classification
     */
    public static Builder builder(RecurrentConfig rnn, int outputs, Objective objective) {
        return new Builder(rnn, outputs, objective);
    }

    /** The width the head reads: {@code D*Hout} of the recurrent stack. */
    public int featureSize() {
        return rnn.directions() * rnn.outputSize();
    }

    /** Builds a {@link ManyToOneConfig}. */
    public static final class Builder {
        private final RecurrentConfig rnn;
        private final int outputs;
        private final Objective objective;
        private Readout readout = Readout.AT_LENGTH;
        private int chronoHorizon = 0;

        private Builder(RecurrentConfig rnn, int outputs, Objective objective) {
            this.rnn = rnn;
            this.outputs = outputs;
            this.objective = objective;
        }

        /** Which step the head reads (default {@link Readout#AT_LENGTH}). */
        public Builder readout(Readout value) {
            this.readout = value;
            return this;
        }

        /** {@code T_max} of the chrono initialisation (default 0 = off). */
        public Builder chronoHorizon(int value) {
            this.chronoHorizon = value;
            return this;
        }

        /** The validated configuration. */
        public ManyToOneConfig build() {
            return new ManyToOneConfig(rnn, outputs, objective, readout, chronoHorizon);
        }
    }
}
