package dev.recur.nn.sequence;

/**
 * A batch of input sequences, time-major.
 *
 * @param x       {@code [T, B, I]} inputs; at steps {@code t >= lengths[b]} the values are ignored
 * @param steps   {@code T}
 * @param batch   {@code B}
 * @param lengths per-sequence lengths in {@code 1..T}, or null when all are {@code T}
 * @param <A> the array type
 */
public record SequenceBatch<A>(A x, int steps, int batch, int[] lengths) {

    /** A batch whose sequences all have length {@code steps}. */
    public static <A> SequenceBatch<A> of(A x, int steps, int batch) {
        return new SequenceBatch<>(x, steps, batch, null);
    }
}
