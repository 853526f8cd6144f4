package dev.recur.model;

import dev.recur.data.Batch;
import dev.recur.nn.Activation;
import dev.recur.nn.Activations;
import dev.recur.nn.Concat;
import dev.recur.nn.Dropout;
import dev.recur.nn.Embedding;
import dev.recur.nn.LayerNorm;
import dev.recur.nn.Linear;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The common recurrent stacks as one model, configured by a {@link SequenceModelConfig}: a
 * sequence classifier (pooled, cross-entropy), regressor (pooled, MSE/L1/Huber), tagger (one output
 * per step) or the character language model (one output per step, state carried between chunks).
 *
 * <p>Its modules and their {@code state_dict} names, in PyTorch's {@code named_parameters()} order:
 * {@code embedding.weight [V, E]}; {@code rnn.weight_ih_l0 …} ({@link SequenceLayer});
 * {@code norm.weight}, {@code norm.bias}; {@code pool.query}, {@code pool.proj.weight},
 * {@code pool.proj.bias} (attention); {@code hidden.weight}, {@code hidden.bias};
 * {@code head.weight [K, ·]}, {@code head.bias [K]} — each only when configured. A PyTorch module
 * with the same children loads its weights with {@code load_state_dict} and computes the same.
 *
 * <p>Not thread-safe: one forward/backward at a time.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class SequenceModel<A> extends Model<A> {

    private final SequenceModelConfig config;
    private final Embedding<A> embedding;
    private final Concat<A> concat;
    private final Dropout<A> inputDropout;
    private final SequenceLayer<A> rnn;
    private final LayerNorm<A> norm;
    private final Pooling<A> pool;
    private final Dropout<A> outputDropout;
    private final Linear<A> hidden;
    private final Activation<A> activation;
    private final Linear<A> head;

    private SequenceModel(SequenceModelConfig config, Precision<A> precision, long seed) {
        super(precision);
        this.config = config;
        // The draws keep the order of the models this class replaced (the character model: embedding,
        // rnn, head, then the dropout seeds; the task model: rnn, head, chrono), so a seed gives the
        // initial weights it always gave.
        SplittableRandom rng = new SplittableRandom(seed);
        Embedding<A> e = config.hasTokens() ? Embedding.create(precision, config.vocabSize(), config.embeddingDim(),
                config.paddingIdx(), rng.split()) : null;
        SequenceLayer<A> r = SequenceLayer.create(config.rnn(), precision, rng.nextLong());
        Linear<A> h = Linear.create(precision, config.headInput(), config.outputs(), true, rng.split());
        if (config.chronoHorizon() > 0) {
            chrono(r, config.chronoHorizon(), precision, rng.split());
        }
        long inputSeed = rng.nextLong();
        long outputSeed = rng.nextLong();
        Pooling<A> p = config.pooling() == null ? null : switch (config.pooling()) {
            case LAST -> Pooling.last(precision, config.rnnWidth(), config.rnn().directions());
            case MEAN -> Pooling.mean(precision, config.rnnWidth());
            case MAX -> Pooling.max(precision, config.rnnWidth());
            case ATTENTION -> Pooling.attention(precision, config.rnnWidth(), config.attentionSize(), rng.split());
        };
        Linear<A> hid = config.hiddenUnits() > 0
                ? Linear.create(precision, config.rnnWidth(), config.hiddenUnits(), true, rng.split()) : null;

        this.embedding = e == null ? null : addChild("embedding", e);
        this.concat = config.hasTokens() && config.features() > 0 ? new Concat<>(precision) : null;
        this.inputDropout = config.inputDropout() > 0
                ? addChild("input_dropout", new Dropout<>(precision, config.inputDropout(), inputSeed)) : null;
        this.rnn = addChild("rnn", r);
        this.norm = config.layerNorm() ? addChild("norm", new LayerNorm<>(precision, config.rnnWidth())) : null;
        this.pool = p == null ? null : addChild("pool", p);
        this.outputDropout = config.outputDropout() > 0
                ? addChild("output_dropout", new Dropout<>(precision, config.outputDropout(), outputSeed)) : null;
        this.hidden = hid == null ? null : addChild("hidden", hid);
        this.activation = hid == null ? null
                : addChild("hidden_activation", new Activation<>(precision, config.hiddenActivation()));
        this.head = addChild("head", h);
    }

    /**
     * A model with freshly initialised parameters, each as PyTorch initialises its module (the
     * embedding from N(0, 1) with the padding row zero, the recurrent stack as
     * {@link SequenceLayer#create}, linear layers from U(−1/√in, 1/√in)), then the chrono gate biases if
     * configured.
     *
     * @param config    the shape
     * @param precision {@link Precision#F64} or {@link Precision#F32}, possibly on several threads
     * @param seed      seeds the initial weights and the dropout masks
     * @param <A>       the array type
     * @return the model, in training mode
     * @throws IllegalArgumentException if its weights and gradients would not fit the heap (refused
     *                                  before anything is allocated, with the estimate)
     */
    public static <A> SequenceModel<A> create(SequenceModelConfig config, Precision<A> precision, long seed) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(precision, "precision");
        config.requireAllocatable(precision.isDouble() ? 8 : 4);
        return new SequenceModel<>(config, precision, seed);
    }

    /** Chrono initialisation (the 2018 'chrono initialisation' paper) of the gate biases; see the config. */
    private static <A> void chrono(SequenceLayer<A> rnn, int horizon, Precision<A> precision, SplittableRandom rng) {
        CellKind cell = rnn.config().cell();
        if (cell != CellKind.LSTM && cell != CellKind.GRU) {
            return;   // the Elman RNN has no gate
        }
        int nh = rnn.config().hiddenSize();
        double span = horizon - 2;
        for (int l = 0; l < rnn.config().numLayers(); l++) {
            for (int d = 0; d < rnn.config().directions(); d++) {
                CellParams<A> p = rnn.params(l, d);
                A bih = p.biasIh().value();
                A bhh = p.biasHh().value();
                for (int j = 0; j < nh; j++) {
                    // b = ln u,  u ~ U[1, T_max − 1]
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

    /** The configuration. */
    public SequenceModelConfig config() {
        return config;
    }

    /** The token embedding, or null without token input. */
    public Embedding<A> embedding() {
        return embedding;
    }

    /** The recurrent stack. */
    public SequenceLayer<A> rnn() {
        return rnn;
    }

    /** The pooling, or null for one output per step. */
    public Pooling<A> pool() {
        return pool;
    }

    /** The layer norm after the recurrent stack, or null. */
    public LayerNorm<A> norm() {
        return norm;
    }

    /** The hidden layer before the head, or null. */
    public Linear<A> hidden() {
        return hidden;
    }

    /** The hidden layer's activation, or null without a hidden layer. */
    public Activation<A> hiddenActivation() {
        return activation;
    }

    /** The head. */
    public Linear<A> head() {
        return head;
    }

    @Override
    public Activations<A> forward(Batch batch) {
        return forward(batch, null);
    }

    /**
     * Runs the stack on a batch from a given recurrent state (e.g. the previous chunk's
     * {@link #finalState()}), in the mode the model is set to.
     *
     * @param batch   the inputs: token ids and/or features as configured
     * @param initial the recurrent state to start from, or null for zeros
     * @return {@code [B, K]} pooled, or {@code [T, B, K]} with the batch's lengths
     * @throws IllegalArgumentException if the batch lacks an input the model reads, or has one of
     *                                  another width
     */
    @Override
    public Activations<A> forward(Batch batch, State<A> initial) {
        // x = embedding(tokens) ‖ features                      [T, B, E+F]
        Activations<A> x = input(batch);
        if (inputDropout != null) {
            x = inputDropout.forward(x);
        }
        // y = rnn(x, h0)                                        [T, B, D*Hout]
        Activations<A> y = rnn.forward(x, initial);
        if (norm != null) {
            y = norm.forward(y);
        }
        // z = pool(y) over the valid steps                      [B, D*Hout] (or y itself)
        Activations<A> z = pool != null ? pool.forward(y) : y;
        if (outputDropout != null) {
            z = outputDropout.forward(z);
        }
        if (hidden != null) {
            z = activation.forward(hidden.forward(z));
        }
        // out = z W_headᵀ + b_head                              [B, K] or [T, B, K]
        return head.forward(z);
    }

    private Activations<A> input(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        if (config.hasTokens() && batch.tokens() == null) {
            throw new IllegalArgumentException("model input: expected token ids (the model embeds "
                    + config.vocabSize() + " tokens), found none; likely cause: a data set of numeric features");
        }
        if (config.features() != batch.featureWidth()) {
            throw new IllegalArgumentException("model input: expected " + config.features() + " numeric features per "
                    + "step, found " + batch.featureWidth() + "; likely cause: data of another shape than the model's");
        }
        if (!config.hasTokens() && batch.tokens() != null) {
            throw new IllegalArgumentException("model input: expected numeric features only, found token ids; likely "
                    + "cause: a text data set given to a model without an embedding");
        }
        Activations<A> features = batch.features(precision());
        if (!config.hasTokens()) {
            return features;
        }
        Activations<A> e = embedding.forward(batch.tokenIds());
        return concat == null ? e : concat.forward(e, features);
    }

    @Override
    public void backward(Activations<A> outputGradient) {
        // out = z W_headᵀ + b_head:  dW_head += doutᵀ z,  db_head += Σ dout,  dz = dout W_head
        Activations<A> dz = head.backward(outputGradient);
        if (hidden != null) {
            dz = hidden.backward(activation.backward(dz));
        }
        if (outputDropout != null) {
            dz = outputDropout.backward(dz);
        }
        Activations<A> dy = pool != null ? pool.backward(dz) : dz;
        if (norm != null) {
            dy = norm.backward(dy);
        }
        // y = rnn(x): BPTT; the input's gradient only where an embedding is upstream
        Activations<A> dx = rnn.backward(dy, null, config.hasTokens());
        if (dx == null) {
            return;
        }
        if (inputDropout != null) {
            dx = inputDropout.backward(dx);
        }
        if (concat != null) {
            dx = concat.backward(dx).first();
        }
        // e = embedding(tokens): scatter-add
        embedding.backward(dx);
    }

    @Override
    public State<A> finalState() {
        return rnn.finalState();
    }

    /** The model in words, e.g. {@code a 2-layer lstm model with V=65, E=64, H=256, 65 outputs per step}. */
    @Override
    public String toString() {
        var rnn = config.rnn();
        String inputs = (config.hasTokens() ? "V=" + config.vocabSize() + ", E=" + config.embeddingDim() : "")
                + (config.hasTokens() && config.features() > 0 ? ", " : "")
                + (config.features() > 0 ? "F=" + config.features() : "");
        return "a " + rnn.numLayers() + "-layer " + (rnn.bidirectional() ? "bidirectional " : "") + rnn.cell().id()
                + " model with " + inputs + ", H=" + rnn.hiddenSize() + (rnn.projSize() > 0 ? ", P=" + rnn.projSize() : "")
                + ", " + (config.pooling() == null ? config.outputs() + " outputs per step"
                : config.pooling().id() + " pooling, " + config.outputs() + " outputs");
    }
}
