package dev.recur.classify;

import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.train.DivergencePolicy;

/**
 * Everything that decides a classifier's training besides the data, validated on construction. Build
 * one with {@link #builder()}: the defaults of {@code recur classify train} live in {@link Builder}
 * and only there. Immutable and thread-safe.
 *
 * @param tokens             characters or words (texts only)
 * @param minCount           a token seen fewer times in training is unknown (texts only)
 * @param maxVocabulary      the most tokens kept, the two reserved ids included (texts only)
 * @param maxLength          the most tokens (or steps) of an example the model reads: the first ones
 * @param cell               the recurrent cell
 * @param embeddingDim       the token embedding size (texts only)
 * @param hiddenSize         units per recurrent layer and direction
 * @param layers             recurrent layers
 * @param bidirectional      whether the stack reads both ways
 * @param pooling            how the steps become one vector
 * @param dropout            dropout in training (inputs, between layers, before the head)
 * @param balanced           whether the loss weighs each class by {@code n / (K · n_k)} (scikit-learn's
 *                           "balanced" class weights)
 * @param batch              examples per step
 * @param epochs             the most epochs
 * @param timeSeconds        the most training seconds (validation not counted); 0 for no limit
 * @param patience           validations (one per epoch) without a lower loss before stopping
 * @param learningRate       Adam's learning rate
 * @param validationFraction the share of each class held out for validation
 * @param testFraction       the share of each class held out for the test report
 * @param seed               the seed of the split, initialisation, shuffling and dropout
 * @param threads            threads (0 = one per processor)
 * @param onDivergence what a diverging training step does (stop, skip, rollback)
 */
