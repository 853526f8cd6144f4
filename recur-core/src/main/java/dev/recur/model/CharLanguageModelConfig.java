package dev.recur.model;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.tensor.TensorSize;

/**
 * The shape and options of a {@link CharLanguageModel}, validated on construction. Build one with
 * {@link #builder(int)}; the defaults live there and only there.
 *
 * @param vocabSize    {@code V}: number of token ids
 * @param embeddingDim {@code E}: width of the token vectors (the recurrent stack's input width)
 * @param cell         the recurrent cell
 * @param hiddenSize   {@code H}
 * @param numLayers    {@code L}
 * @param dropout      dropout probability in training, applied as in PyTorch's word-language-model
 *                     example: to the embeddings, between recurrent layers, and to the recurrent
 *                     output before the head
 */
public record CharLanguageModelConfig(int vocabSize, int embeddingDim, CellKind cell, int hiddenSize, int numLayers,
                                      double dropout) {

    /** Validates every field; the message names the field, the value and what is allowed. */
    public CharLanguageModelConfig {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocab_size must be >= 1, found " + vocabSize);
        }
        if (embeddingDim < 1) {
            throw new IllegalArgumentException("embedding_dim must be >= 1, found " + embeddingDim);
        }
        if (cell == null) {
            throw new IllegalArgumentException("cell kind must be given (lstm or gru)");
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hidden_size must be >= 1, found " + hiddenSize);
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException("num_layers must be >= 1, found " + numLayers);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), found " + dropout);
        }
        // every parameter must fit in one array (the recurrent stack's above layer 0 are [G*H, H])
        long gh = (long) cell.gates() * hiddenSize;
        TensorSize.requireFits("hidden_size", hiddenSize, "rnn.weight_hh_l0", gh, hiddenSize);
        TensorSize.requireFits("hidden_size", hiddenSize, "head.weight", vocabSize, hiddenSize);
        TensorSize.requireFits("embedding_dim", embeddingDim, "rnn.weight_ih_l0", gh, embeddingDim);
        TensorSize.requireFits("embedding_dim", embeddingDim, "embedding.weight", vocabSize, embeddingDim);
    }

    /** The configuration of the recurrent stack: {@code cell(E, H, L, dropout)}, unidirectional. */
    public RecurrentConfig recurrentConfig() {
        return RecurrentConfig.builder(cell, embeddingDim, hiddenSize).layers(numLayers).dropout(dropout).build();
    }

    /** A builder with the defaults for everything but the vocabulary size. */
    public static Builder builder(int vocabSize) {
        return new Builder(vocabSize);
    }

    /**
     * Builds a {@link CharLanguageModelConfig}. Defaults: LSTM, embedding 64, hidden 256, 2 layers,
     * no dropout.
     */
    public static final class Builder {
        private final int vocabSize;
        private int embeddingDim = 64;
        private CellKind cell = CellKind.LSTM;
        private int hiddenSize = 256;
        private int numLayers = 2;
        private double dropout = 0.0;

        private Builder(int vocabSize) {
            this.vocabSize = vocabSize;
        }

        /** Embedding width {@code E} (default 64). */
        public Builder embeddingDim(int value) {
            this.embeddingDim = value;
            return this;
        }

        /** Recurrent cell (default LSTM). */
        public Builder cell(CellKind value) {
            this.cell = value;
            return this;
        }

        /** Hidden size {@code H} (default 256). */
        public Builder hiddenSize(int value) {
            this.hiddenSize = value;
            return this;
        }

        /** Number of recurrent layers {@code L} (default 2). */
        public Builder layers(int value) {
            this.numLayers = value;
            return this;
        }

        /** Dropout probability in training (default 0). */
        public Builder dropout(double value) {
            this.dropout = value;
            return this;
        }

        /** The validated configuration. */
        public CharLanguageModelConfig build() {
            return new CharLanguageModelConfig(vocabSize, embeddingDim, cell, hiddenSize, numLayers, dropout);
        }
    }
}
