package dev.recur.tasks;

import dev.recur.data.Batch;
import dev.recur.model.EvalResult;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.Metric;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.AdamConfig;
import dev.recur.tensor.Precision;
import dev.recur.tensor.TensorSize;
import dev.recur.train.DivergencePolicy;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingEvents;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains one cell on one {@link Task} and evaluates it on a fixed test set: one run of a long-lag
 * experiment, with the one {@link Trainer} of recur.
 *
 * <p>The seed alone fixes the test set, the probe batch, the stream of training batches and the
 * initial weights (drawn from independent streams split off one generator), so the cells compared
 * on a task under one seed see exactly the same data. A training step draws a fresh batch
 * ({@link TaskData}), computes the mean loss and its gradient, clips the gradient to the configured
 * global norm and takes an Adam step; a step whose loss or gradient norm is not finite is skipped
 * and counted ({@link DivergencePolicy#SKIP}). Nothing here prints: evaluations go to the listener
 * given to {@link #run}.
 *
 * <p>Not thread-safe.
 *
 * @param <A> the array type of the model ({@code float[]} to train fast, {@code double[]} to verify)
 */
public final class Experiment<A> {

    /** Sequences per forward pass when evaluating. */
    static final int EVAL_BATCH = 256;

    private final Task task;
    private final CellKind cell;
    private final ExperimentConfig config;
    private final long seed;
    private final SequenceModel<A> model;
    private final List<Batch> testSet;
    private final SplittableRandom probeRng;
    private final Trainer<A> trainer;
    private boolean ran;

    private Experiment(Task task, CellKind cell, ExperimentConfig config, long seed, Precision<A> precision) {
        this.task = task;
        this.cell = cell;
        this.config = config;
        this.seed = seed;
        requireFits(task, cell, config);
        SplittableRandom rng = new SplittableRandom(seed);
        SplittableRandom testRng = rng.split();
        rng.split();   // the training stream's generator: TaskData makes its own in the same state
        this.probeRng = rng.split();
        long modelSeed = rng.nextLong();
        this.model = SequenceModel.create(modelConfig(task, cell, config), precision, modelSeed);
        List<Batch> test = new ArrayList<>();
        for (int done = 0; done < config.testSize(); done += EVAL_BATCH) {
            test.add(task.sample(Math.min(EVAL_BATCH, config.testSize() - done), testRng));
        }
        this.testSet = List.copyOf(test);
        TaskData data = new TaskData(task, config.batchSize(), () -> {
            SplittableRandom r = new SplittableRandom(seed);
            r.split();
            return r.split();
        });
        TrainConfig train = TrainConfig.builder()
                .optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(config.learningRate()).build()))
                .clipNorm(config.clipNorm()).steps(config.steps()).evalEvery((int) Math.min(Integer.MAX_VALUE,
                        config.evalEvery())).checkpointEvery(0).metrics(task.objective().metrics())
                .onDivergence(DivergencePolicy.SKIP).seed(seed).threads(precision.kernels().threads())
                .build();
        this.trainer = Trainer.create(model, task.objective().loss(), data, testSet, train);
    }

    /**
     * Sets up an experiment: draws the test set and initialises the model and the optimizer.
     *
     * @param task      the task
     * @param cell      the cell to train
     * @param config    hyper-parameters and budget, e.g. {@link ExperimentConfig#defaults(Task)}
     * @param seed      fixes data and initial weights
     * @param precision the precision to train in, e.g. {@code Precision.F32.withThreads(n)}
     * @param <A>       the array type
     * @return the experiment
     */
    public static <A> Experiment<A> create(Task task, CellKind cell, ExperimentConfig config, long seed,
                                           Precision<A> precision) {
        if (task == null || cell == null || config == null || precision == null) {
            throw new IllegalArgumentException("experiment: expected a task, a cell, a configuration and a precision, "
                    + "found " + task + ", " + cell + ", " + config + ", " + precision);
        }
        return new Experiment<>(task, cell, config, seed, precision);
    }

    /**
     * The model an experiment trains: one unidirectional layer of {@code H} units of {@code cell}
     * (the recurrent stack's defaults otherwise, the LSTM's forget bias as configured) over the
     * task's numeric inputs, read at each sequence's own last step by a linear head, with the chrono
     * horizon set to the task's longest sequence when the configuration asks for it.
     *
     * @param task   the task
     * @param cell   the cell
     * @param config the hyper-parameters
     * @return the model's configuration
     */
    public static SequenceModelConfig modelConfig(Task task, CellKind cell, ExperimentConfig config) {
        SequenceModelConfig.Builder b = SequenceModelConfig.builder().features(task.inputSize())
                .cell(cell, config.hiddenSize()).pooling(Pooling.Kind.LAST).outputs(task.outputs())
                .chronoHorizon(config.chrono() ? Math.max(2, task.maxSteps()) : 0);
        if (cell == CellKind.LSTM) {
            b.forgetBias(config.forgetBias());
        }
        return b.build();
    }

    /**
     * Checks, before anything is allocated, that every array of an experiment can exist: those of the
     * model ({@link #modelConfig}), of a training batch and of a chunk of the test set.
     *
     * @param task   the task
     * @param cell   the cell
     * @param config hyper-parameters and budget
     * @throws IllegalArgumentException naming the setting, the array and the limit, if one would not
     *                                  fit in a Java array
     */
    public static void requireFits(Task task, CellKind cell, ExperimentConfig config) {
        modelConfig(task, cell, config);
        requireBatchFits(task, cell, config.hiddenSize(), "batch size", config.batchSize());
        int chunk = Math.min(EVAL_BATCH, config.testSize());
        String tested = config.testSize() + (chunk < config.testSize() ? " (tested " + chunk + " at a time)" : "");
        batchFits(task, cell, config.hiddenSize(), "test size", tested, "a test chunk", chunk);
    }

    /**
     * Checks that the arrays of a batch of {@code sequences} sequences of the task can exist: its
     * inputs {@code [T, B, I]} and, for a layer of {@code hiddenSize} units of {@code cell}, the gate
     * values {@code [T, B, G*H]} and the hidden states {@code [T+1, B, H]}.
     *
     * @param task       the task ({@code T} is its longest sequence)
     * @param cell       the cell
     * @param hiddenSize {@code H}
     * @param what       the setting that gives the batch size, as messages name it (e.g. {@code "probe size"})
     * @param sequences  {@code B}
     * @throws IllegalArgumentException naming the setting, the array and the limit, if one would not
     *                                  fit in a Java array
     */
    public static void requireBatchFits(Task task, CellKind cell, int hiddenSize, String what, int sequences) {
        batchFits(task, cell, hiddenSize, what, sequences, "a batch", sequences);
    }

    private static void batchFits(Task task, CellKind cell, int hiddenSize, String what, Object value, String batch,
                                  int sequences) {
        long steps = task.maxSteps();
        TensorSize.requireFits(what, value, "the inputs of " + batch, steps, sequences, task.inputSize());
        TensorSize.requireFits(what, value, "the gate values of " + batch, steps, sequences,
                (long) cell.gates() * hiddenSize);
        TensorSize.requireFits(what, value, "the hidden states of " + batch, steps + 1, sequences, hiddenSize);
    }

    /** The task. */
    public Task task() {
        return task;
    }

    /** The cell. */
    public CellKind cell() {
        return cell;
    }

    /** The hyper-parameters and budget. */
    public ExperimentConfig config() {
        return config;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The model (trained in place by {@link #run}). */
    public SequenceModel<A> model() {
        return model;
    }

    /** The test set, in chunks of at most {@value #EVAL_BATCH} sequences. */
    public List<Batch> testSet() {
        return testSet;
    }

    /**
     * A batch of {@code size} sequences for diagnostics, drawn from a stream of its own: the same for
     * every cell under one seed, and apart from both the training and the test data. Calls after the
     * first continue the stream.
     *
     * @param size the number of sequences
     * @return the batch
     * @throws IllegalArgumentException if {@code size} is below 1 or its arrays would not fit in a Java array
     */
    public Batch probe(int size) {
        requireBatchFits(task, cell, config.hiddenSize(), "probe size", size);
        return task.sample(size, probeRng);
    }

    /** Optimizer steps taken so far (skipped steps not counted). */
    public long step() {
        return trainer.stepCount() - trainer.skipped();
    }

    /**
     * The mean test loss and accuracy (NaN for regression) of the model as it is now.
     *
     * @return {@code {loss, accuracy}}
     */
    public double[] test() {
        EvalResult r = dev.recur.model.Evaluation.evaluate(model, task.objective().loss(), testSet,
                task.objective().metrics());
        return new double[] {r.loss(), r.metrics().getOrDefault(Metric.ACCURACY.id(), Double.NaN)};
    }

    /**
     * Trains for the configured number of steps (fewer if it stops when solved), evaluating every
     * {@code evalEvery} steps and after the last.
     *
     * @param listener receives every evaluation as it is made; may be null
     * @return all evaluations
     * @throws IllegalStateException if the experiment has already run
     */
    public ExperimentResult run(Consumer<Evaluation> listener) {
        if (ran) {
            throw new IllegalStateException("experiment already ran: expected a fresh experiment; likely cause: run() "
                    + "called twice (create a new experiment for another run)");
        }
        ran = true;
        long start = System.nanoTime();
        List<Evaluation> evaluations = new ArrayList<>();
        long[] solvedAt = {-1};
        TrainingListener recorder = new TrainingListener() {
            private double lossSum;
            private long lossCount;

            @Override
            public void onStep(TrainingEvents.Step e) {
                if (!e.skipped()) {
                    lossSum += e.loss();
                    lossCount++;
                }
            }

            @Override
            public void onValidation(TrainingEvents.Validation v) {
                double loss = v.result().loss();
                double accuracy = v.result().metrics().getOrDefault(Metric.ACCURACY.id(), Double.NaN);
                boolean solved = task.solved(loss, accuracy);
                if (solved && solvedAt[0] < 0) {
                    solvedAt[0] = v.step();
                }
                boolean last = v.step() == config.steps() || (solved && config.stopWhenSolved());
                Evaluation e = new Evaluation(v.step(), lossCount == 0 ? Double.NaN : lossSum / lossCount, loss,
                        accuracy, (System.nanoTime() - start) / 1e9, trainer.skipped(), solved, last);
                evaluations.add(e);
                if (listener != null) {
                    listener.accept(e);
                }
                lossSum = 0;
                lossCount = 0;
                if (last) {
                    trainer.requestStop();
                }
            }
        };
        try {
            trainer.train(recorder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // no checkpoints are written: cannot happen
        }
        return new ExperimentResult(task, cell, seed, config, evaluations, solvedAt[0]);
    }
}
