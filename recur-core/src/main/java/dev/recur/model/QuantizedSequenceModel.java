package dev.recur.model;

import dev.recur.data.Batch;
import dev.recur.nn.Activations;
import dev.recur.nn.Linear;
import dev.recur.nn.sequence.QuantizedStack;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.util.Objects;

/**
 * A float32 {@link SequenceModel} with one output per step, for inference with weight-only
 * quantization: the recurrent weights ({@link QuantizedStack}) and the head's weight are stored as
 * bf16 or int8 with per-row scales and widened to float32 inside the products; the embedding, the
 * biases, the activations and the recurrent state stay float32. Runs the sequence a step at a time
 * and carries its state like the model it was made from, so {@link Evaluation} and
 * {@link CharLanguageModel} (evaluation and generation) take it in place of that model.
 *
 * <pre>
 * x_t = embedding(tokens_t)                    [B, E]   (float32)
 * y_t, state = quantized_rnn(x_t, state)       [B, H]
 * out_t = Q(W_head) y_t + b_head               [B, K]
 * </pre>
 *
 * <p>Supported: token input only, no layer norm, no hidden layer, no pooling, a unidirectional
 * stack without projection (the character language model's shape); the others are refused.
 * Inference only: {@link #backward} throws. A batch of {@code B > 1} sequences runs each row's
 * products one after the other (slower than the float32 GEMM; see {@link QuantizedStack}). Not
 * thread-safe (one forward at a time).
 */
public final class QuantizedSequenceModel extends Model<float[]> {

    private final SequenceModelConfig config;
    private final QuantizedMatrix.Format format;
    private final float[] embedding;
    private final QuantizedStack rnn;
    private final QuantizedMatrix head;
    private final float[] headBias;
    private State<float[]> finalState;

    /**
     * A model from its parts (as read from a file).
     *
     * @param config    the configuration (checked with {@link #requireSupported})
     * @param embedding {@code embedding.weight [V, E]}, float32; kept
     * @param rnn       the quantized stack, of {@code config.rnn()}
     * @param head      {@code head.weight [K, H]}, quantized in the stack's format
     * @param headBias  {@code head.bias [K]}, or null; kept
     * @throws IllegalArgumentException for parts that do not fit the configuration
     */
    public QuantizedSequenceModel(SequenceModelConfig config, float[] embedding, QuantizedStack rnn,
                                  QuantizedMatrix head, float[] headBias) {
        super(Precision.F32);
        requireSupported(config);
        this.config = config;
        this.format = rnn.format();
        if (embedding.length != (long) config.vocabSize() * config.embeddingDim() || !rnn.config().equals(config.rnn())
                || head.format() != format || head.rows() != config.outputs() || head.cols() != config.rnnWidth()
                || (headBias != null && headBias.length != config.outputs())) {
            throw new IllegalArgumentException("quantized model: parts that do not fit " + config);
        }
        this.embedding = embedding;
        this.rnn = rnn;
        this.head = head;
        this.headBias = headBias;
    }

    /**
     * Quantizes a model's weights: every {@code weight_ih}, {@code weight_hh} and the head's weight.
     *
     * @param model   a float32 model of a supported shape ({@link #requireSupported})
     * @param format  bf16 or int8
     * @param threads threads that share each step
     * @return the quantized model
     * @throws IllegalArgumentException for a model of another shape or precision
     */
    public static QuantizedSequenceModel of(SequenceModel<float[]> model, QuantizedMatrix.Format format, int threads) {
        Objects.requireNonNull(model, "model");
        requireSupported(model.config());
        Linear<float[]> h = model.head();
        QuantizedStack rnn = QuantizedStack.of(model.rnn(), format, threads);
        QuantizedMatrix head = QuantizedMatrix.quantize(format, "head.weight", h.weight().value(), 0,
                h.outFeatures(), h.inFeatures());
        return new QuantizedSequenceModel(model.config(), model.embedding().weight().value().clone(), rnn, head,
                h.bias() == null ? null : h.bias().value().clone());
    }

