package dev.recur.model;

import dev.recur.nn.Activations;
import dev.recur.nn.Dropout;
import dev.recur.nn.Embedding;
import dev.recur.nn.Linear;
import dev.recur.nn.Losses;
import dev.recur.nn.Parameter;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A character-level language model: the equivalent of the PyTorch module
 * <pre>
 * e      = embedding(tokens)                 Embedding(V, E)          [T, B, E]
 * y, h_n = rnn(e, h0)                        LSTM or GRU(E, H, L)     [T, B, H]
 * logits = head(y)                           Linear(H, V), every step [T, B, V]
 * loss   = cross_entropy(logits, targets)    mean over T·B
 * </pre>
 * with dropout (training only) on {@code e}, between recurrent layers and on {@code y} when the
 * configured probability is above 0.
 *
 * <p>Parameters and their {@code state_dict} names, in PyTorch's {@code model.parameters()} order
 * ({@link #namedParameters()}): {@code embedding.weight [V, E]}; {@code rnn.weight_ih_l0 [G*H, E]},
 * {@code rnn.weight_hh_l0 [G*H, H]}, {@code rnn.bias_ih_l0 [G*H]}, {@code rnn.bias_hh_l0 [G*H]}, the
 * same for {@code l1 …}; {@code head.weight [V, H]}, {@code head.bias [V]}.
 *
 * <p>Truncated BPTT: feed {@link LanguageModelOutput#finalState()} of one chunk as the initial state
 * of the next. The state is a plain value there, so no gradient crosses the chunk boundary.
 *
 * <p>Not thread-safe: one forward/backward at a time per instance.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class CharLanguageModel<A> {

    private final CharLanguageModelConfig config;
    private final Precision<A> precision;
    private final Kernels<A> k;
    /** {@code weight [V, E]}. */
    private final Embedding<A> embedding;
    /** {@code L} layers of {@code H}, input {@code E}; parameters {@code [G*H, E]}, {@code [G*H, H]}, {@code [G*H]}. */
    private final SequenceLayer<A> rnn;
    /** {@code weight [V, H]}, {@code bias [V]}. */
    private final Linear<A> head;
    /** On the embeddings {@code [T, B, E]}. */
    private final Dropout<A> embeddingDropout;
    /** On the recurrent output {@code [T, B, H]}. */
    private final Dropout<A> outputDropout;

    private CharLanguageModel(CharLanguageModelConfig config, Precision<A> precision, long seed) {
        this.config = config;
        this.precision = precision;
        this.k = precision.kernels();
        SplittableRandom rng = new SplittableRandom(seed);
        this.embedding = Embedding.create(precision, config.vocabSize(), config.embeddingDim(), rng.split());
        this.rnn = SequenceLayer.create(config.recurrentConfig(), precision, rng.nextLong());
        this.head = Linear.create(precision, config.hiddenSize(), config.vocabSize(), true, rng.split());
        this.embeddingDropout = new Dropout<>(precision, config.dropout(), rng.nextLong());
        this.outputDropout = new Dropout<>(precision, config.dropout(), rng.nextLong());
    }

    /**
     * A model with freshly initialised parameters: the embedding from N(0, 1) and the head from
     * U(−1/√H, 1/√H) as PyTorch, the recurrent stack as {@link SequenceLayer#create}.
     *
     * @param seed seeds the initial weights and the dropout masks
     */
    public static <A> CharLanguageModel<A> create(CharLanguageModelConfig config, Precision<A> precision, long seed) {
        return new CharLanguageModel<>(config, precision, seed);
    }

    /** The configuration. */
    public CharLanguageModelConfig config() {
        return config;
    }

    /** The precision. */
    public Precision<A> precision() {
        return precision;
    }

    /** The token embedding {@code [V, E]}. */
    public Embedding<A> embedding() {
        return embedding;
    }

    /** The recurrent stack. */
    public SequenceLayer<A> rnn() {
        return rnn;
    }

    /** The output layer {@code [V, H]}. */
    public Linear<A> head() {
        return head;
    }

    /**
     * Every parameter under its PyTorch {@code state_dict} name, in {@code model.parameters()}
     * order: {@code embedding.weight}, {@code rnn.<name>} for every recurrent parameter,
     * {@code head.weight}, {@code head.bias}. A new map each call (changing it changes nothing in the
     * model); the parameters in it are the model's own.
     */
    public LinkedHashMap<String, Parameter<A>> namedParameters() {
        LinkedHashMap<String, Parameter<A>> m = new LinkedHashMap<>();
        m.put("embedding." + embedding.weight().name(), embedding.weight());
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

    /** How many training passes have drawn dropout masks (the mutable part of the dropout RNG state). */
    public long dropoutPasses() {
        return outputDropout.draws();
    }

    /** Restores the dropout position of every dropout site, e.g. when resuming from a checkpoint. */
    public void setDropoutPasses(long passes) {
        embeddingDropout.setDraws(passes);
        outputDropout.setDraws(passes);
        rnn.setDraws(passes);
    }

    /**
     * Runs the model over a batch of token sequences.
     *
     * @param tokens   {@code [T, B]} token ids in {@code 0..V-1}, time-major ({@code tokens[t*B + b]})
     * @param steps    {@code T}
     * @param batch    {@code B}
     * @param initial  the recurrent state to start from ({@code h [L, B, H]}, and {@code c [L, B, H]}
     *                 for the LSTM), e.g. the previous chunk's final state; null for zeros
     * @param training whether dropout is applied
     * @return the logits {@code [T, B, V]}, the final state and the tape for {@link #backward}
     * @throws IllegalArgumentException for a token array of the wrong length, a token outside
     *                                  {@code 0..V-1} or a state of the wrong shape
     */
    public LanguageModelOutput<A> forward(int[] tokens, int steps, int batch, State<A> initial, boolean training) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("language model input: expected T >= 1 and B >= 1, found T = " + steps
                    + ", B = " + batch);
        }
        if (tokens == null || tokens.length != (long) steps * batch) {
            throw new IllegalArgumentException("tokens: expected [T, B] = [" + steps + ", " + batch + "] = "
                    + (long) steps * batch + " ids, found " + (tokens == null ? "null" : tokens.length)
                    + "; likely cause: T and B do not describe the token array");
        }
        final int n = steps * batch;
        final int ne = config.embeddingDim();
        final int nh = config.hiddenSize();
        final int nv = config.vocabSize();
        int[] ids = tokens.clone();
        // e = embedding(tokens), then dropout                     [T, B, E]
        A e0 = k.alloc(n * ne);
        embedding.forward(ids, e0);
        embeddingDropout.setTraining(training);
        A e = embeddingDropout.forward(Activations.sequence(e0, steps, batch, ne)).values();
        A embeddingMask = e == e0 ? null : embeddingDropout.mask(embeddingDropout.draws() - 1, n * ne);
        // y, h_n = rnn(e, h0)                                      [T, B, H]
        SequenceOutput<A> r = rnn.forward(Activations.sequence(e, steps, batch, ne), initial, training);
        outputDropout.setTraining(training);
        A y = outputDropout.forward(Activations.sequence(r.output(), steps, batch, nh)).values();
        A outputMask = y == r.output() ? null : outputDropout.mask(outputDropout.draws() - 1, n * nh);
        // logits = y W_headᵀ + b_head                               [T, B, V]
        A logits = k.alloc(n * nv);
        head.forward(y, n, logits);
        LanguageModelTape<A> tape = new LanguageModelTape<>(steps, batch, ids, embeddingMask, r.tape(), y, outputMask);
        return new LanguageModelOutput<>(logits, r.finalState(), tape);
    }

    /**
     * Mean cross-entropy of the logits against {@code targets}, over the rows with
     * {@code mask[t*B + b]} set (all rows when {@code mask} is null); see {@link Losses}.
     *
     * @param out     a forward result
     * @param targets {@code [T, B]} next-token ids
     * @param mask    {@code [T, B]} rows that count, or null
     * @param dLogits {@code [T, B, V]}: overwritten with {@code d loss / d logits}; null to skip
     * @return the loss
     */
    public double loss(LanguageModelOutput<A> out, int[] targets, boolean[] mask, A dLogits) {
        int n = out.steps() * out.batch();
        return Losses.softmaxCrossEntropy(precision, out.logits(), n, config.vocabSize(), targets, mask, dLogits);
    }

    /**
     * Back-propagates {@code dLogits} through head, recurrent stack and embedding, adding every
     * parameter's gradient into {@link Parameter#grad()}. The gradient of the initial state is not
     * propagated (truncated BPTT).
     *
     * @param out     the forward result
     * @param dLogits {@code [T, B, V]}: gradient of the logits
     */
    public void backward(LanguageModelOutput<A> out, A dLogits) {
        LanguageModelTape<A> tape = out.tape();
        final int n = tape.steps * tape.batch;
        final int ne = config.embeddingDim();
        final int nh = config.hiddenSize();
        // logits = y W_headᵀ + b_head:  dW_head += dlogitsᵀ y,  db_head += Σ dlogits,  dy = dlogits W_head
        A dy = k.alloc(n * nh);
        head.backward(tape.headInput, dLogits, n, dy);
        if (tape.outputMask != null) {
            k.multiplyInto(tape.outputMask, 0, dy, 0, n * nh);
        }
        // y = rnn(e): BPTT
        InputGradients<A> g = rnn.backward(tape.rnnTape, dy, null);
        A de = g.dx();
        if (tape.embeddingMask != null) {
            k.multiplyInto(tape.embeddingMask, 0, de, 0, n * ne);
        }
        // e = embedding(tokens): scatter-add
        embedding.backward(tape.tokens, de);
    }

    /**
     * Loss and backward in one: the mean cross-entropy against {@code targets} over all rows, with
     * its gradient added into every parameter.
     *
     * @return the loss
     */
    public double lossAndBackward(LanguageModelOutput<A> out, int[] targets) {
        return lossAndBackward(out, targets, null);
    }

    /**
     * Loss and backward in one, counting only the rows with {@code mask} set (all when null).
     *
     * @return the loss
     */
    public double lossAndBackward(LanguageModelOutput<A> out, int[] targets, boolean[] mask) {
        A dLogits = k.alloc(out.steps() * out.batch() * config.vocabSize());
        double loss = loss(out, targets, mask, dLogits);
        backward(out, dLogits);
        return loss;
    }

    @Override
    public String toString() {
        return "CharLanguageModel(" + config + ", " + precision + ")";
    }
}
