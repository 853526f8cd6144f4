package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.SplittableRandom;

/**
 * A lookup table of token vectors, PyTorch's {@code nn.Embedding} (without {@code padding_idx} or
 * max-norm): row {@code id} of {@code weight [V, E]} is the vector of token {@code id}.
 *
 * <pre>
 * forward:  out[n] = W[ids[n]]                      out [N, E]
 * backward: dW[ids[n]] += dOut[n]  for every n      (a token that occurs k times accumulates k rows)
 * </pre>
 *
 * <p>The gradient is dense: rows of tokens that do not occur stay as they were. The parameter is
 * named {@code weight}; a model prefixes it (e.g. {@code embedding.weight}).
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class Embedding<A> {

    private final Precision<A> precision;
    private final Kernels<A> k;
    private final int vocab;
    private final int dim;
    /** {@code [V, E]}. */
    private final Parameter<A> weight;

    /**
     * A table of zeros (fill it, e.g. from a file, or use {@link #create}).
     *
     * @param precision    the precision
     * @param vocabSize    {@code V} ≥ 1
     * @param embeddingDim {@code E} ≥ 1
     */
    public Embedding(Precision<A> precision, int vocabSize, int embeddingDim) {
        if (vocabSize < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("embedding: expected vocabulary size V >= 1 and dimension E >= 1, found V = "
                    + vocabSize + ", E = " + embeddingDim);
        }
        this.precision = precision;
        this.k = precision.kernels();
        this.vocab = vocabSize;
        this.dim = embeddingDim;
        this.weight = new Parameter<>(k, "weight", vocabSize, embeddingDim);
    }

    /** A table initialised as PyTorch's default: every element from N(0, 1). */
    public static <A> Embedding<A> create(Precision<A> precision, int vocabSize, int embeddingDim,
                                          SplittableRandom rng) {
        Embedding<A> e = new Embedding<>(precision, vocabSize, embeddingDim);
        Initializers.normal(precision, e.weight, 1.0, rng);
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

    /** The table {@code [V, E]}. */
    public Parameter<A> weight() {
        return weight;
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
     * Scatter-adds {@code dOut} into the rows of the weight gradient. Modifies only the weight's
     * gradient.
     *
     * @param ids  {@code [N]}: the ids of the forward pass
     * @param dOut {@code [N, E]}: gradient of the output
     */
    public void backward(int[] ids, A dOut) {
        checkIds(ids);
        check(dOut, ids.length, "output gradient");
        for (int n = 0; n < ids.length; n++) {
            k.addInto(dOut, n * dim, weight.grad(), ids[n] * dim, dim);
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
        return "Embedding(" + vocab + ", " + dim + ", " + precision + ")";
    }
}
