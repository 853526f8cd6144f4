package dev.recur.tasks;

/**
 * The hyper-parameters and budget of an {@link Experiment}, validated on construction. Every cell
 * trained on a task uses the same ones: those chosen for the LSTM. {@link #defaults(Task)} holds
 * recur's choice per task and is the only place defaults live; change single fields with
 * {@link #toBuilder()}.
 *
 * <p>The optimizer is Adam (PyTorch's defaults apart from the learning rate), the gradient is
 * clipped to a global 2-norm of {@code clipNorm}, and every step draws a fresh training batch.
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param hiddenSize     {@code H} of the single recurrent layer
 * @param batchSize      training sequences per step, at most {@value #MAX_BATCH_SIZE}
 * @param learningRate   Adam's learning rate, constant
 * @param clipNorm       largest global gradient norm ({@code > 0})
 * @param steps          optimizer steps
 * @param evalEvery      steps between evaluations on the test set (the last step is always evaluated)
 * @param testSize       test sequences, drawn once per seed, at most {@value #MAX_TEST_SIZE}
 * @param chrono         whether the gated cells get the chrono initialisation of their gate biases with
 *                       the task's longest sequence as horizon (see
 *                       {@link dev.recur.model.SequenceModelConfig#chronoHorizon()})
 * @param stopWhenSolved whether to stop at the first evaluation that meets the task's criterion
 * @param forgetBias     without the chrono initialisation: the LSTM's forget-gate bias ({@code b_ih}
 *                       of the f rows, {@code b_hh} 0), or NaN for PyTorch's initialisation (the
 *                       default; see {@link dev.recur.nn.sequence.RecurrentConfig#forgetBias()})
 */
