package dev.recur.cli;

import java.util.Map;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.tasks.Experiment;
import dev.recur.tasks.ExperimentConfig;
import dev.recur.tasks.Task;
import dev.recur.tensor.Precision;

import picocli.CommandLine.Option;

/**
 * The options every long-lag experiment shares: the budget, the threads, and overrides of the
 * task's default hyper-parameters ({@link ExperimentConfig#defaults(Task)}). An option left out keeps
 * the task's default.
 */
final class ExperimentOptions {

    /** The options that give the settings the core library's checks of an experiment name. */
    static final Map<String, String> SIZE_OPTIONS = Map.of("hidden size", "--hidden", "hidden_size", "--hidden",
            "batch size", "--batch-size", "test size", "--test-size");

    @Option(names = "--steps", paramLabel = "N",
            description = "Optimizer steps. Default: the task's budget (see docs/README-experiments.md).")
    Long steps;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads for the matrix products (float32 kernels), 1..256. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden size. Default: the task's (64).")
    Integer hidden;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Training sequences per step, 1..65536. Default: the task's.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam's learning rate. Default: the task's (0.001).")
    Double learningRate;

    @Option(names = "--clip", paramLabel = "NORM", description = "Global gradient-norm clip. Default: the task's (1).")
    Double clip;

    @Option(names = "--eval-every", paramLabel = "N", description = "Steps between evaluations. Default: the task's.")
    Long evalEvery;

    @Option(names = "--test-size", paramLabel = "N", description = "Test sequences, 1..100000. Default: the task's.")
    Integer testSize;

    @Option(names = "--no-chrono",
            description = "Keep the cells' own gate-bias initialisation instead of the chrono initialisation.")
    boolean noChrono;

    @Option(names = "--forget-bias", paramLabel = "B",
            description = "With --no-chrono: the LSTM's forget-gate bias (e.g. 1, so that f starts near 0.73). "
                    + "Default: PyTorch's initialisation (f near 0.5).")
    Double forgetBias;

    @Option(names = "--stop-when-solved",
            description = "Stop at the first evaluation that meets the task's criterion.")
    boolean stopWhenSolved;

    /** The task's defaults with the options given applied. */
    ExperimentConfig config(Task task) {
        ExperimentConfig.Builder b = ExperimentConfig.defaults(task).toBuilder();
        if (steps != null) {
            b.steps(steps);
        }
        if (hidden != null) {
            b.hiddenSize(hidden);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (clip != null) {
            b.clipNorm(clip);
        }
        if (evalEvery != null) {
            b.evalEvery(evalEvery);
        }
        if (testSize != null) {
            b.testSize(testSize);
        }
        if (noChrono) {
            b.chrono(false);
        }
        if (stopWhenSolved) {
            b.stopWhenSolved(true);
        }
        if (forgetBias != null) {
            if (!noChrono) {
                throw new IllegalArgumentException("--forget-bias: only with --no-chrono (the chrono initialisation sets "
                        + "the forget gate's bias itself)");
            }
            b.forgetBias(forgetBias);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw OptionChecks.naming(SIZE_OPTIONS, e);
        }
    }

    /**
     * {@link Experiment#requireFits}, naming the options that give the sizes.
     *
     * @param task   the task
     * @param cell   the cell
     * @param config the configuration, from {@link #config}
     * @throws IllegalArgumentException naming the option, if an array would not fit in a Java array
     */
    static void requireFits(Task task, CellKind cell, ExperimentConfig config) {
        try {
            Experiment.requireFits(task, cell, config);
        } catch (IllegalArgumentException e) {
            throw OptionChecks.naming(SIZE_OPTIONS, e);
        }
    }

    /** Float32 with the vectorised kernels on {@code --threads} threads. */
    Precision<float[]> precision() {
        return Precision.F32.withThreads(OptionChecks.threads(threads, false));
    }
}
