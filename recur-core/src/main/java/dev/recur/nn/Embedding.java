package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.SplittableRandom;

/**
 * A lookup table of token vectors, PyTorch's {@code nn.Embedding} (without max-norm): row
 * {@code id} of {@code weight [V, E]} is the vector of token {@code id}.
 *
 * <pre>
 * forward:  out[n] = W[ids[n]]                      out [N, E]
 * backward: dW[ids[n]] += dOut[n]  for every n      (a token that occurs k times accumulates k rows)
 * </pre>
 *
 * <p>The gradient is dense: rows of tokens that do not occur stay as they were. With a padding
 * index {@code p} (PyTorch's {@code padding_idx}), row {@code p} starts at zero and never receives a
 * gradient, so padding steps embed to whatever that row holds (zero unless set otherwise). The
 * parameter is named {@code weight}; a model prefixes it (e.g. {@code embedding.weight}).
 *
 * <p>Not thread-safe: {@link #forward(Tokens)} keeps its input for the backward pass, so one
 * forward/backward at a time. {@link #forward(int[], Object)} keeps nothing and may run on several
 * threads at once while the weights are not being trained.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class Embedding<A> extends Module<A> implements Layer<A, Tokens, Activations<A>> {

    /** The padding index of a table without one. */
    public static final int NO_PADDING = -1;

    private final Kernels<A> k;
    private final int vocab;
    private final int dim;
    private final int paddingIdx;
    /** {@code [V, E]}. */
    private final Parameter<A> weight;
    /** The ids of the last {@link #forward(Tokens)}, for its backward pass. */
    private Tokens input;

    /**
     * A table of zeros without a padding index (fill it, e.g. from a file, or use {@link #create}).
     *
     * @param precision    the precision
     * @param vocabSize    {@code V} ≥ 1
     * @param embeddingDim {@code E} ≥ 1
     */
    public Embedding(Precision<A> precision, int vocabSize, int embeddingDim) {
        this(precision, vocabSize, embeddingDim, NO_PADDING);
    }

    /**
     * A table of zeros.
     *
     * @param precision    the precision
     * @param vocabSize    {@code V} ≥ 1
     * @param embeddingDim {@code E} ≥ 1
     * @param paddingIdx   the padding token's id in {@code 0..V-1}, or {@link #NO_PADDING}
     */
    public Embedding(Precision<A> precision, int vocabSize, int embeddingDim, int paddingIdx) {
        super(precision);
        if (vocabSize < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("embedding: expected vocabulary size V >= 1 and dimension E >= 1, found V = "
                    + vocabSize + ", E = " + embeddingDim);
        }
        if (paddingIdx != NO_PADDING && (paddingIdx < 0 || paddingIdx >= vocabSize)) {
            throw new IllegalArgumentException("embedding padding index: expected a token id in 0.." + (vocabSize - 1)
                    + " or none (-1), found " + paddingIdx);
        }
        this.k = precision.kernels();
        this.vocab = vocabSize;
        this.dim = embeddingDim;
        this.paddingIdx = paddingIdx;
        this.weight = addParameter(new Parameter<>(k, "weight", vocabSize, embeddingDim));
    }

    /** A table without a padding index, initialised as PyTorch's default: every element from N(0, 1). */
    public static <A> Embedding<A> create(Precision<A> precision, int vocabSize, int embeddingDim,
                                          SplittableRandom rng) {
        return create(precision, vocabSize, embeddingDim, NO_PADDING, rng);
    }

    /**
     * A table initialised as PyTorch's default: every element from N(0, 1), then the padding row
     * (if any) set to zero.
     *
     * @param paddingIdx the padding token's id, or {@link #NO_PADDING}
     */
    public static <A> Embedding<A> create(Precision<A> precision, int vocabSize, int embeddingDim, int paddingIdx,
                                          SplittableRandom rng) {
        Embedding<A> e = new Embedding<>(precision, vocabSize, embeddingDim, paddingIdx);
        Initializers.normal(precision, e.weight, 1.0, rng);
        if (paddingIdx != NO_PADDING) {
            e.k.zero(e.weight.value(), paddingIdx * embeddingDim, embeddingDim);
        }
        return e;
    }

    /** {@code V}. */
    public int vocabSize() {
        return vocab;
    }

    /** {@code E}. */
    public int embeddingDim() {
        return dim;
    }

    /** The padding token's id, or {@link #NO_PADDING}. */
    public int paddingIdx() {
        return paddingIdx;
    }

    /** The table {@code [V, E]}. */
    public Parameter<A> weight() {
        return weight;
    }

    /**
     * Embeds every token, padding included; keeps the ids for {@link #backward(Activations)}.
     *
     * @param tokens {@code [T, B]} ids in {@code 0..V-1}
     * @return {@code [T, B, E]} with the tokens' lengths
     */
    @Override
    public Activations<A> forward(Tokens tokens) {
        A out = k.alloc(tokens.ids().length * dim);
        forward(tokens.ids(), out);
        input = tokens;
        return Activations.sequence(out, tokens.steps(), tokens.batch(), dim, tokens.lengths());
    }

    /**
     * Scatter-adds the gradient of the last forward pass into the table's gradient (the padding row
     * excepted).
     *
     * @param dOut {@code [T, B, E]}
     * @return null: token ids have no gradient
     */
    @Override
    public Tokens backward(Activations<A> dOut) {
        if (input == null) {
            throw LayerShapes.noForward("embedding");
        }
        dOut.require("embedding output gradient", true, dim);
        backward(input.ids(), dOut.values());
        input = null;
        return null;
    }

    /**
     * Gathers the rows of {@code ids}. Modifies only {@code out}.
     *
     * @param ids {@code [N]} token ids in {@code 0..V-1}
     * @param out {@code [N, E]}: overwritten with the vectors
     * @throws IllegalArgumentException for an id outside {@code 0..V-1} (nothing is written then) or
     *                                  an output of the wrong length
     */
    public void forward(int[] ids, A out) {
        checkIds(ids);
        check(out, ids.length, "output");
        for (int n = 0; n < ids.length; n++) {
            k.copy(weight.value(), ids[n] * dim, out, n * dim, dim);
        }
    }

    /**
     * Scatter-adds {@code dOut} into the rows of the weight gradient, except the padding row's.
     * Modifies only the weight's gradient.
     *
     * @param ids  {@code [N]}: the ids of the forward pass
     * @param dOut {@code [N, E]}: gradient of the output
     */
    public void backward(int[] ids, A dOut) {
        checkIds(ids);
        check(dOut, ids.length, "output gradient");
        for (int n = 0; n < ids.length; n++) {
            if (ids[n] != paddingIdx) {
                k.addInto(dOut, n * dim, weight.grad(), ids[n] * dim, dim);
            }
        }
    }

    private void checkIds(int[] ids) {
        if (ids == null || ids.length == 0) {
            throw new IllegalArgumentException("token ids: expected at least one id, found "
                    + (ids == null ? "null" : "none"));
        }
        for (int n = 0; n < ids.length; n++) {
            if (ids[n] < 0 || ids[n] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[n] + " at position " + n
                        + " is outside the vocabulary 0.." + (vocab - 1) + " (V = " + vocab
                        + "); likely cause: text encoded with another vocabulary, or a padding id");
            }
        }
    }

    private void check(A a, int rows, String what) {
        long expected = (long) rows * dim;
        int found = a == null ? -1 : k.length(a);
        if (found != expected) {
            throw new IllegalArgumentException("embedding " + what + ": expected [N, E] = [" + rows + ", " + dim
                    + "] = " + expected + " values, found " + (a == null ? "null" : found)
                    + "; likely cause: an array sized for another batch or embedding width");
        }
    }

    @Override
    public String toString() {
        return "Embedding(" + vocab + ", " + dim + (paddingIdx == NO_PADDING ? "" : ", padding_idx=" + paddingIdx)
                + ", " + precision() + ")";
    }
}
