package dev.recur.forecast;

import dev.recur.data.table.FillPolicy;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.train.DivergencePolicy;
import java.util.List;

/**
 * Everything that decides a forecasting run besides the data, validated on construction. Build one
 * with {@link #builder()}: the defaults of {@code recur forecast train} live in {@link Builder} and
 * only there. Immutable and thread-safe.
 *
 * @param spec         the columns, window, horizon, season and split
 * @param networks     the recurrent networks to train: {@code [LSTM]}, {@code [GRU]}, or both for
 *                     model selection
 * @param select       whether the method with the lowest validation error serves the forecasts (a
 *                     baseline may win), or the (best) network does whatever the baselines score
 * @param hiddenSize   units per recurrent layer
 * @param layers       recurrent layers
 * @param dropout      dropout between layers and before the head, in training
 * @param batch        windows per training step
 * @param epochs       the most passes over the training windows
 * @param timeSeconds  the most training seconds per network (validation not counted); 0 for no limit
 * @param patience     validations (one per epoch) without improvement before stopping early
 * @param learningRate Adam's learning rate
 * @param maxArOrder   the largest order the AR(p) baseline may choose
 * @param seed         the seed of initialisation, shuffling and dropout
 * @param threads      threads to compute with (0 = one per processor)
 * @param onDivergence what a diverging training step does (stop, skip, rollback)
 */
