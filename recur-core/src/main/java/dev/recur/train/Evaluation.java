package dev.recur.train;

import dev.recur.data.Chunk;
import dev.recur.data.ValidationStreams;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.LanguageModelOutput;
import dev.recur.nn.sequence.State;
import java.util.Objects;

/**
 * Evaluates a character language model on a token sequence exactly as the reference protocol
 * validates: the text is cut into {@code B} streams ({@link ValidationStreams}), read in chunks of at
 * most {@code seq} steps with the recurrent state carried from chunk to chunk (zero at the start),
 * and the cross-entropy of every predicted character is summed and divided by their number. No
 * dropout; the model is not changed.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * Evaluates over prepared validation streams.
     *
     * @param model   the model
     * @param streams the streams (their batch and chunk length)
     * @param <A>     the array type
     * @return the mean cross-entropy over {@link ValidationStreams#predictionCount()} characters
     * @throws IllegalArgumentException if a token is outside the model's vocabulary
     */
    public static <A> EvalResult evaluate(CharLanguageModel<A> model, ValidationStreams streams) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(streams, "streams");
        State<A> state = null;
        double total = 0;
        long count = 0;
        for (Chunk c : streams) {
            LanguageModelOutput<A> out = model.forward(c.inputs(), c.steps(), c.batch(), state, false);
            state = out.finalState();
            int rows = c.predictions();
            total += model.loss(out, c.targets(), null, null) * rows;
            count += rows;
        }
        return new EvalResult(total / count, count);
    }

    /**
     * Evaluates on a token sequence, cut into {@code batch} streams read in chunks of {@code seq}.
     *
     * @param model  the model
     * @param tokens the text as token ids (at least {@code batch + 1})
     * @param batch  {@code B}
     * @param seq    the chunk length
     * @param <A>    the array type
     * @return the mean cross-entropy
     * @throws IllegalArgumentException if the text is too short for the batch or holds a token
     *                                  outside the model's vocabulary
     */
    public static <A> EvalResult evaluate(CharLanguageModel<A> model, int[] tokens, int batch, int seq) {
        return evaluate(model, ValidationStreams.of(tokens, batch, seq));
    }
}