public record ExperimentConfig(int hiddenSize, int batchSize, double learningRate, double clipNorm, long steps,
                               long evalEvery, int testSize, boolean chrono, boolean stopWhenSolved,
                               double forgetBias) {

    /** Hidden size of every task's model. */
    static final int HIDDEN = 64;
    /** Adam's learning rate for every task. */
    static final double LEARNING_RATE = 1e-3;
    /** Gradient clipping for every task. */
    static final double CLIP_NORM = 1.0;
    /**
     * The budget of the adding problem and the lag task is {@code WORK / T} steps (capped): the cost of
     * a step grows with {@code T}, so every length gets about the same time.
     */
    static final long WORK = 3_000_000;

    /** The most training sequences per step: a thousand times the tasks' batches. */
    public static final int MAX_BATCH_SIZE = 65_536;
    /** The most test sequences: a hundred times the tasks' test sets, which are held in memory. */
    public static final int MAX_TEST_SIZE = 100_000;

    /** Validates every field. */
    public ExperimentConfig {
        positive("hidden size", hiddenSize);
        positive("batch size", batchSize);
        positive("test size", testSize);
        if (batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size: expected 1.." + MAX_BATCH_SIZE + " sequences, found "
                    + batchSize + "; likely cause: a batch too large to train on in memory");
        }
        if (testSize > MAX_TEST_SIZE) {
            throw new IllegalArgumentException("test size: expected 1.." + MAX_TEST_SIZE + " sequences, found "
                    + testSize + "; likely cause: a test set too large to hold in memory");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate: expected a finite number > 0, found " + learningRate);
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm: expected a finite number > 0, found " + clipNorm);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps: expected >= 1, found " + steps);
        }
        if (evalEvery < 1) {
            throw new IllegalArgumentException("evaluation interval: expected >= 1 steps, found " + evalEvery);
        }
        if (Double.isInfinite(forgetBias)) {
            throw new IllegalArgumentException("forget bias: expected a finite number (or NaN for PyTorch's "
                    + "initialisation), found " + forgetBias);
        }
        if (chrono && !Double.isNaN(forgetBias)) {
            throw new IllegalArgumentException("forget bias: expected none with the chrono initialisation, which sets "
                    + "the forget gate's bias itself, found " + forgetBias + "; likely fix: turn the chrono "
                    + "initialisation off");
        }
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + ": expected >= 1, found " + value);
        }
    }

    /**
     * recur's hyper-parameters and budget for {@code task}, chosen for the LSTM from the literature
     * and kept to about 6 minutes of training or less on one core:
     * <table>
     *   <caption>Defaults</caption>
     *   <tr><th>task</th><th>H</th><th>batch</th><th>steps</th><th>eval every</th><th>test size</th></tr>
     *   <tr><td>adding, length T</td><td>64</td><td>64</td><td>min(20000, 3e6 / T)</td><td>250</td><td>1000</td></tr>
     *   <tr><td>order (6a)</td><td>64</td><td>64</td><td>10000</td><td>250</td><td>1000</td></tr>
     *   <tr><td>lag, p</td><td>64</td><td>32</td><td>min(5000, 3e6 / p)</td><td>100</td><td>200</td></tr>
     * </table>
     * All: Adam with learning rate 1e-3, gradient clipping at global norm 1, chrono initialisation,
     * no early stop. Budgets are rounded down to a multiple of the evaluation interval.
     */
    public static ExperimentConfig defaults(Task task) {
        if (task == null) {
            throw new IllegalArgumentException("experiment defaults: expected a task, found null");
        }
        if (task instanceof AddingProblem adding) {
            return new ExperimentConfig(HIDDEN, 64, LEARNING_RATE, CLIP_NORM, budget(20_000, adding.length(), 250),
                    250, 1000, true, false, Double.NaN);
        }
        if (task instanceof TemporalOrder) {
            return new ExperimentConfig(HIDDEN, 64, LEARNING_RATE, CLIP_NORM, 10_000, 250, 1000, true, false, Double.NaN);
        }
        LagRecall lag = (LagRecall) task;
        return new ExperimentConfig(HIDDEN, 32, LEARNING_RATE, CLIP_NORM, budget(5_000, lag.lag(), 100), 100, 200,
                true, false, Double.NaN);
    }

    private static long budget(long cap, int length, long every) {
        long steps = Math.min(cap, WORK / length);
        return Math.max(every, steps / every * every);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes single fields of an {@link ExperimentConfig}. */
    public static final class Builder {
        private int hiddenSize;
        private int batchSize;
        private double learningRate;
        private double clipNorm;
        private long steps;
        private long evalEvery;
        private int testSize;
        private boolean chrono;
        private boolean stopWhenSolved;
        private double forgetBias;

        private Builder(ExperimentConfig c) {
            hiddenSize = c.hiddenSize;
            batchSize = c.batchSize;
            learningRate = c.learningRate;
            clipNorm = c.clipNorm;
            steps = c.steps;
            evalEvery = c.evalEvery;
            testSize = c.testSize;
            chrono = c.chrono;
            stopWhenSolved = c.stopWhenSolved;
            forgetBias = c.forgetBias;
        }

        /** {@code H}. */
        public Builder hiddenSize(int value) {
            hiddenSize = value;
            return this;
        }

        /** Training sequences per step. */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /** Adam's learning rate. */
        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        /** Largest global gradient norm. */
        public Builder clipNorm(double value) {
            clipNorm = value;
            return this;
        }

        /** Optimizer steps. */
        public Builder steps(long value) {
            steps = value;
            return this;
        }

        /** Steps between evaluations. */
        public Builder evalEvery(long value) {
            evalEvery = value;
            return this;
        }

        /** Test sequences. */
        public Builder testSize(int value) {
            testSize = value;
            return this;
        }

        /** Chrono initialisation of the gate biases. */
        public Builder chrono(boolean value) {
            chrono = value;
            return this;
        }

        /** Stop at the first evaluation that meets the task's criterion. */
        public Builder stopWhenSolved(boolean value) {
            stopWhenSolved = value;
            return this;
        }

        /** The LSTM's forget-gate bias without the chrono initialisation; NaN for PyTorch's initialisation. */
        public Builder forgetBias(double value) {
            forgetBias = value;
            return this;
        }

        /** The validated configuration. */
        public ExperimentConfig build() {
            return new ExperimentConfig(hiddenSize, batchSize, learningRate, clipNorm, steps, evalEvery, testSize,
                    chrono, stopWhenSolved, forgetBias);
        }
    }
}
