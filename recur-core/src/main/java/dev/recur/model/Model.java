package dev.recur.model;

import dev.recur.data.Batch;
import dev.recur.nn.Activations;
import dev.recur.nn.Module;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;

/**
 * A network that maps a {@link Batch} of sequences to outputs, one row per sequence ({@code [B, K]})
 * or one per step ({@code [T, B, K]}): what {@link dev.recur.train.Trainer} trains, a checkpoint
 * saves and the commands serve. It is the root of a {@link Module} tree, so its parameters, their
 * {@code state_dict} names, its train/eval mode and its random state come from there.
 *
 * <p>Write a custom model as a forward/backward pair over layers registered as children:
 * <pre>{@code
 * final class MeanClassifier extends Model<double[]> {
 *     private final Embedding<double[]> embedding;
 *     private final SequenceLayer<double[]> rnn;
 *     private final Pooling<double[]> pool;
 *     private final Linear<double[]> head;
 *     ...
 *     public Activations<double[]> forward(Batch batch) {
 *         return head.forward(pool.forward(rnn.forward(embedding.forward(batch.tokenIds()))));
 *     }
 *     public void backward(Activations<double[]> dLogits) {
 *         embedding.backward(rnn.backward(pool.backward(head.backward(dLogits))));
 *     }
 * }
 * }</pre>
 * (the README has it whole). {@link SequenceModel} is the configurable model of the common stacks.
 *
 * <p>Not thread-safe: one forward/backward at a time.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public abstract class Model<A> extends Module<A> {

    /**
     * A model computing in {@code precision}.
     *
     * @param precision the precision
     */
    protected Model(Precision<A> precision) {
        super(precision);
    }

    /**
     * Runs the model on a batch's inputs, in the mode it is set to, keeping what {@link #backward}
     * needs.
     *
     * @param batch the inputs (its targets are not read)
     * @return the outputs: {@code [B, K]}, or {@code [T, B, K]} with the batch's lengths
     */
    public abstract Activations<A> forward(Batch batch);

    /**
     * Back-propagates the gradient of the last forward pass's output, adding into every
     * parameter's gradient.
     *
     * @param outputGradient shaped as the output
     */
    public abstract void backward(Activations<A> outputGradient);

    /**
     * Runs the model from a given recurrent state, for models that carry their state from one batch
     * to the next (truncated BPTT over parallel streams, streaming generation). This one accepts
     * only null and runs {@link #forward(Batch)}.
     *
     * @param batch   the inputs
     * @param initial the state to start from, or null for zeros
     * @return the outputs
     * @throws IllegalArgumentException if a state is given to a model that carries none
     */
    public Activations<A> forward(Batch batch, State<A> initial) {
        if (initial != null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected no initial state, found one; "
                    + "likely cause: batches that continue each other (truncated BPTT) given to a model that does not "
                    + "carry its recurrent state");
        }
        return forward(batch);
    }

    /**
     * The recurrent state the last forward pass ended in, to carry into the next batch.
     *
     * @return the state, or null for a model that carries none
     */
    public State<A> finalState() {
        return null;
    }
}