public record ClassifierSettings(TokenKind tokens, int minCount, int maxVocabulary, int maxLength, CellKind cell,
                                 int embeddingDim, int hiddenSize, int layers, boolean bidirectional,
                                 Pooling.Kind pooling, double dropout, boolean balanced, int batch, int epochs,
                                 double timeSeconds, int patience, double learningRate, double validationFraction,
                                 double testFraction,
                                 long seed, int threads,
                               DivergencePolicy onDivergence) {

    /**
     * Validates the fields; messages name the setting, the value and what is allowed.
     *
     * @param tokens             the tokens
     * @param minCount           the minimum count
     * @param maxVocabulary      the vocabulary cap
     * @param maxLength          the length cap
     * @param cell               the cell
     * @param embeddingDim       the embedding size
     * @param hiddenSize         the hidden size
     * @param layers             the layers
     * @param bidirectional      both directions
     * @param pooling            the pooling
     * @param dropout            the dropout
     * @param balanced           balanced class weights
     * @param batch              the batch
     * @param epochs             the epochs
     * @param timeSeconds        the time budget, 0 for none
     * @param patience           the patience
     * @param learningRate       the learning rate
     * @param validationFraction the validation share
     * @param testFraction       the test share
     * @param seed               the seed
     * @param threads            the threads
     * @param onDivergence the divergence policy
     */
    public ClassifierSettings {
        if (onDivergence == null) {
            throw new IllegalArgumentException("divergence policy: must be given (stop, skip or rollback)");
        }
        if (tokens == null || cell == null || pooling == null) {
            throw new IllegalArgumentException("classifier settings: expected tokens, cell and pooling, found none");
        }
        range("min count", minCount, 1, 1_000_000);
        range("max vocabulary", maxVocabulary, 3, 10_000_000);
        range("max length", maxLength, 1, 1_000_000);
        range("embedding", embeddingDim, 1, 4096);
        range("hidden size", hiddenSize, 1, 4096);
        range("layers", layers, 1, 16);
        range("batch", batch, 1, 65536);
        range("epochs", epochs, 1, 1_000_000);
        range("patience", patience, 1, 1_000_000);
        range("threads", threads, 0, 256);
        if (!(timeSeconds >= 0) || Double.isInfinite(timeSeconds)) {
            throw new IllegalArgumentException("time budget: expected a finite number of seconds >= 0 (0 = none), "
                    + "found " + timeSeconds);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout: expected a probability in [0, 1), found " + dropout);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate: expected a finite number > 0, found " + learningRate);
        }
        if (!(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 0.9)) {
            throw new IllegalArgumentException("validation and test fractions: expected each > 0 and together < 0.9, "
                    + "found " + validationFraction + " and " + testFraction);
        }
    }

    private static void range(String name, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(name + ": expected " + lo + ".." + hi + ", found " + v);
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ClassifierSettings}; every default is here. Not thread-safe. */
    public static final class Builder {
        private TokenKind tokens = TokenKind.WORDS;
        private int minCount = 2;
        private int maxVocabulary = 20_000;
        private int maxLength = 200;
        private CellKind cell = CellKind.LSTM;
        private int embeddingDim = 32;
        private int hiddenSize = 64;
        private int layers = 1;
        private boolean bidirectional = true;
        private Pooling.Kind pooling = Pooling.Kind.MAX;
        private double dropout = 0.2;
        private boolean balanced = false;
        private int batch = 32;
        private int epochs = 30;
        private double timeSeconds = 0;
        private int patience = 4;
        private double learningRate = 3e-3;
        private double validationFraction = 0.1;
        private double testFraction = 0.1;
        private long seed = 1;
        private DivergencePolicy onDivergence = DivergencePolicy.STOP;
        private int threads = 0;

        private Builder() {
        }

        /** @param v characters or words (default words) @return this builder */
        public Builder tokens(TokenKind v) {
            tokens = v;
            return this;
        }

        /** @param v the least training count of a known token (default 2) @return this builder */
        public Builder minCount(int v) {
            minCount = v;
            return this;
        }

        /** @param v the most tokens in the vocabulary (default 20000) @return this builder */
        public Builder maxVocabulary(int v) {
            maxVocabulary = v;
            return this;
        }

        /** @param v the most tokens or steps read per example (default 200) @return this builder */
        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        /** @param v the cell (default LSTM) @return this builder */
        public Builder cell(CellKind v) {
            cell = v;
            return this;
        }

        /** @param v the embedding size (default 32) @return this builder */
        public Builder embeddingDim(int v) {
            embeddingDim = v;
            return this;
        }

        /** @param v units per layer and direction (default 64) @return this builder */
        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        /** @param v recurrent layers (default 1) @return this builder */
        public Builder layers(int v) {
            layers = v;
            return this;
        }

        /** @param v both directions (default true) @return this builder */
        public Builder bidirectional(boolean v) {
            bidirectional = v;
            return this;
        }

        /** @param v the pooling (default max) @return this builder */
        public Builder pooling(Pooling.Kind v) {
            pooling = v;
            return this;
        }

        /** @param v dropout in training (default 0.2) @return this builder */
        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        /** @param v balanced class weights (default false) @return this builder */
        public Builder balanced(boolean v) {
            balanced = v;
            return this;
        }

        /** @param v examples per step (default 32) @return this builder */
        public Builder batch(int v) {
            batch = v;
            return this;
        }

        /** @param v the most epochs (default 30) @return this builder */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /** @param v the most training seconds, 0 = none (default 0) @return this builder */
        public Builder timeSeconds(double v) {
            timeSeconds = v;
            return this;
        }

        /** @param v epochs without improvement before stopping (default 4) @return this builder */
        public Builder patience(int v) {
            patience = v;
            return this;
        }

        /** @param v Adam's learning rate (default 0.003) @return this builder */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** @param v the validation share per class (default 0.1) @return this builder */
        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        /** @param v the test share per class (default 0.1) @return this builder */
        public Builder testFraction(double v) {
            testFraction = v;
            return this;
        }

        /** @param v the seed (default 1) @return this builder */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param v threads, 0 = one per processor (default 0) @return this builder */
        public Builder threads(int v) {
            threads = v;
            return this;
        }

        /** @return the validated settings */
        /**
         * What a diverging training step does.
         *
         * @param value stop, skip or rollback
         * @return this builder
         */
        public Builder onDivergence(DivergencePolicy value) {
            onDivergence = value;
            return this;
        }

        public ClassifierSettings build() {
            return new ClassifierSettings(tokens, minCount, maxVocabulary, maxLength, cell, embeddingDim, hiddenSize,
                    layers, bidirectional, pooling, dropout, balanced, batch, epochs, timeSeconds, patience,
                    learningRate, validationFraction, testFraction, seed, threads, onDivergence);
        }
    }
}
