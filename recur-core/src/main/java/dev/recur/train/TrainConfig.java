package dev.recur.train;

import dev.recur.data.CorpusSplit;
import dev.recur.model.CharLanguageModelConfig;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.AdamConfig;
import dev.recur.tensor.Parallel;
import dev.recur.tensor.TensorSize;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides a training run of a character language model, validated on
 * construction. Build one with {@link #builder()}: the defaults live in {@link Builder} and only
 * there (the model's shape defaults come from {@link CharLanguageModelConfig.Builder}).
 *
 * <p>The run stops when the step budget or the time budget is spent, whichever comes first; 0
 * means no budget of that kind, and at least one must be set. The step budget counts optimizer
 * steps from the start of the run (a resumed run continues towards the same total); the time budget
 * counts training time only, without validation and checkpoints, also across resumes.
 *
 * @param cell              the recurrent cell
 * @param embeddingDim      {@code E}
 * @param hiddenSize        {@code H}
 * @param layers            {@code L}
 * @param dropout           dropout probability in training
 * @param batch             {@code B}: parallel streams
 * @param seq               chunk length in time steps (truncated BPTT length)
 * @param trainFraction     the fraction of the corpus that trains (the rest validates)
 * @param optimizer         the optimizer and its hyper-parameters
 * @param clipNorm          clip the global gradient 2-norm to this ({@code 0} = no clipping)
 * @param schedule          the learning-rate schedule
 * @param steps             the step budget ({@code 0} = none)
 * @param timeBudgetSeconds the training-time budget in seconds ({@code 0} = none)
 * @param evalEvery         validate every this many steps, and at the end ({@code 0} = only at the end)
 * @param checkpointEvery   save a checkpoint every this many steps, and at the end ({@code 0} = only at
 *                          the end); only when the trainer has a checkpoint folder
 * @param seed              seeds the initial weights and the dropout masks
 * @param threads           threads for the kernels ({@code 0} = one per available processor); the
 *                          results do not depend on it
 */
public record TrainConfig(CellKind cell, int embeddingDim, int hiddenSize, int layers, double dropout, int batch,
                          int seq, double trainFraction, OptimizerChoice optimizer, double clipNorm,
                          ScheduleConfig schedule, long steps, double timeBudgetSeconds, int evalEvery,
                          int checkpointEvery, long seed, int threads) {

    /**
     * Validates every field; messages name the field, the value and what is allowed.
     *
     * @param cell the recurrent cell
     * @param embeddingDim {@code E}
     * @param hiddenSize {@code H}
     * @param layers {@code L}
     * @param dropout dropout probability in training
     * @param batch {@code B}: parallel streams
     * @param seq chunk length in time steps (truncated BPTT length)
     * @param trainFraction the fraction of the corpus that trains (the rest validates)
     * @param optimizer the optimizer and its hyper-parameters
     * @param clipNorm clip the global gradient 2-norm to this ({@code 0} = no clipping)
     * @param schedule the learning-rate schedule
     * @param steps the step budget ({@code 0} = none)
     * @param timeBudgetSeconds the training-time budget in seconds ({@code 0} = none)
     * @param evalEvery validate every this many steps, and at the end ({@code 0} = only at the end)
     * @param checkpointEvery save a checkpoint every this many steps, and at the end ({@code 0} = only at the end);
     *                        only when the trainer has a checkpoint folder
     * @param seed seeds the initial weights and the dropout masks
     * @param threads threads for the kernels ({@code 0} = one per available processor, at most
     *                {@link Parallel#MAX_THREADS}); the results do not depend on it
     */
    public TrainConfig {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer: must be given");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule: must be given");
        }
        // The model's own checks (cell, sizes, dropout), with a placeholder vocabulary size.
        new CharLanguageModelConfig(1, embeddingDim, cell, hiddenSize, layers, dropout);
        positive("batch", batch);
        positive("seq", seq);
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("train fraction: expected a number strictly between 0 and 1, found "
                    + trainFraction);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm: expected a finite number >= 0 (0 = no clipping), found "
                    + clipNorm);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps: expected >= 0 (0 = no step budget), found " + steps);
        }
        if (!(timeBudgetSeconds >= 0) || Double.isInfinite(timeBudgetSeconds)) {
            throw new IllegalArgumentException("time budget: expected a finite number of seconds >= 0 (0 = none), found "
                    + timeBudgetSeconds);
        }
        if (steps == 0 && timeBudgetSeconds == 0) {
            throw new IllegalArgumentException("budget: expected a step budget or a time budget, found neither");
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("eval every: expected >= 0 steps (0 = only at the end), found "
                    + evalEvery);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint every: expected >= 0 steps (0 = only at the end), found "
                    + checkpointEvery);
        }
        Parallel.requireThreads("threads", threads, true);
        // the activations of one chunk, each one array (the logits, [T, B, V], when the vocabulary is known)
        String bt = batch + " and " + seq;
        TensorSize.requireFits("batch and seq", bt, "the embedded inputs", seq, batch, embeddingDim);
        TensorSize.requireFits("batch and seq", bt, "the gate values of a layer", seq, batch,
                (long) cell.gates() * hiddenSize);
        TensorSize.requireFits("batch and seq", bt, "the hidden states of a layer", seq + 1L, batch, hiddenSize);
        // A schedule that cannot be built for this learning rate (e.g. cosine minimum above it).
        schedule.build(optimizer.learningRate());
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": expected a positive integer, found " + value);
        }
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
     * A builder holding this configuration, to change some fields.
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
        b.optimizer = optimizer;
        b.clipNorm = clipNorm;
        b.schedule = schedule;
        b.steps = steps;
        b.timeBudgetSeconds = timeBudgetSeconds;
        b.evalEvery = evalEvery;
        b.checkpointEvery = checkpointEvery;
        b.seed = seed;
        b.threads = threads;
        return b;
    }

    /**
     * The model configuration for a vocabulary of {@code vocabSize} characters.
     *
     * @param vocabSize {@code V}
     * @return the configuration
     * @throws IllegalArgumentException if a tensor of the model, or the logits of a chunk, would not
     *                                  fit in one array
     */
    public CharLanguageModelConfig modelConfig(int vocabSize) {
        CharLanguageModelConfig model = new CharLanguageModelConfig(vocabSize, embeddingDim, cell, hiddenSize, layers,
                dropout);
        TensorSize.requireFits("batch and seq", batch + " and " + seq, "the logits", seq, batch, vocabSize);
        return model;
    }

    /**
     * The number of threads to compute with: {@link #threads()}, or one per available processor
     * when that is 0.
     *
     * @return at least 1
     */
    public int effectiveThreads() {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The fields as JSON-compatible values (for checkpoints).
     *
     * @return a new map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cell", cell.id());
        m.put("embedding_dim", embeddingDim);
        m.put("hidden_size", hiddenSize);
        m.put("layers", layers);
        m.put("dropout", dropout);
        m.put("batch", batch);
        m.put("seq", seq);
        m.put("train_fraction", trainFraction);
        m.put("optimizer", optimizer.toMap());
        m.put("clip_norm", clipNorm);
        m.put("schedule", schedule.toMap());
        m.put("steps", steps);
        m.put("time_budget_s", timeBudgetSeconds);
        m.put("eval_every", evalEvery);
        m.put("checkpoint_every", checkpointEvery);
        m.put("seed", seed);
        m.put("threads", threads);
        return m;
    }

    /**
     * Restores a configuration from {@link #toMap()}.
     *
     * @param m the map
     * @return the configuration
     * @throws IllegalArgumentException if a field is missing or invalid
     */
    public static TrainConfig fromMap(Map<String, ?> m) {
        MapFields f = new MapFields("config", m);
        return new TrainConfig(CellKind.fromId(f.text("cell")), f.integer("embedding_dim"), f.integer("hidden_size"),
                f.integer("layers"), f.number("dropout"), f.integer("batch"), f.integer("seq"),
                f.number("train_fraction"), OptimizerChoice.fromMap(f.object("optimizer")), f.number("clip_norm"),
                ScheduleConfig.fromMap(f.object("schedule")), f.longValue("steps"), f.number("time_budget_s"),
                f.integer("eval_every"), f.integer("checkpoint_every"), f.longValue("seed"),
                // a run saved before threads were capped may hold more; results do not depend on the count
                Math.min(f.integer("threads"), Parallel.MAX_THREADS));
    }

    /**
     * Builds a {@link TrainConfig}. Defaults: the model of {@link CharLanguageModelConfig#builder}
     * (LSTM, embedding 64, hidden 256, 2 layers, no dropout); batch 32, sequence length 100, the
     * first 90% of the corpus trains; Adam with learning rate 0.002 (PyTorch's other defaults),
     * gradient norm clipped to 5, constant learning rate; {@value #DEFAULT_STEPS} steps, no time
     * budget; validation and checkpoint every {@value #DEFAULT_EVAL_EVERY} steps; seed 1; one thread
     * per processor.
     */
    public static final class Builder {
        /** The default step budget: sized so that the default run ends within minutes on 2 cores. */
        public static final long DEFAULT_STEPS = 1200;
        /** The default validation and checkpoint interval, in steps. */
        public static final int DEFAULT_EVAL_EVERY = 200;
        /** The default learning rate (the reference's). */
        public static final double DEFAULT_LR = 2e-3;

        private CellKind cell;
        private int embeddingDim;
        private int hiddenSize;
        private int layers;
        private double dropout;
        private int batch = 32;
        private int seq = 100;
        private double trainFraction = CorpusSplit.DEFAULT_TRAIN_FRACTION;
        private OptimizerChoice optimizer = new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(DEFAULT_LR).build());
        private double clipNorm = 5.0;
        private ScheduleConfig schedule = ScheduleConfig.constant();
        private long steps = DEFAULT_STEPS;
        private double timeBudgetSeconds = 0;
        private int evalEvery = DEFAULT_EVAL_EVERY;
        private int checkpointEvery = DEFAULT_EVAL_EVERY;
        private long seed = 1;
        private int threads = 0;

        private Builder() {
            CharLanguageModelConfig model = CharLanguageModelConfig.builder(1).build();
            cell = model.cell();
            embeddingDim = model.embeddingDim();
            hiddenSize = model.hiddenSize();
            layers = model.numLayers();
            dropout = model.dropout();
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
         * The optimizer (default Adam, learning rate 0.002).
         *
         * @param value the choice
         * @return this builder
         */
        public Builder optimizer(OptimizerChoice value) {
            optimizer = value;
            return this;
        }

        /**
         * The gradient-norm clipping threshold (default 5; 0 = none).
         *
         * @param value the maximal global 2-norm
         * @return this builder
         */
        public Builder clipNorm(double value) {
            clipNorm = value;
            return this;
        }

        /**
         * The learning-rate schedule (default constant).
         *
         * @param value the schedule
         * @return this builder
         */
        public Builder schedule(ScheduleConfig value) {
            schedule = value;
            return this;
        }

        /**
         * The step budget (default {@value #DEFAULT_STEPS}; 0 = none).
         *
         * @param value the number of steps
         * @return this builder
         */
        public Builder steps(long value) {
            steps = value;
            return this;
        }

        /**
         * The training-time budget in seconds (default 0 = none).
         *
         * @param value the seconds
         * @return this builder
         */
        public Builder timeBudgetSeconds(double value) {
            timeBudgetSeconds = value;
            return this;
        }

        /**
         * The validation interval in steps (default {@value #DEFAULT_EVAL_EVERY}; 0 = only at the end).
         *
         * @param value the interval
         * @return this builder
         */
        public Builder evalEvery(int value) {
            evalEvery = value;
            return this;
        }

        /**
         * The checkpoint interval in steps (default {@value #DEFAULT_EVAL_EVERY}; 0 = only at the end).
         *
         * @param value the interval
         * @return this builder
         */
        public Builder checkpointEvery(int value) {
            checkpointEvery = value;
            return this;
        }

        /**
         * The seed of the initial weights and dropout masks (default 1).
         *
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * The number of threads (default 0 = one per processor).
         *
         * @param value the threads
         * @return this builder
         */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /**
         * The validated configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a field is invalid
         */
        public TrainConfig build() {
            return new TrainConfig(cell, embeddingDim, hiddenSize, layers, dropout, batch, seq, trainFraction,
                    optimizer, clipNorm, schedule, steps, timeBudgetSeconds, evalEvery, checkpointEvery, seed,
                    threads);
        }
    }
}
