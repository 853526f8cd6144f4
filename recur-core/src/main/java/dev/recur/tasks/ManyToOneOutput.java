package dev.recur.tasks;

import dev.recur.nn.sequence.SequenceOutput;

/**
 * The result of {@link ManyToOneModel#forward}.
 *
 * @param predictions {@code [B, K]}: regression outputs or class logits
 * @param features    {@code [B, D*Hout]}: the recurrent output each prediction was read from
 * @param readSteps   {@code [B]}: the step each sequence was read at
 * @param sequence    the recurrent stack's output, final state and tape
 * @param <A> the array type
 */
public record ManyToOneOutput<A>(A predictions, A features, int[] readSteps, SequenceOutput<A> sequence) {

    /** {@code B}. */
    public int batch() {
        return readSteps.length;
    }

    /** {@code T}. */
    public int steps() {
        return sequence.tape().steps();
    }
}
