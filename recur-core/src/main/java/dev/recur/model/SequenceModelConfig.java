package dev.recur.model;

import dev.recur.nn.Activation;
import dev.recur.nn.Embedding;
import dev.recur.nn.Pooling;
import dev.recur.nn.WeightInit;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.io.MapFields;
import dev.recur.tensor.TensorSize;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The shape of a {@link SequenceModel}, validated on construction: the common recurrent stacks, one
 * layer after another,
 * <pre>
 * x   = embedding(tokens) ‖ features         Embedding(V, E, padding_idx) and/or F numeric features   [T, B, E+F]
 * x   = dropout(x)                           in training
 * y   = rnn(x)                               LSTM / GRU / RNN(E+F, H, L, bidirectional, …)            [T, B, D*Hout]
 * y   = layer_norm(y)                        optional
 * z   = pool(y)                              last | mean | max | attention over the valid steps    [B, D*Hout]
 *                                            (none: z = y, one output per step)
 * z   = dropout(z)                           in training
 * z   = act(hidden(z))                       optional Linear + activation
 * out = head(z)                              Linear(·, K)                                             [B, K] or [T, B, K]
 * </pre>
 * Build one with {@link #builder()}; the defaults live in {@link Builder} and only there. The
 * character language model is {@link #charLanguageModel}.
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not.
 *
 * @param vocabSize        {@code V}: token ids {@code 0..V-1}; 0 for a model without token input
 * @param embeddingDim     {@code E}; 0 without token input
 * @param paddingIdx       the embedding's padding index, or {@link Embedding#NO_PADDING}
 * @param features         {@code F}: numeric features per step; 0 for none
 * @param inputDropout     dropout probability on the input sequence, in training
 * @param rnn              the recurrent stack; its input size is {@code E + F}
 * @param layerNorm        whether a LayerNorm follows the recurrent stack
 * @param pooling          how the steps are pooled into one vector per sequence; null for one output per step
 * @param attentionSize    {@code A} of attention pooling; 0 otherwise
 * @param outputDropout    dropout probability before the head, in training
 * @param hiddenUnits      units of a hidden Linear layer before the head; 0 for none
 * @param hiddenActivation its activation (ignored without it)
 * @param outputs          {@code K}: the head's width (classes, values or vocabulary)
 * @param chronoHorizon    0, or {@code T_max >= 2} for the chrono initialisation of the gate biases
 *                         (per unit {@code b = ln u}, {@code u ~ U[1, T_max − 1]}, on the LSTM's forget
 *                         gate, {@code −b} on its input gate, on the GRU's update gate), so the gated
 *                         cells start with memory time scales spread up to {@code T_max} steps
 */
public record SequenceModelConfig(int vocabSize, int embeddingDim, int paddingIdx, int features, double inputDropout,
                                  RecurrentConfig rnn, boolean layerNorm, Pooling.Kind pooling, int attentionSize,
                                  double outputDropout, int hiddenUnits, Activation.Kind hiddenActivation, int outputs,
                                  int chronoHorizon) {

    /**
     * Validates every field; messages name the field, the value and what is allowed.
     *
     * @param vocabSize        {@code V}
     * @param embeddingDim     {@code E}
     * @param paddingIdx       the padding index
     * @param features         {@code F}
     * @param inputDropout     input dropout
     * @param rnn              the recurrent stack
     * @param layerNorm        whether to normalise its output
     * @param pooling          the pooling, or null
     * @param attentionSize    {@code A}
     * @param outputDropout    dropout before the head
     * @param hiddenUnits      hidden layer units
     * @param hiddenActivation hidden layer activation
     * @param outputs          {@code K}
     * @param chronoHorizon    chrono horizon
     */
    public SequenceModelConfig {
        if (vocabSize < 0 || embeddingDim < 0 || features < 0) {
            throw new IllegalArgumentException("model inputs: expected vocab_size, embedding_dim and features >= 0, "
                    + "found " + vocabSize + ", " + embeddingDim + " and " + features);
        }
        if ((vocabSize == 0) != (embeddingDim == 0)) {
            throw new IllegalArgumentException("model inputs: expected vocab_size and embedding_dim both set (token "
                    + "input) or both 0, found " + vocabSize + " and " + embeddingDim);
        }
        if (vocabSize == 0 && features == 0) {
            throw new IllegalArgumentException("model inputs: expected tokens (vocab_size, embedding_dim), numeric "
                    + "features, or both, found neither");
        }
        if (paddingIdx != Embedding.NO_PADDING && (vocabSize == 0 || paddingIdx < 0 || paddingIdx >= vocabSize)) {
            throw new IllegalArgumentException("padding_idx: expected a token id in 0.." + (vocabSize - 1)
                    + " or none (-1), found " + paddingIdx);
        }
        dropout("input_dropout", inputDropout);
        dropout("output_dropout", outputDropout);
        if (rnn == null) {
            throw new IllegalArgumentException("model: the recurrent stack must be given");
        }
        if (rnn.inputSize() != embeddingDim + features) {
            throw new IllegalArgumentException("rnn input_size: expected embedding_dim + features = " + embeddingDim
                    + " + " + features + ", found " + rnn.inputSize());
        }
        if (pooling == Pooling.Kind.ATTENTION ? attentionSize < 1 : attentionSize != 0) {
            throw new IllegalArgumentException("attention_size: expected " + (pooling == Pooling.Kind.ATTENTION
                    ? ">= 1 for attention pooling" : "0 without attention pooling") + ", found " + attentionSize);
        }
        if (hiddenUnits < 0) {
            throw new IllegalArgumentException("hidden_units: expected >= 0 (0 = no hidden layer), found " + hiddenUnits);
        }
        if (hiddenActivation == null) {
            throw new IllegalArgumentException("hidden_activation: must be given (tanh, relu or sigmoid)");
        }
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs: expected >= 1, found " + outputs);
        }
        if (chronoHorizon != 0 && chronoHorizon < 2) {
            throw new IllegalArgumentException("chrono horizon: expected 0 (off) or >= 2 steps, found " + chronoHorizon);
        }
        if (chronoHorizon != 0 && !rnn.bias()) {
            throw new IllegalArgumentException("chrono initialisation sets gate biases: expected a recurrent stack "
                    + "with biases, found bias = false; likely cause: set the chrono horizon to 0 or enable biases");
        }
        // every parameter must fit in one array
        TensorSize.requireFits("vocab_size", vocabSize, "embedding.weight", vocabSize, embeddingDim);
        int width = rnn.directions() * rnn.outputSize();
        TensorSize.requireFits("attention_size", attentionSize, "pool.proj.weight", attentionSize, width);
        TensorSize.requireFits("hidden_units", hiddenUnits, "hidden.weight", hiddenUnits, width);
        TensorSize.requireFits("outputs", outputs, "head.weight", outputs, hiddenUnits > 0 ? hiddenUnits : width);
    }

    private static void dropout(String name, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(name + ": expected a probability in [0, 1), found " + p);
        }
    }

    /**
     * The character language model of {@code recur train}: {@code Embedding(V, E)} (no padding index)
     * → {@code cell(E, H, L)} → {@code Linear(H, V)} at every step, with dropout {@code p} (in
     * training) on the embeddings, between the recurrent layers and before the head, as PyTorch's
     * word-language-model example.
     *
     * @param vocabSize    {@code V}
     * @param embeddingDim {@code E}
     * @param cell         the cell
     * @param hiddenSize   {@code H}
     * @param layers       {@code L}
     * @param dropout      {@code p}
     * @return the configuration
     */
    public static SequenceModelConfig charLanguageModel(int vocabSize, int embeddingDim, CellKind cell, int hiddenSize,
                                                        int layers, double dropout) {
        return builder().tokens(vocabSize, embeddingDim).paddingIdx(Embedding.NO_PADDING).cell(cell, hiddenSize)
                .layers(layers).dropout(dropout).inputDropout(dropout).outputDropout(dropout).outputs(vocabSize).build();
    }

    /**
     * The fields as JSON-compatible values, as a checkpoint records them (snake_case keys; a
     * forget bias of NaN is null; no pooling is {@code "none"}).
     *
     * @return a new map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vocab_size", vocabSize);
        m.put("embedding_dim", embeddingDim);
        m.put("padding_idx", paddingIdx);
        m.put("features", features);
        m.put("input_dropout", inputDropout);
        m.put("cell", rnn.cell().id());
        m.put("hidden_size", rnn.hiddenSize());
        m.put("num_layers", rnn.numLayers());
        m.put("bidirectional", rnn.bidirectional());
        m.put("proj_size", rnn.projSize());
        m.put("bias", rnn.bias());
        m.put("dropout", rnn.dropout());
        m.put("input_init", rnn.inputInit().name().toLowerCase(Locale.ROOT));
        m.put("recurrent_init", rnn.recurrentInit().name().toLowerCase(Locale.ROOT));
        m.put("forget_bias", Double.isNaN(rnn.forgetBias()) ? null : rnn.forgetBias());
        m.put("layer_norm", layerNorm);
        m.put("pooling", pooling == null ? "none" : pooling.id());
        m.put("attention_size", attentionSize);
        m.put("output_dropout", outputDropout);
        m.put("hidden_units", hiddenUnits);
        m.put("hidden_activation", hiddenActivation.id());
        m.put("outputs", outputs);
        m.put("chrono_horizon", chronoHorizon);
        return m;
    }

    /**
     * Restores a configuration from {@link #toMap()}.
     *
     * @param map the map
     * @return the configuration
     * @throws IllegalArgumentException naming a field that is missing or invalid
     */
    public static SequenceModelConfig fromMap(Map<String, ?> map) {
        MapFields f = new MapFields("model.config", map);
        RecurrentConfig rnn = new RecurrentConfig(CellKind.fromId(f.text("cell")),
                f.integer("embedding_dim") + f.integer("features"), f.integer("hidden_size"), f.integer("num_layers"),
                f.bool("bidirectional"), f.integer("proj_size"), f.bool("bias"), f.number("dropout"),
                init(f.text("input_init")), init(f.text("recurrent_init")),
                f.has("forget_bias") ? f.number("forget_bias") : Double.NaN);
        String pooling = f.text("pooling");
        return new SequenceModelConfig(f.integer("vocab_size"), f.integer("embedding_dim"), f.integer("padding_idx"),
                f.integer("features"), f.number("input_dropout"), rnn, f.bool("layer_norm"),
                pooling.equals("none") ? null : Pooling.Kind.fromId(pooling), f.integer("attention_size"),
                f.number("output_dropout"), f.integer("hidden_units"), Activation.Kind.fromId(f.text("hidden_activation")),
                f.integer("outputs"), f.integer("chrono_horizon"));
    }

    private static WeightInit init(String id) {
        for (WeightInit w : WeightInit.values()) {
            if (w.name().toLowerCase(Locale.ROOT).equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("model.config init: expected uniform, xavier or orthogonal, found '" + id + "'");
    }

    /** Whether the model reads token ids. */
    public boolean hasTokens() {
        return vocabSize > 0;
    }

    /** Whether there is one output per step (no pooling). */
    public boolean perStep() {
        return pooling == null;
    }

    /** {@code D*Hout}: the width of the recurrent stack's output. */
    public int rnnWidth() {
        return rnn.directions() * rnn.outputSize();
    }

    /** The width the head reads: the hidden layer's, or the recurrent stack's. */
    public int headInput() {
        return hiddenUnits > 0 ? hiddenUnits : rnnWidth();
    }

    /**
     * The number of parameters of the model this configuration builds, computed from the shape
     * before anything is allocated: the embedding, the recurrent stack, the layer norm, attention,
     * the hidden layer and the head.
     *
     * @return the count
     */
    public long parameterCount() {
        long width = rnnWidth();
        long n = (long) vocabSize * embeddingDim + rnn.parameterCount();
        n += layerNorm ? 2 * width : 0;
        // attention: a projection [A, width] with its bias and a query [A]
        n += pooling == Pooling.Kind.ATTENTION ? attentionSize * width + 2L * attentionSize : 0;
        n += hiddenUnits > 0 ? width * hiddenUnits + hiddenUnits : 0;
        return n + (long) headInput() * outputs + outputs;
    }

    /**
     * Refuses, before anything is allocated, a model whose training would not fit this JVM's heap:
     * an estimate of the parameters, their gradients and Adam's two moments, and the activations a
     * batch keeps for back-propagation through time (per step and layer, the gate values, states
     * and outputs of each direction, and their gradients).
     *
     * @param what          the model, for the message (e.g. {@code --hidden 4096 --layers 16})
     * @param batch         sequences per step
     * @param steps         the longest sequence
     * @param bytesPerValue 4 for float32, 8 for float64
     * @throws IllegalArgumentException with the estimate and the heap's limit
     */
    public void requireTrainable(String what, int batch, int steps, int bytesPerValue) {
        long params = parameterCount();
        long g = rnn.cell().gates();
        double activations = (double) batch * steps * rnn.numLayers() * rnn.directions()
                * (2 * (g + 3) * rnn.hiddenSize() + 2.0 * rnn.outputSize());
        double bytes = (4.0 * params + activations + (double) batch * steps * (embeddingDim + features)) * bytesPerValue;
        long limit = Runtime.getRuntime().maxMemory();
        if (bytes > 0.8 * limit) {
            throw new IllegalArgumentException(what + ": expected a model whose training fits the Java heap ("
                    + mib(limit) + " MiB), found an estimated " + mib((long) Math.min(bytes, Long.MAX_VALUE))
                    + " MiB (" + params + " parameters with their gradients and Adam's moments, and the "
                    + "activations of a batch of " + batch + " × " + steps + " steps); likely cause: a hidden size "
                    + "or layer count too large (lower it, or give the JVM more memory: JAVA_OPTS=-Xmx…)");
        }
    }

    /**
     * Refuses, before anything is allocated, a model whose weights and their gradients alone would
     * not fit this JVM's heap ({@link SequenceModel#create} calls it; training needs more, see
     * {@link #requireTrainable}).
     *
     * @param bytesPerValue 4 for float32, 8 for float64
     * @throws IllegalArgumentException with the estimate and the heap's limit
     */
    public void requireAllocatable(int bytesPerValue) {
        long params = parameterCount();
        double bytes = 2.0 * params * bytesPerValue;
        long limit = Runtime.getRuntime().maxMemory();
        if (bytes > 0.9 * limit) {
            throw new IllegalArgumentException("model of " + params + " parameters: expected weights and gradients "
                    + "that fit the Java heap (" + mib(limit) + " MiB), found an estimated "
                    + mib((long) Math.min(bytes, Long.MAX_VALUE)) + " MiB; likely cause: a hidden size or layer "
                    + "count too large (lower it, or give the JVM more memory: -Xmx…)");
        }
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /**
     * Checks that the preprocessing saved beside this model fits it: a normalisation of exactly its
     * {@code F} numeric features, one label per output, a vocabulary of exactly {@code V} tokens.
     *
     * @param preprocessing what prediction needs besides the weights
     * @throws IllegalArgumentException naming the part that does not fit
     */
    public void checkPreprocessing(Preprocessing preprocessing) {
        if (preprocessing.normalization() != null && preprocessing.normalization().width() != features) {
            throw new IllegalArgumentException("normalization: expected one mean and deviation per numeric feature "
                    + "(features = " + features + "), found " + preprocessing.normalization().width()
                    + "; likely cause: statistics fitted on other data" + (features == 0
                    ? ", or a normalization given to a model of tokens only" : ""));
        }
        if (preprocessing.labels() != null && preprocessing.labels().size() != outputs) {
            throw new IllegalArgumentException("labels: expected one name per output (outputs = " + outputs
                    + "), found " + preprocessing.labels().size() + "; likely cause: label names of another data set");
        }
        if (preprocessing.vocabulary() != null && preprocessing.vocabulary().size() != vocabSize) {
            throw new IllegalArgumentException("vocabulary: expected vocab_size = " + vocabSize + " tokens, found "
                    + preprocessing.vocabulary().size() + "; likely cause: a vocabulary of other data");
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link SequenceModelConfig}. Defaults: no inputs (give {@link #tokens} and/or
     * {@link #features}), token padding index 0, an LSTM of 64 units with {@link RecurrentConfig}'s
     * defaults for the rest of the stack (one layer, unidirectional, no projection, biases, PyTorch's
     * initialisation, no dropout), no input or output dropout, no normalisation, one output per step
     * (no pooling), no hidden layer (tanh if one is asked for), no chrono initialisation; the number
     * of outputs must be given.
     */
    public static final class Builder {
        /** The recurrent stack's defaults are {@link RecurrentConfig.Builder}'s; its input size is set at build. */
        private static final RecurrentConfig RNN = RecurrentConfig.builder(CellKind.LSTM, 1, 64).build();

        private int vocabSize;
        private int embeddingDim;
        private int paddingIdx = 0;
        private int features;
        private double inputDropout;
        private CellKind cell = RNN.cell();
        private int hiddenSize = RNN.hiddenSize();
        private int layers = RNN.numLayers();
        private boolean bidirectional = RNN.bidirectional();
        private int projSize = RNN.projSize();
        private boolean bias = RNN.bias();
        private double dropout = RNN.dropout();
        private WeightInit inputInit = RNN.inputInit();
        private WeightInit recurrentInit = RNN.recurrentInit();
        private double forgetBias = RNN.forgetBias();
        private boolean layerNorm;
        private Pooling.Kind pooling;
        private int attentionSize;
        private double outputDropout;
        private int hiddenUnits;
        private Activation.Kind hiddenActivation = Activation.Kind.TANH;
        private int outputs;
        private int chronoHorizon;

        private Builder() {
        }

        /**
         * Token input: ids {@code 0..V-1} embedded in {@code E} dimensions (padding index 0 unless
         * {@link #paddingIdx} says otherwise).
         *
         * @param vocabSize    {@code V}
         * @param embeddingDim {@code E}
         * @return this builder
         */
        public Builder tokens(int vocabSize, int embeddingDim) {
            this.vocabSize = vocabSize;
            this.embeddingDim = embeddingDim;
            return this;
        }

        /**
         * The embedding's padding index (default 0, the id batches pad with), or {@link Embedding#NO_PADDING}.
         *
         * @param value the index
         * @return this builder
         */
        public Builder paddingIdx(int value) {
            this.paddingIdx = value;
            return this;
        }

        /**
         * Numeric input: {@code F} features per step (concatenated after the embedding, if any).
         *
         * @param value {@code F}
         * @return this builder
         */
        public Builder features(int value) {
            this.features = value;
            return this;
        }

        /**
         * Dropout on the input sequence in training (default 0).
         *
         * @param value the probability
         * @return this builder
         */
        public Builder inputDropout(double value) {
            this.inputDropout = value;
            return this;
        }

        /**
         * The recurrent cell and its hidden size {@code H} (default LSTM, 64).
         *
         * @param kind the cell
         * @param size {@code H}
         * @return this builder
         */
        public Builder cell(CellKind kind, int size) {
            this.cell = kind;
            this.hiddenSize = size;
            return this;
        }

        /**
         * An LSTM of {@code H} units.
         *
         * @param size {@code H}
         * @return this builder
         */
        public Builder lstm(int size) {
            return cell(CellKind.LSTM, size);
        }

        /**
         * A GRU of {@code H} units.
         *
         * @param size {@code H}
         * @return this builder
         */
        public Builder gru(int size) {
            return cell(CellKind.GRU, size);
        }

        /**
         * Stacked recurrent layers (default 1).
         *
         * @param value {@code L}
         * @return this builder
         */
        public Builder layers(int value) {
            this.layers = value;
            return this;
        }

        /**
         * Whether every recurrent layer also runs in reverse (default false).
         *
         * @param value whether bidirectional
         * @return this builder
         */
        public Builder bidirectional(boolean value) {
            this.bidirectional = value;
            return this;
        }

        /**
         * The LSTM's projection size {@code P} (default 0 = none).
         *
         * @param value {@code P}
         * @return this builder
         */
        public Builder projSize(int value) {
            this.projSize = value;
            return this;
        }

        /**
         * Whether the recurrent layers have biases (default true).
         *
         * @param value whether they have
         * @return this builder
         */
        public Builder bias(boolean value) {
            this.bias = value;
            return this;
        }

        /**
         * Dropout between the recurrent layers in training (default 0).
         *
         * @param value the probability
         * @return this builder
         */
        public Builder dropout(double value) {
            this.dropout = value;
            return this;
        }

        /**
         * The initialisation of {@code weight_ih} and {@code weight_hh} (default PyTorch's uniform).
         *
         * @param input     of {@code weight_ih}
         * @param recurrent of {@code weight_hh}
         * @return this builder
         */
        public Builder init(WeightInit input, WeightInit recurrent) {
            this.inputInit = input;
            this.recurrentInit = recurrent;
            return this;
        }

        /**
         * The LSTM's initial forget-gate bias (default NaN: PyTorch's uniform draw).
         *
         * @param value the bias
         * @return this builder
         */
        public Builder forgetBias(double value) {
            this.forgetBias = value;
            return this;
        }

        /**
         * Whether a LayerNorm follows the recurrent stack (default false).
         *
         * @param value whether to normalise
         * @return this builder
         */
        public Builder layerNorm(boolean value) {
            this.layerNorm = value;
            return this;
        }

        /**
         * Pool the steps into one vector per sequence (default: none, one output per step). Attention
         * pooling gets an attention size of {@code D*Hout} unless {@link #attentionSize} says otherwise.
         *
         * @param value the pooling, or null
         * @return this builder
         */
        public Builder pooling(Pooling.Kind value) {
            this.pooling = value;
            return this;
        }

        /**
         * The attention size {@code A} of attention pooling.
         *
         * @param value {@code A}
         * @return this builder
         */
        public Builder attentionSize(int value) {
            this.attentionSize = value;
            return this;
        }

        /**
         * Dropout before the head in training (default 0).
         *
         * @param value the probability
         * @return this builder
         */
        public Builder outputDropout(double value) {
            this.outputDropout = value;
            return this;
        }

        /**
         * A hidden Linear layer of {@code units} before the head, with an activation (default: none).
         *
         * @param units      the width, 0 for none
         * @param activation its activation
         * @return this builder
         */
        public Builder hidden(int units, Activation.Kind activation) {
            this.hiddenUnits = units;
            this.hiddenActivation = activation;
            return this;
        }

        /**
         * The head's width {@code K}: classes, values or the vocabulary.
         *
         * @param value {@code K}
         * @return this builder
         */
        public Builder outputs(int value) {
            this.outputs = value;
            return this;
        }

        /**
         * The chrono initialisation's horizon {@code T_max} (default 0 = off).
         *
         * @param value {@code T_max}
         * @return this builder
         */
        public Builder chronoHorizon(int value) {
            this.chronoHorizon = value;
            return this;
        }

        /**
         * The validated configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a setting is invalid
         */
        public SequenceModelConfig build() {
            if (vocabSize == 0 && embeddingDim == 0 && features == 0) {
                throw new IllegalArgumentException("model inputs: expected tokens (vocab_size, embedding_dim), numeric "
                        + "features, or both, found neither");
            }
            // the first checks of the recurrent stack's sizes, in this model's words
            if (cell != null && hiddenSize > 0) {
                long gh = (long) cell.gates() * hiddenSize;
                TensorSize.requireFits("hidden_size", hiddenSize, "rnn.weight_hh_l0", gh,
                        projSize > 0 ? projSize : hiddenSize);
                if (vocabSize > 0 && embeddingDim > 0) {
                    TensorSize.requireFits("embedding_dim", embeddingDim, "rnn.weight_ih_l0", gh,
                            (long) embeddingDim + features);
                }
            }
            RecurrentConfig rc = RecurrentConfig.builder(cell, embeddingDim + features, hiddenSize).layers(layers)
                    .bidirectional(bidirectional).projSize(projSize).bias(bias).dropout(dropout).inputInit(inputInit)
                    .recurrentInit(recurrentInit).forgetBias(forgetBias).build();
            int attention = pooling == Pooling.Kind.ATTENTION && attentionSize == 0
                    ? rc.directions() * rc.outputSize() : attentionSize;
            return new SequenceModelConfig(vocabSize, embeddingDim, vocabSize == 0 ? Embedding.NO_PADDING : paddingIdx,
                    features, inputDropout, rc, layerNorm, pooling, attention, outputDropout, hiddenUnits,
                    hiddenActivation, outputs, chronoHorizon);
        }
    }
}
