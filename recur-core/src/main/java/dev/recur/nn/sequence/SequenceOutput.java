package dev.recur.nn.sequence;

/**
 * The result of {@link SequenceLayer#forward}.
 *
 * <p>Immutable once built, but it keeps the arrays it is given, and its tape serves one backward
 * pass: not for sharing between threads.
 *
 * @param output     {@code [T, B, D*Hout]}: the top layer's state at every step, forward direction
 *                   first; exactly 0 at steps past a sequence's length
 * @param finalState each layer's and direction's state after its last step (a sequence's own last
 *                   step for the forward direction, step 0 for the reverse)
 * @param tape       what {@link SequenceLayer#backward} needs
 * @param <A> the array type
 */
public record SequenceOutput<A>(A output, State<A> finalState, Tape<A> tape) {
}
