package dev.recur.nn;

import java.util.Arrays;

/**
 * A batch of token-id sequences, time-major: {@code ids[t*B + b]} is token {@code t} of sequence
 * {@code b}. Steps {@code t >= lengths[b]} are padding (any id; an {@link Embedding} with a padding
 * index expects that index there).
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param ids     {@code [T, B]}
 * @param steps   {@code T >= 1}
 * @param batch   {@code B >= 1}
 * @param lengths {@code [B]} in {@code 1..T}, or null when all are {@code T}
 */
public record Tokens(int[] ids, int steps, int batch, int[] lengths) {

    /**
     * Checks the shape; keeps the arrays (not copies).
     *
     * @param ids     {@code [T, B]}
     * @param steps   {@code T}
     * @param batch   {@code B}
     * @param lengths the lengths, or null
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public Tokens {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("tokens shape: expected T >= 1 and B >= 1, found T = " + steps
                    + ", B = " + batch);
        }
        if (ids == null || ids.length != (long) steps * batch) {
            throw new IllegalArgumentException("tokens: expected [T, B] = [" + steps + ", " + batch + "] = "
                    + (long) steps * batch + " ids, found " + (ids == null ? "null" : ids.length)
                    + "; likely cause: T and B do not describe the token array");
        }
        Activations.checkLengths(lengths, steps, batch);
    }

    /**
     * Sequences that all have {@code steps} tokens.
     *
     * @param ids   {@code [T, B]}
     * @param steps {@code T}
     * @param batch {@code B}
     * @return the tokens
     */
    public static Tokens of(int[] ids, int steps, int batch) {
        return new Tokens(ids, steps, batch, null);
    }

    /** The length of sequence {@code b}. */
    public int length(int b) {
        return lengths == null ? steps : lengths[b];
    }

    @Override
    public String toString() {
        return "Tokens[T, B] = [" + steps + ", " + batch + "]" + (lengths == null ? "" : " with lengths "
                + Arrays.toString(lengths));
    }
}
