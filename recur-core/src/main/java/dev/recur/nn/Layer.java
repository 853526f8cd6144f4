package dev.recur.nn;

/**
 * A module with one input and one output: a forward pass that records what its backward pass needs,
 * and a backward pass that undoes it.
 *
 * <pre>
 * y  = forward(x)            records x (or whatever the gradients need) in the layer
 * dx = backward(dy)          adds dL/dθ into every parameter's gradient; returns dL/dx
 * </pre>
 *
 * <p>{@code backward} refers to the most recent {@code forward}, once: call them in pairs, forward
 * first (a layer keeps one record, so running another forward in between, e.g. to validate, replaces
 * it). The arrays a layer returns may be kept by it for its backward pass: do not modify them.
 * Where the input is data rather than something computed (token ids), {@code backward} returns
 * null.
 *
 * <p>Implementations are not thread-safe: {@code forward} keeps what {@code backward} needs, so one
 * forward/backward at a time per instance.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 * @param <I> the input, e.g. {@link Activations} or {@link Tokens}
 * @param <O> the output
 */
public interface Layer<A, I, O> {

    /**
     * Computes the output, in training or evaluation mode as the module is set.
     *
     * @param input the input
     * @return the output
     * @throws IllegalArgumentException for an input of the wrong shape, naming expected and found
     */
    O forward(I input);

    /**
     * Back-propagates the gradient of the output of the last {@link #forward}.
     *
     * @param outputGradient {@code dL/dy}, shaped as the output
     * @return {@code dL/dx}, shaped as the input; null when the input is data (token ids)
     * @throws IllegalStateException if there is no forward pass to back-propagate
     */
    I backward(O outputGradient);
}
