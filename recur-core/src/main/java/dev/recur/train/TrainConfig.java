package dev.recur.train;

import dev.recur.io.MapFields;
import dev.recur.nn.loss.Metric;
import dev.recur.optim.AdamConfig;
import dev.recur.tensor.Parallel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link Trainer} trains any model, validated on construction: the optimizer, the gradient
 * clipping, the learning-rate schedule, the budgets, the validation and checkpoint intervals, the
 * metrics, early stopping and what happens when a step diverges. Build one with
 * {@link #builder()}: the defaults live in {@link Builder} and only there. What the model is and
 * what data it reads belong to the model and its data source.
 *
 * <p>The run stops when the step, epoch or time budget is spent, whichever comes first (0 = no
 * budget of that kind; at least one must be set), or when early stopping says so. The budgets count
 * from the start of the run, across resumes; the time budget counts training time only, without
 * validation and checkpoints.
 *
 * <p>Immutable and thread-safe (the metric list is an unmodifiable copy); its {@link Builder} is
 * not.
 *
 * @param optimizer         the optimizer and its hyper-parameters
 * @param clipNorm          clip the global gradient 2-norm to this ({@code 0} = no clipping)
 * @param schedule          the learning-rate schedule
 * @param steps             the step budget ({@code 0} = none)
 * @param epochs            the epoch budget ({@code 0} = none): passes over the training data
 * @param timeBudgetSeconds the training-time budget in seconds ({@code 0} = none)
 * @param evalEvery         validate every this many steps, and at the end ({@code 0} = only at the end)
 * @param checkpointEvery   save a checkpoint every this many steps, and at the end ({@code 0} = only
 *                          at the end); only when a checkpoint is being written
 * @param metrics           what validation measures besides the loss
 * @param earlyStopping     when to stop because validation stopped improving, or null for never
 * @param onDivergence      what a step whose loss, gradient or carried state is NaN or infinite does
 * @param seed              the seed of the run: initial weights, data order, dropout, final sample
 * @param threads           threads for the kernels ({@code 0} = one per available processor); the
 *                          results do not depend on it
 */
public record TrainConfig(OptimizerChoice optimizer, double clipNorm, ScheduleConfig schedule, long steps, long epochs,
                          double timeBudgetSeconds, int evalEvery, int checkpointEvery, List<Metric> metrics,
                          EarlyStopping earlyStopping, DivergencePolicy onDivergence, long seed, int threads) {

    /**
     * Validates every field; messages name the field, the value and what is allowed.
     *
     * @param optimizer         the optimizer
     * @param clipNorm          the clipping threshold
     * @param schedule          the schedule
     * @param steps             the step budget
     * @param epochs            the epoch budget
     * @param timeBudgetSeconds the time budget
     * @param evalEvery         the validation interval
     * @param checkpointEvery   the checkpoint interval
     * @param metrics           the metrics
     * @param earlyStopping     early stopping, or null
     * @param onDivergence      the divergence policy
     * @param seed              the seed
     * @param threads           the threads
     */
    public TrainConfig {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer: must be given");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule: must be given");
        }
        if (onDivergence == null) {
            throw new IllegalArgumentException("divergence policy: must be given (stop or skip)");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm: expected a finite number >= 0 (0 = no clipping), found "
                    + clipNorm);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps: expected >= 0 (0 = no step budget), found " + steps);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs: expected >= 0 (0 = no epoch budget), found " + epochs);
        }
        if (!(timeBudgetSeconds >= 0) || Double.isInfinite(timeBudgetSeconds)) {
            throw new IllegalArgumentException("time budget: expected a finite number of seconds >= 0 (0 = none), found "
                    + timeBudgetSeconds);
        }
        if (steps == 0 && epochs == 0 && timeBudgetSeconds == 0) {
            throw new IllegalArgumentException("budget: expected a step, epoch or time budget, found none");
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("eval every: expected >= 0 steps (0 = only at the end), found "
                    + evalEvery);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint every: expected >= 0 steps (0 = only at the end), found "
                    + checkpointEvery);
        }
        metrics = List.copyOf(metrics == null ? List.of() : metrics);
        if (earlyStopping != null && !earlyStopping.metric().equals(EarlyStopping.LOSS)
                && metrics.stream().noneMatch(m -> m.id().equals(earlyStopping.metric()))) {
            throw new IllegalArgumentException("early stopping: expected the loss or a metric validation computes ("
                    + String.join(", ", metrics.stream().map(Metric::id).toList()) + "), found '"
                    + earlyStopping.metric() + "'");
        }
        Parallel.requireThreads("threads", threads, true);
        // a schedule that cannot be built for this learning rate (e.g. cosine minimum above it)
        schedule.build(optimizer.learningRate());
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
        b.optimizer = optimizer;
        b.clipNorm = clipNorm;
        b.schedule = schedule;
        b.steps = steps;
        b.epochs = epochs;
        b.timeBudgetSeconds = timeBudgetSeconds;
        b.evalEvery = evalEvery;
        b.checkpointEvery = checkpointEvery;
        b.metrics = metrics;
        b.earlyStopping = earlyStopping;
        b.onDivergence = onDivergence;
        b.seed = seed;
        b.threads = threads;
        return b;
    }

    /**
     * What a resumed run may change, and nothing else: the budgets, the intervals and the threads.
     * A budget given replaces the run's own budgets (a run trained for 5 minutes and resumed with a
     * step budget trains to that step, with no time budget), because the budgets count from the
     * start of the run; the others keep the run's values where null.
     *
     * @param steps           the new step budget, or null
     * @param epochs          the new epoch budget, or null
     * @param timeSeconds     the new time budget, or null
     * @param evalEvery       the new validation interval, or null
     * @param checkpointEvery the new checkpoint interval, or null
     * @param threads         the new thread count, or null
     */
    public record Changes(Long steps, Long epochs, Double timeSeconds, Integer evalEvery, Integer checkpointEvery,
                          Integer threads) {

        /** No change. */
        public static final Changes NONE = new Changes(null, null, null, null, null, null);

        /** Whether a budget is given. */
        public boolean budget() {
            return steps != null || epochs != null || timeSeconds != null;
        }
    }

    /**
     * This configuration with a resumed run's {@link Changes}.
     *
     * @param changes what changes
     * @return the configuration to continue with
     * @throws IllegalArgumentException if the result is invalid (e.g. every budget 0)
     */
    public TrainConfig with(Changes changes) {
        Builder b = toBuilder();
        if (changes.budget()) {
            b.steps(changes.steps() == null ? 0 : changes.steps());
            b.epochs(changes.epochs() == null ? 0 : changes.epochs());
            b.timeBudgetSeconds(changes.timeSeconds() == null ? 0 : changes.timeSeconds());
        }
        if (changes.evalEvery() != null) {
            b.evalEvery(changes.evalEvery());
        }
        if (changes.checkpointEvery() != null) {
            b.checkpointEvery(changes.checkpointEvery());
        }
        if (changes.threads() != null) {
            b.threads(changes.threads());
        }
        return b.build();
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
        m.put("optimizer", optimizer.toMap());
        m.put("clip_norm", clipNorm);
        m.put("schedule", schedule.toMap());
        m.put("steps", steps);
        m.put("epochs", epochs);
        m.put("time_budget_s", timeBudgetSeconds);
        m.put("eval_every", evalEvery);
        m.put("checkpoint_every", checkpointEvery);
        m.put("metrics", metrics.stream().map(Metric::id).toList());
        m.put("early_stopping", earlyStopping == null ? null : earlyStopping.toMap());
        m.put("on_divergence", onDivergence.id());
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
        MapFields f = new MapFields("training.config", m);
        List<Metric> metrics = new ArrayList<>();
        if (!(m.get("metrics") instanceof List<?> ids)) {
            throw new IllegalArgumentException("training.config.metrics: expected a list, found " + m.get("metrics"));
        }
        for (Object id : ids) {
            metrics.add(Metric.fromId(String.valueOf(id)));
        }
        return new TrainConfig(OptimizerChoice.fromMap(f.object("optimizer")), f.number("clip_norm"),
                ScheduleConfig.fromMap(f.object("schedule")), f.longValue("steps"), f.longValue("epochs"),
                f.number("time_budget_s"), f.integer("eval_every"), f.integer("checkpoint_every"), metrics,
                f.has("early_stopping") ? EarlyStopping.fromMap(f.object("early_stopping")) : null,
                DivergencePolicy.fromId(f.text("on_divergence")), f.longValue("seed"),
                // a run saved before threads were capped may hold more; results do not depend on the count
                Math.min(f.integer("threads"), Parallel.MAX_THREADS));
    }

    /**
     * Builds a {@link TrainConfig}. Defaults: Adam with PyTorch's settings (learning rate 0.001), no
     * gradient clipping, a constant learning rate, a budget of 1,000 steps (no epoch or time budget),
     * validation and a checkpoint every 100 steps, no metrics besides the loss, no early stopping,
     * stop on divergence, seed 1, one thread per processor.
     */
    public static final class Builder {
        private OptimizerChoice optimizer = new OptimizerChoice.AdamChoice(AdamConfig.adam().build());
        private double clipNorm = 0;
        private ScheduleConfig schedule = ScheduleConfig.constant();
        private long steps = 1000;
        private long epochs = 0;
        private double timeBudgetSeconds = 0;
        private int evalEvery = 100;
        private int checkpointEvery = 100;
        private List<Metric> metrics = List.of();
        private EarlyStopping earlyStopping;
        private DivergencePolicy onDivergence = DivergencePolicy.STOP;
        private long seed = 1;
        private int threads = 0;

        private Builder() {
        }

        /**
         * The optimizer (default Adam, learning rate 0.001).
         *
         * @param value the choice
         * @return this builder
         */
        public Builder optimizer(OptimizerChoice value) {
            optimizer = value;
            return this;
        }

        /**
         * The gradient-norm clipping threshold (default 0 = none).
         *
         * @param value the largest global 2-norm
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
         * The step budget (default 1,000; 0 = none).
         *
         * @param value the steps
         * @return this builder
         */
        public Builder steps(long value) {
            steps = value;
            return this;
        }

        /**
         * The epoch budget (default 0 = none).
         *
         * @param value the epochs
         * @return this builder
         */
        public Builder epochs(long value) {
            epochs = value;
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
         * The validation interval in steps (default 100; 0 = only at the end).
         *
         * @param value the interval
         * @return this builder
         */
        public Builder evalEvery(int value) {
            evalEvery = value;
            return this;
        }

        /**
         * The checkpoint interval in steps (default 100; 0 = only at the end).
         *
         * @param value the interval
         * @return this builder
         */
        public Builder checkpointEvery(int value) {
            checkpointEvery = value;
            return this;
        }

        /**
         * What validation measures besides the loss (default none).
         *
         * @param value the metrics
         * @return this builder
         */
        public Builder metrics(List<Metric> value) {
            metrics = value;
            return this;
        }

        /**
         * Early stopping (default none).
         *
         * @param value the rule, or null
         * @return this builder
         */
        public Builder earlyStopping(EarlyStopping value) {
            earlyStopping = value;
            return this;
        }

        /**
         * What a diverging step does (default {@link DivergencePolicy#STOP}).
         *
         * @param value the policy
         * @return this builder
         */
        public Builder onDivergence(DivergencePolicy value) {
            onDivergence = value;
            return this;
        }

        /**
         * The seed of the run (default 1).
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
            return new TrainConfig(optimizer, clipNorm, schedule, steps, epochs, timeBudgetSeconds, evalEvery,
                    checkpointEvery, metrics, earlyStopping, onDivergence, seed, threads);
        }
    }
}
