package dev.recur.model;

import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.Objects;

/**
 * One stream of inputs through a {@link SequenceModel} with one output per step, a step at a time,
 * with its own recurrent state: what a server keeps per client. Feeding a sequence step by step
 * gives the outputs {@link SequenceModel#forward} gives on the whole sequence (inference: no
 * dropout).
 *
 * <pre>
 * x_t = embedding(tokens_t) ‖ features_t     [B, E+F]
 * y_t, state = rnn.step(x_t, state)           [B, Hout]
 * y_t = layer_norm(y_t); z_t = act(hidden(y_t)) (each when configured)
 * out = head(z_t)                             [B, K]
 * </pre>
 *
 * <p><b>Threads.</b> A session is used by one thread at a time. Any number of sessions over the same
 * model may step at once from different threads: a session reads the model's weights and writes only
 * its own buffers and state (its recurrent layer's {@link SequenceLayer.Stream} has its own
 * workspace). The model must not be trained or changed meanwhile. Sessions give the same outputs
 * whether they run one after another or at once, on a model of any thread count.
 *
 * @param <A> the array type
 */
public final class StreamingSession<A> {

    private final SequenceModel<A> model;
    private final Precision<A> precision;
    private final Kernels<A> k;
    private final int batch;
    private final SequenceLayer.Stream<A> rnn;
    private final A input;
    private final A embedded;
    private final A normed;
    private final A xhat;
    private final A rstd;
    private final A hidden;
    private final A activated;

    private StreamingSession(SequenceModel<A> model, int batch, State<A> initial) {
        SequenceModelConfig c = model.config();
        this.model = model;
        this.precision = model.precision();
        this.k = precision.kernels();
        this.batch = batch;
        this.rnn = model.rnn().stream(batch, initial);
        int width = c.rnnWidth();
        this.input = k.alloc(batch * c.rnn().inputSize());
        this.embedded = c.hasTokens() ? k.alloc(batch * c.embeddingDim()) : null;
        this.normed = c.layerNorm() ? k.alloc(batch * width) : null;
        this.xhat = c.layerNorm() ? k.alloc(batch * width) : null;
        this.rstd = c.layerNorm() ? k.alloc(batch) : null;
        this.hidden = c.hiddenUnits() > 0 ? k.alloc(batch * c.hiddenUnits()) : null;
        this.activated = c.hiddenUnits() > 0 ? k.alloc(batch * c.hiddenUnits()) : null;
    }

    /**
     * Opens a session.
     *
     * @param model   a model with one output per step and a unidirectional recurrent stack
     * @param batch   {@code B}: the sequences the session advances together (1 for one client)
     * @param initial the state to start from, {@code [L, B, Hout]} (and {@code c}), or null for zeros
     * @param <A>     the array type
     * @return the session
     * @throws IllegalArgumentException for a pooled or bidirectional model (it needs whole
     *                                  sequences), {@code B < 1}, or a state of another shape
     */
    public static <A> StreamingSession<A> open(SequenceModel<A> model, int batch, State<A> initial) {
        Objects.requireNonNull(model, "model");
        if (!model.config().perStep()) {
            throw new IllegalArgumentException("streaming session: expected a model with one output per step, found "
                    + model + "; likely cause: a pooled model, which needs the whole sequence (use forward)");
        }
        return new StreamingSession<>(model, batch, initial);
    }

    /**
     * Advances every sequence by one step.
     *
     * @param tokens   {@code [B]} this step's token ids, or null for a model without an embedding
     * @param features {@code [B, F]} this step's numeric features, or null for a model without them
     * @return {@code [B, K]}: the outputs of this step, a new array
     * @throws IllegalArgumentException for inputs the model does not take or of the wrong size, or a
     *                                  token id outside the vocabulary
     */
    public A step(int[] tokens, double[] features) {
        SequenceModelConfig c = model.config();
        if (c.hasTokens() != (tokens != null) || (c.features() > 0) != (features != null)) {
            throw new IllegalArgumentException("streaming step: expected " + (c.hasTokens() ? "token ids" : "no token "
                    + "ids") + " and " + (c.features() > 0 ? c.features() + " features per sequence" : "no features")
                    + ", found " + (tokens != null ? "token ids" : "no token ids") + " and "
                    + (features != null ? "features" : "no features"));
        }
        if ((tokens != null && tokens.length != batch)
                || (features != null && features.length != batch * c.features())) {
            throw new IllegalArgumentException("streaming step: expected inputs for B = " + batch + " sequences, found "
                    + (tokens != null ? tokens.length + " token ids" : features.length + " feature values"));
        }
        // x_t = embedding(tokens_t) ‖ features_t                  [B, E+F]
        int e = c.embeddingDim();
        int f = c.features();
        A x;
        if (tokens != null && features == null) {
            model.embedding().forward(tokens, input);
            x = input;
        } else if (tokens == null) {
            x = precision.fromDoubles(features);
        } else {
            model.embedding().forward(tokens, embedded);
            A feats = precision.fromDoubles(features);
            for (int b = 0; b < batch; b++) {
                k.copy(embedded, b * e, input, b * (e + f), e);
                k.copy(feats, b * f, input, b * (e + f) + e, f);
            }
            x = input;
        }
        // y_t = rnn(x_t, state)                                   [B, Hout]
        A y = rnn.step(x);
        if (model.norm() != null) {
            model.norm().forward(y, batch, normed, xhat, rstd);
            y = normed;
        }
        if (model.hidden() != null) {
            model.hidden().forward(y, batch, hidden);
            model.hiddenActivation().forward(hidden, batch * c.hiddenUnits(), activated);
            y = activated;
        }
        // out = z_t W_headᵀ + b_head                              [B, K]
        A out = k.alloc(batch * c.outputs());
        model.head().forward(y, batch, out);
        return out;
    }

    /**
     * The state reached so far, a copy: {@code [L, B, Hout]} (and the LSTM's {@code c}); null before
     * the first step of a session opened from zeros.
     *
     * @return the state
     */
    public State<A> state() {
        State<A> s = rnn.state();
        return s == null ? null : s.copy(k);
    }

    /** {@code B}: the sequences this session advances together. */
    public int batch() {
        return batch;
    }

    /** The model the session runs. */
    public SequenceModel<A> model() {
        return model;
    }
}