public record ForecastSettings(ForecastSpec spec, List<CellKind> networks, boolean select, int hiddenSize, int layers,
                               double dropout, int batch, int epochs, double timeSeconds, int patience,
                               double learningRate, int maxArOrder, long seed, int threads,
                               DivergencePolicy onDivergence) {

    /**
     * Validates the fields; messages name the setting, the value and what is allowed.
     *
     * @param spec         the data settings
     * @param networks     the networks
     * @param select       whether to select by validation error
     * @param hiddenSize   the hidden size
     * @param layers       the layers
     * @param dropout      the dropout
     * @param batch        the batch
     * @param epochs       the epochs
     * @param timeSeconds  the time budget, 0 for none
     * @param patience     the patience
     * @param learningRate the learning rate
     * @param maxArOrder   the largest AR order
     * @param seed         the seed
     * @param threads      the threads
     * @param onDivergence the divergence policy
     */
    public ForecastSettings {
        if (onDivergence == null) {
            throw new IllegalArgumentException("divergence policy: must be given (stop, skip or rollback)");
        }
        if (spec == null) {
            throw new IllegalArgumentException("forecast settings: expected the data settings, found none");
        }
        networks = List.copyOf(networks == null ? List.of() : networks);
        if (networks.isEmpty() || !networks.stream().allMatch(k -> k == CellKind.LSTM || k == CellKind.GRU)
                || networks.size() != networks.stream()
                .distinct().count()) {
            throw new IllegalArgumentException("networks: expected lstm, gru or both, found " + networks);
        }
        range("hidden size", hiddenSize, 1, 4096);
        range("layers", layers, 1, 16);
        range("batch", batch, 1, 65536);
        range("epochs", epochs, 1, 1_000_000);
        range("patience", patience, 1, 1_000_000);
        range("AR order", maxArOrder, 1, 1000);
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

    /** Builds {@link ForecastSettings}; every default is here. Not thread-safe. */
    public static final class Builder {
        private String timeColumn;
        private List<String> targets = List.of();
        private List<String> covariates = List.of();
        private int window = 24;
        private int horizon = 1;
        private int season = 1;
        private FillPolicy fill = FillPolicy.NONE;
        private double validationFraction = 0.15;
        private double testFraction = 0.15;
        private double intervalLevel = 0.9;
        private List<CellKind> networks = List.of(CellKind.LSTM, CellKind.GRU);
        private boolean select = true;
        private int hiddenSize = 32;
        private int layers = 1;
        private double dropout = 0;
        private int batch = 32;
        private int epochs = 200;
        private double timeSeconds = 0;
        private int patience = 20;
        private double learningRate = 3e-3;
        private int maxArOrder = 24;
        private long seed = 1;
        private DivergencePolicy onDivergence = DivergencePolicy.STOP;
        private int threads = 0;

        private Builder() {
        }

        /** @param value the time column, or null (default: none) @return this builder */
        public Builder timeColumn(String value) {
            timeColumn = value;
            return this;
        }

        /** @param value the columns to forecast (required) @return this builder */
        public Builder targets(List<String> value) {
            targets = value;
            return this;
        }

        /** @param value further input columns (default: none) @return this builder */
        public Builder covariates(List<String> value) {
            covariates = value;
            return this;
        }

        /** @param value rows of history per forecast (default 24) @return this builder */
        public Builder window(int value) {
            window = value;
            return this;
        }

        /** @param value rows forecast at once (default 1) @return this builder */
        public Builder horizon(int value) {
            horizon = value;
            return this;
        }

        /** @param value the seasonal period in rows (default 1: none) @return this builder */
        public Builder season(int value) {
            season = value;
            return this;
        }

        /** @param value the fill policy for missing cells (default: none, refused) @return this builder */
        public Builder fill(FillPolicy value) {
            fill = value;
            return this;
        }

        /** @param value the validation share (default 0.15) @return this builder */
        public Builder validationFraction(double value) {
            validationFraction = value;
            return this;
        }

        /** @param value the test share (default 0.15) @return this builder */
        public Builder testFraction(double value) {
            testFraction = value;
            return this;
        }

        /** @param value the prediction interval's coverage (default 0.9) @return this builder */
        public Builder intervalLevel(double value) {
            intervalLevel = value;
            return this;
        }

        /** @param value the networks to train (default LSTM and GRU) @return this builder */
        public Builder networks(List<CellKind> value) {
            networks = value;
            return this;
        }

        /**
         * The model choice of {@code recur forecast train --model}: {@code auto} trains an LSTM and a
         * GRU and serves the method, network or baseline, with the lowest validation score; {@code lstm}
         * or {@code gru} trains and serves that network.
         *
         * @param id auto, lstm or gru
         * @return this builder
         * @throws IllegalArgumentException for another id
         */
        public Builder model(String id) {
            switch (id.toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> networks(List.of(CellKind.LSTM, CellKind.GRU)).select(true);
                case "lstm" -> networks(List.of(CellKind.LSTM)).select(false);
                case "gru" -> networks(List.of(CellKind.GRU)).select(false);
                default -> throw new IllegalArgumentException("model: expected auto, lstm or gru, found '" + id + "'");
            }
            return this;
        }

        /** @param value whether a baseline may win by validation error (default true) @return this builder */
        public Builder select(boolean value) {
            select = value;
            return this;
        }

        /** @param value units per layer (default 32) @return this builder */
        public Builder hiddenSize(int value) {
            hiddenSize = value;
            return this;
        }

        /** @param value recurrent layers (default 1) @return this builder */
        public Builder layers(int value) {
            layers = value;
            return this;
        }

        /** @param value dropout in training (default 0) @return this builder */
        public Builder dropout(double value) {
            dropout = value;
            return this;
        }

        /** @param value windows per step (default 32) @return this builder */
        public Builder batch(int value) {
            batch = value;
            return this;
        }

        /** @param value the most epochs (default 200) @return this builder */
        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        /** @param value the most training seconds per network, 0 = none (default 0) @return this builder */
        public Builder timeSeconds(double value) {
            timeSeconds = value;
            return this;
        }

        /** @param value epochs without improvement before stopping (default 20) @return this builder */
        public Builder patience(int value) {
            patience = value;
            return this;
        }

        /** @param value Adam's learning rate (default 0.003) @return this builder */
        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        /** @param value the largest AR order (default 24) @return this builder */
        public Builder maxArOrder(int value) {
            maxArOrder = value;
            return this;
        }

        /** @param value the seed (default 1) @return this builder */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** @param value threads, 0 = one per processor (default 0) @return this builder */
        public Builder threads(int value) {
            threads = value;
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

        public ForecastSettings build() {
            return new ForecastSettings(new ForecastSpec(timeColumn, targets, covariates, window, horizon, season,
                    fill, validationFraction, testFraction, intervalLevel), networks, select, hiddenSize, layers,
                    dropout, batch, epochs, timeSeconds, patience, learningRate, maxArOrder, seed, threads, onDivergence);
        }
    }
}
