package dev.recur.model;

import dev.recur.nn.sequence.State;

/**
 * The result of {@link CharLanguageModel#forward}.
 *
 * @param logits     {@code [T, B, V]}: unnormalised next-token scores at every step
 * @param finalState the recurrent state after the last step ({@code h [L, B, H]}, {@code c [L, B, H]}
 *                   for the LSTM): pass it as the next chunk's initial state for truncated BPTT
 *                   (no gradient flows back through it)
 * @param tape       what {@link CharLanguageModel#backward} needs
 * @param <A> the array type
 */
public record LanguageModelOutput<A>(A logits, State<A> finalState, LanguageModelTape<A> tape) {

    /** {@code T}. */
    public int steps() {
        return tape.steps;
    }

    /** {@code B}. */
    public int batch() {
        return tape.batch;
    }
}
