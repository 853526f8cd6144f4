package dev.recur.charlm;

import dev.recur.data.CorpusSplit;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.AdamConfig;
import dev.recur.tensor.TensorSize;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.TrainConfig;
import java.util.function.UnaryOperator;

/**
 * Everything that decides a character language model's training run besides the corpus, validated
 * on construction: the model's shape, the stream batching, and the trainer's configuration. Build
 * one with {@link #builder()}: the defaults of {@code recur train} live in {@link Builder} and only
 * there.
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param cell          the recurrent cell
 * @param embeddingDim  {@code E}
 * @param hiddenSize    {@code H}
 * @param layers        {@code L}
 * @param dropout       dropout probability in training (embeddings, between layers, before the head)
 * @param batch         {@code B}: parallel streams
 * @param seq           chunk length in time steps (truncated BPTT length)
 * @param trainFraction the fraction of the corpus that trains (the rest validates)
 * @param train         the trainer's configuration (optimizer, clipping, schedule, budgets, intervals,
 *                      seed, threads)
 */
public record CharModelSettings(CellKind cell, int embeddingDim, int hiddenSize, int layers, double dropout, int batch,
                                int seq, double trainFraction, TrainConfig train) {

    /**
     * Validates every field; messages name the setting, the value and what is allowed.
     *
     * @param cell          the cell
     * @param embeddingDim  {@code E}
     * @param hiddenSize    {@code H}
     * @param layers        {@code L}
     * @param dropout       the dropout
     * @param batch         {@code B}
     * @param seq           the chunk length
     * @param trainFraction the training fraction
     * @param train         the trainer's configuration
     */
    public CharModelSettings {
        if (train == null) {
            throw new IllegalArgumentException("training configuration: must be given");
        }
        // the model's own checks (cell, sizes, dropout), with a placeholder vocabulary size
        model(1, cell, embeddingDim, hiddenSize, layers, dropout);
        positive("batch", batch);
        positive("seq", seq);
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("train fraction: expected a number strictly between 0 and 1, found "
                    + trainFraction);
        }
        // the activations of one chunk, each one array (the logits, [T, B, V], once the vocabulary is known)
        String bt = batch + " and " + seq;
        TensorSize.requireFits("batch and seq", bt, "the embedded inputs", seq, batch, embeddingDim);
        TensorSize.requireFits("batch and seq", bt, "the gate values of a layer", seq, batch,
                (long) cell.gates() * hiddenSize);
        TensorSize.requireFits("batch and seq", bt, "the hidden states of a layer", seq + 1L, batch, hiddenSize);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": expected a positive integer, found " + value);
        }
    }

    private static SequenceModelConfig model(int vocab, CellKind cell, int embeddingDim, int hiddenSize, int layers,
                                             double dropout) {
        if (cell == null) {
            throw new IllegalArgumentException("cell kind must be given (lstm, gru, rnn_tanh, rnn_relu)");
        }
        positive("hidden_size", hiddenSize);
        positive("embedding_dim", embeddingDim);
        positive("num_layers", layers);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), found " + dropout);
        }
        return SequenceModelConfig.charLanguageModel(vocab, embeddingDim, cell, hiddenSize, layers, dropout);
    }

    /**
     * The model for a vocabulary of {@code vocabSize} characters.
     *
     * @param vocabSize {@code V}
     * @return its configuration
     * @throws IllegalArgumentException if a tensor of the model, or the logits of a chunk, would not
     *                                  fit in one array
     */
    public SequenceModelConfig modelConfig(int vocabSize) {
        SequenceModelConfig model = model(vocabSize, cell, embeddingDim, hiddenSize, layers, dropout);
        TensorSize.requireFits("batch and seq", batch + " and " + seq, "the logits", seq, batch, vocabSize);
        return model;
    }

    /**
     * A builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.cell = cell;
        b.embeddingDim = embeddingDim;
        b.hiddenSize = hiddenSize;
        b.layers = layers;
        b.dropout = dropout;
        b.batch = batch;
        b.seq = seq;
        b.trainFraction = trainFraction;
        b.train = train;
        return b;
    }

    /**
     * Builds {@link CharModelSettings}. Defaults (those of {@code recur train}, the reference's): a
     * 2-layer LSTM of 256 units on embeddings of 64, no dropout; 32 streams in chunks of 100 steps,
     * the first 90% of the corpus trains; Adam with learning rate {@value #DEFAULT_LR} (PyTorch's
     * other defaults), the gradient norm clipped to 5, a constant learning rate; {@value #DEFAULT_STEPS}
     * steps, validation and a checkpoint every {@value #DEFAULT_EVAL_EVERY} steps; seed 1; one thread
     * per processor.
     */
    public static final class Builder {
        /** The default step budget: sized so that the default run ends within minutes on 2 cores. */
        public static final long DEFAULT_STEPS = 1200;
        /** The default validation and checkpoint interval, in steps. */
        public static final int DEFAULT_EVAL_EVERY = 200;
        /** The default learning rate (the reference's). */
        public static final double DEFAULT_LR = 2e-3;
        /** The default gradient clipping threshold. */
        public static final double DEFAULT_CLIP = 5.0;

        private CellKind cell = CellKind.LSTM;
        private int embeddingDim = 64;
        private int hiddenSize = 256;
        private int layers = 2;
        private double dropout = 0.0;
        private int batch = 32;
        private int seq = 100;
        private double trainFraction = CorpusSplit.DEFAULT_TRAIN_FRACTION;
        private TrainConfig train = TrainConfig.builder()
                .optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(DEFAULT_LR).build()))
                .clipNorm(DEFAULT_CLIP).steps(DEFAULT_STEPS).evalEvery(DEFAULT_EVAL_EVERY)
                .checkpointEvery(DEFAULT_EVAL_EVERY).build();

        private Builder() {
        }

        /**
         * The recurrent cell (default LSTM).
         *
         * @param value the cell
         * @return this builder
         */
        public Builder cell(CellKind value) {
            cell = value;
            return this;
        }

        /**
         * The embedding width {@code E} (default 64).
         *
         * @param value the width
         * @return this builder
         */
        public Builder embeddingDim(int value) {
            embeddingDim = value;
            return this;
        }

        /**
         * The hidden size {@code H} (default 256).
         *
         * @param value the size
         * @return this builder
         */
        public Builder hiddenSize(int value) {
            hiddenSize = value;
            return this;
        }

        /**
         * The number of recurrent layers (default 2).
         *
         * @param value the number
         * @return this builder
         */
        public Builder layers(int value) {
            layers = value;
            return this;
        }

        /**
         * The dropout probability in training (default 0).
         *
         * @param value the probability
         * @return this builder
         */
        public Builder dropout(double value) {
            dropout = value;
            return this;
        }

        /**
         * The number of parallel streams {@code B} (default 32).
         *
         * @param value the batch size
         * @return this builder
         */
        public Builder batch(int value) {
            batch = value;
            return this;
        }

        /**
         * The chunk length in time steps (default 100).
         *
         * @param value the sequence length
         * @return this builder
         */
        public Builder seq(int value) {
            seq = value;
            return this;
        }

        /**
         * The fraction of the corpus that trains (default 0.9).
         *
         * @param value the fraction, strictly between 0 and 1
         * @return this builder
         */
        public Builder trainFraction(double value) {
            trainFraction = value;
            return this;
        }

        /**
         * The trainer's configuration (default: see the class description).
         *
         * @param value the configuration
         * @return this builder
         */
        public Builder train(TrainConfig value) {
            train = value;
            return this;
        }

        /**
         * Changes some fields of the trainer's configuration, keeping the others (the defaults of a
         * character model), e.g. {@code train(t -> t.steps(200).seed(7))}.
         *
         * @param change what to change on a builder holding the configuration as it stands
         * @return this builder
         */
        public Builder train(UnaryOperator<TrainConfig.Builder> change) {
            train = change.apply(train.toBuilder()).build();
            return this;
        }

        /** The trainer's configuration as it stands. */
        public TrainConfig train() {
            return train;
        }

        /**
         * The validated settings.
         *
         * @return the settings
         * @throws IllegalArgumentException if a field is invalid
         */
        public CharModelSettings build() {
            return new CharModelSettings(cell, embeddingDim, hiddenSize, layers, dropout, batch, seq, trainFraction,
                    train);
        }
    }
}
