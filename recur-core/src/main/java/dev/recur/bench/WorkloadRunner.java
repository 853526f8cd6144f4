package dev.recur.bench;

import dev.recur.nn.Linear;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Targets;
import dev.recur.nn.Parameter;
import dev.recur.nn.sequence.QuantizedStack;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.nn.sequence.Workspace;
import dev.recur.optim.Optimizer;
import dev.recur.optim.Sgd;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs one {@link Workload} in float32 on the fast kernels: {@link #forward()} is the recurrent
 * stack in inference mode from a zero state, with the weights packed once as a server would; {@link #trainStep()} adds a linear head to
 * {@link Workload#CLASSES} classes on every step, mean softmax cross-entropy over {@code B·T},
 * backward through everything, and a plain SGD update of all parameters. With quantized weights
 * ({@link #WorkloadRunner(Workload, int, long, QuantizedMatrix.Format)}), {@link #forward()} runs the
 * same stack's weights as bf16 or int8 ({@link QuantizedStack}), a step at a time; training is then
 * refused.
 *
 * <p>Not thread-safe: a runner owns its layer, head, optimizer and buffers; use one per thread.
 */
public final class WorkloadRunner {

    private final Workload workload;
    private final Precision<float[]> precision;
    private final SequenceLayer<float[]> layer;
    private final Linear<float[]> head;
    private final Optimizer<float[]> sgd;
    private final Activations<float[]> batch;
    private final Workspace<float[]> inference;
    private final Workspace<float[]> training;
    private final int[] targets;
    private final Targets.Classes classes;
    private final float[] logits;
    private final float[] dLogits;
    private final float[] dOutput;
    private final QuantizedStack quantized;
    private final float[] quantizedOutput;

    /**
     * Builds the stack, head, data and optimizer.
     *
     * @param workload the workload
     * @param threads  threads for the kernels
     * @param seed     seeds weights, inputs and targets
     */
    public WorkloadRunner(Workload workload, int threads, long seed) {
        this(workload, threads, seed, null);
    }

    /**
     * Builds the stack, head, data and optimizer; with {@code weights}, also the stack's weights
     * quantized to that format, which {@link #forward()} then runs.
     *
     * @param workload the workload
     * @param threads  threads for the kernels
     * @param seed     seeds weights, inputs and targets
     * @param weights  bf16 or int8, or null for float32
     * @throws IllegalArgumentException with quantized weights, for a workload the quantized stack
     *                                  does not cover (bidirectional, projection)
     */
    public WorkloadRunner(Workload workload, int threads, long seed, QuantizedMatrix.Format weights) {
        this.workload = workload;
        this.precision = Precision.F32.withThreads(threads);
        RecurrentConfig config = RecurrentConfig.builder(workload.cell(), workload.inputSize(), workload.hiddenSize())
                .layers(workload.layers()).build();
        this.layer = SequenceLayer.create(config, precision, seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        int rows = workload.batch() * workload.steps();
        float[] x = new float[rows * workload.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        this.batch = Activations.sequence(x, workload.steps(), workload.batch(), workload.inputSize());
        this.inference = layer.inferenceWorkspace();
        this.training = layer.workspace();
        this.head = Linear.create(precision, workload.hiddenSize(), Workload.CLASSES, true, rng);
        this.targets = new int[rows];
        for (int i = 0; i < rows; i++) {
            targets[i] = rng.nextInt(Workload.CLASSES);
        }
        this.classes = new Targets.Classes(targets);
        this.logits = new float[rows * Workload.CLASSES];
        this.dLogits = new float[rows * Workload.CLASSES];
        this.dOutput = new float[rows * workload.hiddenSize()];
        Map<String, Parameter<float[]>> params = new LinkedHashMap<>();
        for (Parameter<float[]> p : layer.parameters()) {
            params.put("rnn." + p.name(), p);
        }
        for (Parameter<float[]> p : head.parameters()) {
            params.put("head." + p.name(), p);
        }
        this.sgd = new Sgd<>(precision, params, SgdConfig.builder(1e-3).build());
        this.quantized = weights == null ? null : QuantizedStack.of(layer, weights, threads);
        this.quantizedOutput = weights == null ? null : new float[rows * workload.hiddenSize()];
    }

    /** The weights' format: {@code float32}, {@code bf16} or {@code int8}. */
    public String weights() {
        return quantized == null ? "float32" : quantized.format().id();
    }

    /** The workload. */
    public Workload workload() {
        return workload;
    }

    /**
     * One forward pass of the stack, serving-style: weights packed once, buffers reused; returns
     * the output so that the work cannot be skipped.
     */
    public float[] forward() {
        if (quantized != null) {
            return quantizedForward();
        }
        return layer.forward(batch, null, false, inference).output();
    }

    /** The quantized stack over the workload's steps, from a zero state. */
    private float[] quantizedForward() {
        int nb = workload.batch();
        int nh = workload.hiddenSize();
        QuantizedStack.Runner runner = quantized.runner(nb, null);
        float[] x = batch.values();
        for (int t = 0; t < workload.steps(); t++) {
            float[] y = runner.step(x, t * nb * workload.inputSize());
            System.arraycopy(y, 0, quantizedOutput, t * nb * nh, nb * nh);
        }
        return quantizedOutput;
    }

    /** One training step; returns the loss. */
    public double trainStep() {
        int rows = workload.batch() * workload.steps();
        sgd.zeroGrad();
        SequenceOutput<float[]> out = layer.forward(batch, null, true, training);
        head.forward(out.output(), rows, logits);
        double loss = CrossEntropy.mean().compute(precision,
                Activations.sequence(logits, workload.steps(), workload.batch(), Workload.CLASSES), classes, dLogits)
                .value();
        head.backward(out.output(), dLogits, rows, dOutput);
        // x is data, as in the peers' scripts (x does not require a gradient): no dX for the bottom layer
        layer.backward(out.tape(), dOutput, null, false);
        sgd.step();
        return loss;
    }

    /**
     * Times {@code iters} runs of {@code mode} after untimed ones: at least {@code warmup} of them,
     * and more until {@code warmupSeconds} have passed. A JVM compiles a method only after it has
     * run many times, so a short workload (W6 takes 0.2 ms) needs far more than a few runs before
     * what is timed is compiled code; a time floor gives every workload the same chance, as JMH's
     * timed warm-up iterations do.
     *
     * @throws IllegalArgumentException for {@code train_step} on an inference-only workload,
     *                                  {@code iters < 1} or negative warm-up figures
     */
    public Measurement measure(Workload.Mode mode, int warmup, double warmupSeconds, int iters) {
        if (mode == Workload.Mode.TRAIN_STEP && workload.inferenceOnly()) {
            throw new IllegalArgumentException(workload.name() + " is inference-only: expected mode forward, found "
                    + mode.id());
        }
        if (mode == Workload.Mode.TRAIN_STEP && quantized != null) {
            throw new IllegalArgumentException("train_step needs float32 weights: quantized weights (" + weights()
                    + ") are for inference; expected mode forward");
        }
        if (iters < 1 || warmup < 0 || !(warmupSeconds >= 0)) {
            throw new IllegalArgumentException("expected iters >= 1, warmup >= 0 and warmup seconds >= 0, found iters = "
                    + iters + ", warmup = " + warmup + ", warmup seconds = " + warmupSeconds);
        }
        Runnable run = mode == Workload.Mode.FORWARD ? this::forward : this::trainStep;
        long until = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || System.nanoTime() - until < 0; i++) {
            run.run();
        }
        double[] samples = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            run.run();
            samples[i] = (System.nanoTime() - t0) / 1e6;
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        double median = iters % 2 == 1 ? sorted[iters / 2] : (sorted[iters / 2 - 1] + sorted[iters / 2]) / 2;
        return new Measurement(workload.name(), mode.id(), precision.kernels().threads(), median, sorted[0], samples,
                workload.tokens() / (median / 1e3), workload.flops(mode) / (median / 1e3) / 1e9);
    }
}
