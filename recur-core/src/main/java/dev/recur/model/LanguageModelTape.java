package dev.recur.model;

import dev.recur.nn.sequence.Tape;

/**
 * Everything a {@link CharLanguageModel} forward pass keeps for its backward pass. Opaque; pass it
 * back through {@link LanguageModelOutput}.
 *
 * @param <A> the array type
 */
public final class LanguageModelTape<A> {
    final int steps;
    final int batch;
    /** {@code [T*B]}: the input tokens (a copy). */
    final int[] tokens;
    /** {@code [T, B, E]} dropout mask of the embeddings, or null. */
    final A embeddingMask;
    /** The recurrent stack's tape. */
    final Tape<A> rnnTape;
    /** {@code [T, B, H]}: the head's input (recurrent output after dropout). */
    final A headInput;
    /** {@code [T, B, H]} dropout mask of the recurrent output, or null. */
    final A outputMask;

    LanguageModelTape(int steps, int batch, int[] tokens, A embeddingMask, Tape<A> rnnTape, A headInput,
                      A outputMask) {
        this.steps = steps;
        this.batch = batch;
        this.tokens = tokens;
        this.embeddingMask = embeddingMask;
        this.rnnTape = rnnTape;
        this.headInput = headInput;
        this.outputMask = outputMask;
    }

    /** {@code T}. */
    public int steps() {
        return steps;
    }

    /** {@code B}. */
    public int batch() {
        return batch;
    }
}
