package dev.recur.nn.sequence;

/**
 * Gradients that {@link SequenceLayer#backward} returns (parameter gradients are accumulated into
 * the parameters instead).
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param dx           {@code [T, B, I]}: gradient of the input; exactly 0 past each sequence's length; null
 *                     when it was not asked for
 * @param initialState gradient of the initial state (shapes as {@link State})
 * @param <A> the array type
 */
public record InputGradients<A>(A dx, State<A> initialState) {
}
