package dev.recur.nn.sequence;

import dev.recur.nn.WeightInit;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.TensorSize;

/**
 * The shape and options of a {@link SequenceLayer}, validated on construction. Build one with
 * {@link #builder(CellKind, int, int)}; the defaults live there and only there.
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param cell          the cell kind
 * @param inputSize     {@code I}: input width of the first layer
 * @param hiddenSize    {@code H}: cell width
 * @param numLayers     {@code L}: stacked layers
 * @param bidirectional whether every layer also runs in reverse ({@code D = 2})
 * @param projSize      {@code P}: LSTM output projection ({@code 0} = none)
 * @param bias          whether {@code b_ih} and {@code b_hh} exist
 * @param dropout       probability of zeroing each input of layers {@code 1..L-1} in training
 * @param inputInit     initialisation of {@code weight_ih}
 * @param recurrentInit initialisation of {@code weight_hh}
 * @param forgetBias    the LSTM's initial forget-gate bias ({@code b_ih} forget block set to this,
 *                      {@code b_hh} forget block to 0); {@code NaN} keeps the uniform draw
 */
public record RecurrentConfig(CellKind cell, int inputSize, int hiddenSize, int numLayers,
                              boolean bidirectional, int projSize, boolean bias, double dropout,
                              WeightInit inputInit, WeightInit recurrentInit, double forgetBias) {

    /** Validates every field; the message names the field, the value and what is allowed. */
    public RecurrentConfig {
        if (cell == null) {
            throw new IllegalArgumentException("cell kind must be given (lstm, gru, rnn_tanh, rnn_relu)");
        }
        positive("input_size", inputSize);
        positive("hidden_size", hiddenSize);
        positive("num_layers", numLayers);
        if (projSize < 0) {
            throw new IllegalArgumentException("proj_size must be >= 0, found " + projSize);
        }
        if (projSize > 0 && cell != CellKind.LSTM) {
            throw new IllegalArgumentException("proj_size = " + projSize + " is only supported by the LSTM, not by "
                    + cell.id());
        }
        if (projSize >= hiddenSize) {
            if (projSize > 0) {
                throw new IllegalArgumentException("proj_size must be smaller than hidden_size (as in PyTorch): found proj_size "
                        + projSize + ", hidden_size " + hiddenSize);
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), found " + dropout);
        }
        if (inputInit == null || recurrentInit == null) {
            throw new IllegalArgumentException("inputInit and recurrentInit must be given");
        }
        if (Double.isInfinite(forgetBias)) {
            throw new IllegalArgumentException("forgetBias must be finite or NaN (keep the uniform draw), found " + forgetBias);
        }
        // every weight must fit in one array: [G*H, Hout] and, above layer 0, [G*H, D*Hout]; [G*H, I] at layer 0
        long gh = (long) cell.gates() * hiddenSize;
        long hout = projSize > 0 ? projSize : hiddenSize;
        TensorSize.requireFits("hidden_size", hiddenSize, "weight_hh_l0", gh, hout);
        if (numLayers > 1) {
            TensorSize.requireFits("hidden_size", hiddenSize, "weight_ih_l1", gh, (bidirectional ? 2 : 1) * hout);
        }
        TensorSize.requireFits("input_size", inputSize, "weight_ih_l0", gh, inputSize);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, found " + value);
        }
    }

    /** {@code D}: 2 if bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** {@code Hout}: the width of the hidden state and of each direction's output ({@code P} if projecting, else {@code H}). */
    public int outputSize() {
        return projSize > 0 ? projSize : hiddenSize;
    }

    /**
     * The shape of a state of {@code batch} sequences: {@code [L*D, B, Hout]} for the hidden state,
     * {@code [L*D, B, H]} for the LSTM's cell state.
     *
     * @param batch {@code B}
     * @param cell  whether the cell state's (else the hidden state's)
     * @return the shape
     */
    public int[] stateShape(int batch, boolean cell) {
        return new int[] {numLayers * directions(), batch, cell ? hiddenSize : outputSize()};
    }

    /**
     * The number of parameters, as PyTorch counts them: per layer and direction
     * {@code G·H·(I_l + Hout)} weights, {@code 2·G·H} biases with bias, {@code Hout·H} projection weights.
     * Computed from the shape, before anything is allocated.
     *
     * @return the count
     */
    public long parameterCount() {
        long g = cell.gates();
        long total = 0;
        for (int l = 0; l < numLayers; l++) {
            // W_ih [G·H, I_l], W_hh [G·H, Hout], b_ih and b_hh [G·H], W_hr [P, H]
            long perDirection = g * hiddenSize * ((long) layerInputSize(l) + outputSize())
                    + (bias ? 2 * g * hiddenSize : 0) + (projSize > 0 ? (long) projSize * hiddenSize : 0);
            total += directions() * perDirection;
        }
        return total;
    }

    /** Input width of layer {@code l}: {@code I} for layer 0, {@code D*Hout} above. */
    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : directions() * outputSize();
    }

    /** A builder with the defaults for everything but the cell, input and hidden sizes. */
    public static Builder builder(CellKind cell, int inputSize, int hiddenSize) {
        return new Builder(cell, inputSize, hiddenSize);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(cell, inputSize, hiddenSize);
        b.numLayers = numLayers;
        b.bidirectional = bidirectional;
        b.projSize = projSize;
        b.bias = bias;
        b.dropout = dropout;
        b.inputInit = inputInit;
        b.recurrentInit = recurrentInit;
        b.forgetBias = forgetBias;
        return b;
    }

    /**
     * Builds a {@link RecurrentConfig}. The defaults are PyTorch's: one layer, unidirectional, no
     * projection, biases, no dropout, every weight and bias drawn from U(−1/√H, 1/√H) — including the
     * forget gate's bias ({@code forgetBias = NaN}), so a fresh layer is initialised as
     * {@code nn.LSTM} would be. {@code forgetBias(1.0)} starts the forget gate near σ(1) ≈ 0.73 instead
     * of 0.5 (Keras' {@code unit_forget_bias}), which keeps memory longer from the first step; on the
     * character language model it slowed early learning (validation loss 0.07 nats/char higher after
     * 300 steps), so it is an option, not the default.
     */
    public static final class Builder {
        private final CellKind cell;
        private final int inputSize;
        private final int hiddenSize;
        private int numLayers = 1;
        private boolean bidirectional = false;
        private int projSize = 0;
        private boolean bias = true;
        private double dropout = 0.0;
        private WeightInit inputInit = WeightInit.UNIFORM;
        private WeightInit recurrentInit = WeightInit.UNIFORM;
        private double forgetBias = Double.NaN;

        private Builder(CellKind cell, int inputSize, int hiddenSize) {
            this.cell = cell;
            this.inputSize = inputSize;
            this.hiddenSize = hiddenSize;
        }

        /** Number of stacked layers (default 1). */
        public Builder layers(int value) {
            this.numLayers = value;
            return this;
        }

        /** Whether to add a reverse direction (default false). */
        public Builder bidirectional(boolean value) {
            this.bidirectional = value;
            return this;
        }

        /** LSTM projection size (default 0 = none). */
        public Builder projSize(int value) {
            this.projSize = value;
            return this;
        }

        /** Whether the layers have biases (default true). */
        public Builder bias(boolean value) {
            this.bias = value;
            return this;
        }

        /** Inter-layer dropout probability (default 0). */
        public Builder dropout(double value) {
            this.dropout = value;
            return this;
        }

        /** Initialisation of {@code weight_ih} (default {@link WeightInit#UNIFORM}). */
        public Builder inputInit(WeightInit value) {
            this.inputInit = value;
            return this;
        }

        /** Initialisation of {@code weight_hh} (default {@link WeightInit#UNIFORM}). */
        public Builder recurrentInit(WeightInit value) {
            this.recurrentInit = value;
            return this;
        }

        /** Initial LSTM forget-gate bias (default {@code NaN}: the plain uniform draw, as PyTorch). */
        public Builder forgetBias(double value) {
            this.forgetBias = value;
            return this;
        }

        /** The validated configuration. */
        public RecurrentConfig build() {
            return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, projSize, bias,
                    dropout, inputInit, recurrentInit, forgetBias);
        }
    }
}
