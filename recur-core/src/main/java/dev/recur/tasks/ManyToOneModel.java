package dev.recur.tasks;

import dev.recur.nn.Linear;
import dev.recur.nn.Losses;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.Activations;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sequence regression or classification: a recurrent stack read out at one step per sequence by a
 * linear head, the equivalent of the PyTorch module
 * <pre>
 * y, h_n = rnn(x)                          LSTM, GRU or RNN(I, H, L)   [T, B, D*Hout]
 * f_b    = y[s_b, b]                       s_b = T−1 or lengths[b]−1   [B, D*Hout]
 * p      = head(f)                         Linear(D*Hout, K)           [B, K]
 * loss   = mse(p, targets)                 regression: mean over B·K
 *        | cross_entropy(p, labels)        classification: mean over B
 * </pre>
 * Parameters and their names, in {@link #namedParameters()} order: {@code rnn.<name>} for every
 * recurrent parameter (see {@link SequenceLayer#parameters()}), {@code head.weight [K, D*Hout]},
 * {@code head.bias [K]}.
 *
 * <p>Not thread-safe: one forward/backward at a time per instance.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class ManyToOneModel<A> {

    private final ManyToOneConfig config;
    private final Precision<A> precision;
    private final Kernels<A> k;
    private final SequenceLayer<A> rnn;
    /** {@code weight [K, D*Hout]}, {@code bias [K]}. */
    private final Linear<A> head;

    private ManyToOneModel(ManyToOneConfig config, Precision<A> precision, long seed) {
        this.config = config;
        this.precision = precision;
        this.k = precision.kernels();
        SplittableRandom rng = new SplittableRandom(seed);
        this.rnn = SequenceLayer.create(config.rnn(), precision, rng.nextLong());
        this.head = Linear.create(precision, config.featureSize(), config.outputs(), true, rng.split());
        if (config.chronoHorizon() > 0) {
            chrono(rng.split());
        }
    }

    /**
     * A model with freshly initialised parameters: the recurrent stack as
     * {@link SequenceLayer#create} (then the chrono gate biases if configured), the head from
     * U(−1/√(D*Hout), 1/√(D*Hout)) as PyTorch.
     *
     * @param config    shape and options
     * @param precision {@link Precision#F64} or {@link Precision#F32}
     * @param seed      seeds every initial value
     */
    public static <A> ManyToOneModel<A> create(ManyToOneConfig config, Precision<A> precision, long seed) {
        if (config == null || precision == null) {
            throw new IllegalArgumentException("many-to-one model: expected a configuration and a precision, found "
                    + config + " and " + precision);
        }
        return new ManyToOneModel<>(config, precision, seed);
    }

    /** Chrono initialisation (the 2018 'chrono initialisation' paper) of the gate biases; see {@link ManyToOneConfig}. */
    private void chrono(SplittableRandom rng) {
        CellKind cell = config.rnn().cell();
        if (cell != CellKind.LSTM && cell != CellKind.GRU) {
            return;
        }
        int nh = config.rnn().hiddenSize();
        double span = config.chronoHorizon() - 2;
        for (int l = 0; l < config.rnn().numLayers(); l++) {
            for (int d = 0; d < config.rnn().directions(); d++) {
                CellParams<A> p = rnn.params(l, d);
                A bih = p.biasIh().value();
                A bhh = p.biasHh().value();
                for (int j = 0; j < nh; j++) {
                    double b = Math.log(1 + span * rng.nextDouble());
                    if (cell == CellKind.LSTM) {
                        int f = LstmGate.FORGET.offset(nh) + j;
                        int i = LstmGate.INPUT.offset(nh) + j;
                        precision.set(bih, f, b);
                        precision.set(bhh, f, 0);
                        precision.set(bih, i, -b);
                        precision.set(bhh, i, 0);
                    } else {
                        int z = GruGate.UPDATE.offset(nh) + j;
                        precision.set(bih, z, b);
                        precision.set(bhh, z, 0);
                    }
                }
            }
        }
    }

    /**
     * A copy of this model in another precision (values rounded to nearest for float32), e.g. a
     * float64 twin of a model trained in float32 for exact diagnostics.
     */
    public <B> ManyToOneModel<B> copyTo(Precision<B> target) {
        ManyToOneModel<B> copy = new ManyToOneModel<>(config, target, 0);
        List<Parameter<A>> from = parameters();
        List<Parameter<B>> to = copy.parameters();
        for (int i = 0; i < from.size(); i++) {
            B values = target.fromDoubles(precision.toDoubles(from.get(i).value()));
            target.kernels().copy(values, 0, to.get(i).value(), 0, to.get(i).size());
        }
        return copy;
    }

    /** The configuration. */
    public ManyToOneConfig config() {
        return config;
    }

    /** The precision. */
    public Precision<A> precision() {
        return precision;
    }

    /** The recurrent stack. */
    public SequenceLayer<A> rnn() {
        return rnn;
    }

    /** The head {@code [K, D*Hout]}. */
    public Linear<A> head() {
        return head;
    }

    /**
     * Every parameter under its name ({@code rnn.weight_ih_l0}, …, {@code head.weight},
     * {@code head.bias}), in order. A new map each call; the parameters in it are the model's own.
     */
    public LinkedHashMap<String, Parameter<A>> namedParameters() {
        LinkedHashMap<String, Parameter<A>> m = new LinkedHashMap<>();
        for (Parameter<A> p : rnn.parameters()) {
            m.put("rnn." + p.name(), p);
        }
        for (Parameter<A> p : head.parameters()) {
            m.put("head." + p.name(), p);
        }
        return m;
    }

    /** The parameters in {@link #namedParameters()} order. */
    public List<Parameter<A>> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Sets every parameter gradient to zero. */
    public void zeroGrad() {
        for (Parameter<A> p : parameters()) {
            k.zero(p.grad(), 0, p.size());
        }
    }

    /**
     * Runs the model over a batch.
     *
     * @param in       inputs {@code [T, B, I]} and optional lengths
     * @param training whether inter-layer dropout is applied
     * @throws IllegalArgumentException for inputs the recurrent stack rejects, or lengths shorter
     *                                  than {@code T} with {@link Readout#LAST_STEP}
     */
    public ManyToOneOutput<A> forward(Activations<A> in, boolean training) {
        if (in == null) {
            throw new IllegalArgumentException("many-to-one input: expected a sequence batch, found null");
        }
        int[] lengths = in.lengths();
        if (config.readout() == Readout.LAST_STEP && lengths != null) {
            for (int b = 0; b < lengths.length; b++) {
                if (lengths[b] != in.steps()) {
                    throw new IllegalArgumentException("readout at the last step: expected every length = T = "
                            + in.steps() + ", found lengths[" + b + "] = " + lengths[b]
                            + "; likely cause: a variable-length batch, which needs Readout.AT_LENGTH");
                }
            }
        }
        SequenceOutput<A> seq = rnn.forward(in, null, training);
        final int nt = in.steps();
        final int nb = in.batch();
        final int nf = config.featureSize();
        int[] read = new int[nb];
        A features = k.alloc(nb * nf);
        for (int b = 0; b < nb; b++) {
            read[b] = lengths == null ? nt - 1 : lengths[b] - 1;
            k.copy(seq.output(), (read[b] * nb + b) * nf, features, b * nf, nf);
        }
        A predictions = k.alloc(nb * config.outputs());
        head.forward(features, nb, predictions);
        return new ManyToOneOutput<>(predictions, features, read, seq);
    }

    /**
     * The mean loss of a forward result against the batch's targets: mean squared error over all
     * {@code B·K} outputs for regression, mean softmax cross-entropy over the {@code B} sequences for
     * classification (see {@link Losses}).
     *
     * @param out          a forward result
     * @param data         the batch it was computed from (its targets or labels are read)
     * @param dPredictions {@code [B, K]}: overwritten with the gradient of the loss; null to skip
     * @throws IllegalArgumentException if the batch does not match the output or the objective
     */
    public double loss(ManyToOneOutput<A> out, TaskBatch data, A dPredictions) {
        checkTargets(out, data);
        int nb = out.batch();
        int nk = config.outputs();
        if (config.objective() == Objective.REGRESSION) {
            return Losses.meanSquaredError(precision, out.predictions(), precision.fromDoubles(data.targets()), nb * nk,
                    dPredictions);
        }
        return Losses.softmaxCrossEntropy(precision, out.predictions(), nb, nk, data.labels(), dPredictions);
    }

    /**
     * Number of sequences whose largest logit is at their label (classification only).
     *
     * @throws IllegalArgumentException for a regression model or a batch that does not match
     */
    public int correct(ManyToOneOutput<A> out, TaskBatch data) {
        if (config.objective() != Objective.CLASSIFICATION) {
            throw new IllegalArgumentException("accuracy: expected a classification model, found a regression model; "
                    + "likely cause: accuracy asked of a regression task");
        }
        checkTargets(out, data);
        int nk = config.outputs();
        int right = 0;
        for (int b = 0; b < out.batch(); b++) {
            int best = 0;
            double max = precision.get(out.predictions(), b * nk);
            for (int c = 1; c < nk; c++) {
                double v = precision.get(out.predictions(), b * nk + c);
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            if (best == data.labels()[b]) {
                right++;
            }
        }
        return right;
    }

    private void checkTargets(ManyToOneOutput<A> out, TaskBatch data) {
        if (out == null || data == null) {
            throw new IllegalArgumentException("loss: expected a forward result and its batch, found " + out + " and " + data);
        }
        if (data.batch() != out.batch()) {
            throw new IllegalArgumentException("loss: expected a batch of B = " + out.batch() + " sequences (that of the "
                    + "forward result), found " + data.batch() + "; likely cause: targets of another batch");
        }
        if (config.objective() == Objective.REGRESSION) {
            if (data.targets() == null || data.targetWidth() != config.outputs()) {
                throw new IllegalArgumentException("regression targets: expected [B, K] = [" + out.batch() + ", "
                        + config.outputs() + "], found " + (data.targets() == null ? "class labels"
                        : "[" + data.batch() + ", " + data.targetWidth() + "]")
                        + "; likely cause: a batch of another task");
            }
        } else if (data.labels() == null) {
            throw new IllegalArgumentException("classification labels: expected one class id per sequence, found "
                    + "regression targets; likely cause: a batch of another task");
        }
    }

    /**
     * Back-propagates the gradient of the predictions through the head and the recurrent stack,
     * adding every parameter's gradient into {@link Parameter#grad()}.
     *
     * @param out          the forward result
     * @param dPredictions {@code [B, K]}: gradient of the loss with respect to the predictions
     * @return the gradients of the inputs {@code [T, B, I]} and of the (zero) initial state
     */
    public InputGradients<A> backward(ManyToOneOutput<A> out, A dPredictions) {
        final int nb = out.batch();
        final int nt = out.steps();
        final int nf = config.featureSize();
        A dFeatures = k.alloc(nb * nf);
        head.backward(out.features(), dPredictions, nb, dFeatures);
        A dOutput = k.alloc(nt * nb * nf);
        int[] read = out.readSteps();
        for (int b = 0; b < nb; b++) {
            k.copy(dFeatures, b * nf, dOutput, (read[b] * nb + b) * nf, nf);
        }
        return rnn.backward(out.sequence().tape(), dOutput, null);
    }

    /** A one-line summary: cell, sizes, parameter count and precision. */
    @Override
    public String toString() {
        long count = 0;
        for (Parameter<A> p : parameters()) {
            count += p.size();
        }
        return "ManyToOneModel(" + config.rnn().cell().id() + ", H = " + config.rnn().hiddenSize() + ", K = "
                + config.outputs() + ", " + count + " parameter values, " + precision + ")";
    }
}