    /**
     * Refuses a configuration quantized inference does not cover.
     *
     * @param c the configuration
     * @throws IllegalArgumentException unless it is a model of token ids with one output per step, no
     *                                  numeric features, layer norm or hidden layer, and a
     *                                  unidirectional stack without projection
     */
    public static void requireSupported(SequenceModelConfig c) {
        if (!c.hasTokens() || c.features() > 0 || !c.perStep() || c.layerNorm() || c.hiddenUnits() > 0
                || c.rnn().bidirectional() || c.rnn().projSize() > 0) {
            throw new IllegalArgumentException("quantized inference covers models of token ids with one output per "
                    + "step, a unidirectional stack without projection, no layer norm or hidden layer (the character "
                    + "language model's shape); found another shape");
        }
    }

    /** The configuration. */
    public SequenceModelConfig config() {
        return config;
    }

    /** The storage of the quantized weights. */
    public QuantizedMatrix.Format format() {
        return format;
    }

    /** The embedding {@code [V, E]} (a copy). */
    public float[] embeddingWeight() {
        return embedding.clone();
    }

    /** The quantized recurrent stack. */
    public QuantizedStack rnn() {
        return rnn;
    }

    /** The quantized head weight {@code [K, H]}. */
    public QuantizedMatrix head() {
        return head;
    }

    /** The head bias {@code [K]} (a copy), or null. */
    public float[] headBias() {
        return headBias == null ? null : headBias.clone();
    }

    @Override
    public Activations<float[]> forward(Batch batch) {
        return forward(batch, null);
    }

    /**
     * Runs a batch of token sequences from a state, one step at a time.
     *
     * @param batch   token ids {@code [T, B]}; every sequence of length {@code T}
     * @param initial the state to start from, or null for zeros
     * @return {@code [T, B, K]}
     * @throws IllegalArgumentException for a batch with features, without tokens, or with padding
     */
    @Override
    public Activations<float[]> forward(Batch batch, State<float[]> initial) {
        Objects.requireNonNull(batch, "batch");
        if (batch.tokens() == null || batch.featureWidth() > 0) {
            throw new IllegalArgumentException("quantized model input: expected token ids only");
        }
        for (int b = 0; b < batch.batch(); b++) {
            if (batch.length(b) != batch.steps()) {
                throw new IllegalArgumentException("quantized model input: expected sequences of equal length "
                        + batch.steps() + ", found one of " + batch.length(b) + " (padding is not supported)");
            }
        }
        int nt = batch.steps();
        int nb = batch.batch();
        int ne = config.embeddingDim();
        int nv = config.vocabSize();
        int nk = config.outputs();
        int nh = config.rnnWidth();
        QuantizedStack.Runner runner = rnn.runner(nb, initial);
        float[] x = new float[nb * ne];
        float[] out = new float[nt * nb * nk];
        int[] tokens = batch.tokens();
        for (int t = 0; t < nt; t++) {
            // x_t = embedding(tokens_t)
            for (int b = 0; b < nb; b++) {
                int id = tokens[t * nb + b];
                if (id < 0 || id >= nv) {
                    throw new IllegalArgumentException("quantized model input: token id " + id + " outside 0.."
                            + (nv - 1));
                }
                System.arraycopy(embedding, id * ne, x, b * ne, ne);
            }
            float[] y = runner.step(x, 0);
            // out_t = Q(W_head) y_t + b_head
            for (int b = 0; b < nb; b++) {
                head.product(0, nk, y, b * nh, null, 0, headBias, null, out, null, t * nb * nk + b * nk);
            }
        }
        finalState = runner.state();
        return Activations.sequence(out, nt, nb, nk);
    }

    /** Not supported: quantized weights are for inference. */
    @Override
    public void backward(Activations<float[]> outputGradient) {
        throw new UnsupportedOperationException("quantized model: inference only (train the float model)");
    }

    @Override
    public State<float[]> finalState() {
        return finalState;
    }

    @Override
    public String toString() {
        return "a " + format.id() + "-weight " + config.rnn().numLayers() + "-layer " + config.rnn().cell().id()
                + " model with V=" + config.vocabSize() + ", E=" + config.embeddingDim() + ", H="
                + config.rnn().hiddenSize() + ", " + config.outputs() + " outputs per step";
    }
}
