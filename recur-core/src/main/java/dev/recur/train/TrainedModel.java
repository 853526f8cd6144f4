package dev.recur.train;

import dev.recur.data.Vocabulary;
import dev.recur.io.Checkpoint;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.LanguageModelOutput;
import dev.recur.model.TokenSampler;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A character language model together with its vocabulary: predicts the next character of a
 * text, generates text, and measures its loss on a text. Load one from a checkpoint with
 * {@link #load}, or take it from a {@link Trainer} with {@link Trainer#trainedModel()}.
 *
 * <p>Texts are handled as Unicode code points: a character outside the Basic Multilingual Plane is
 * one token. A character the vocabulary lacks is an {@link IllegalArgumentException} naming it.
 * Not thread-safe (the model is not).
 *
 * @param <A> the array type
 */
public final class TrainedModel<A> {

    private final CharLanguageModel<A> model;
    private final Vocabulary vocabulary;

    /**
     * Pairs a model with its vocabulary.
     *
     * @param model      the model
     * @param vocabulary the vocabulary, of the model's size {@code V}
     * @throws IllegalArgumentException if the sizes differ
     */
    public TrainedModel(CharLanguageModel<A> model, Vocabulary vocabulary) {
        this.model = Objects.requireNonNull(model, "model");
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        if (vocabulary.size() != model.config().vocabSize()) {
            throw new IllegalArgumentException("vocabulary: expected " + model.config().vocabSize()
                    + " characters (the model's V), found " + vocabulary.size());
        }
    }

    /**
     * Loads the model of a checkpoint (see {@link Checkpoint#load}).
     *
     * @param directory the run folder, or its {@code checkpoint.json}
     * @param precision the precision to compute in
     * @param <A>       the array type
     * @return the model with its vocabulary
     * @throws IOException if the checkpoint is missing, corrupted or inconsistent
     */
    public static <A> TrainedModel<A> load(Path directory, Precision<A> precision) throws IOException {
        Checkpoint.Contents<A> c = Checkpoint.load(directory, precision);
        return new TrainedModel<>(c.model(), c.vocabulary());
    }

    /**
     * The model.
     *
     * @return the model (shared)
     */
    public CharLanguageModel<A> model() {
        return model;
    }

    /**
     * The vocabulary.
     *
     * @return the vocabulary
     */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The model's distribution of the character following {@code context}.
     *
     * @param context the text so far, at least one character, all in the vocabulary
     * @return {@code [V]} probabilities, indexed by token id ({@link Vocabulary#token(int)})
     */
    public double[] nextCharProbabilities(String context) {
        Feed<A> f = feed(context);
        return new TokenSampler(1.0, 0, 0).distribution(lastRow(f.out));
    }

    /**
     * The most likely character to follow {@code context}.
     *
     * @param context the text so far, at least one character, all in the vocabulary
     * @return the character, as a string of one code point
     */
    public String mostLikelyNext(String context) {
        double[] p = nextCharProbabilities(context);
        int best = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return vocabulary.token(best);
    }

    /**
     * Generates text after a prime.
     *
     * @param prime       the text to start from (not repeated in the result), at least one character
     * @param length      the number of characters to generate
     * @param temperature {@code >= 0}: 1 samples the model's distribution, lower is more
     *                    conservative, 0 always takes the most likely character
     * @param topK        sample only among the {@code k} most likely characters (0 = all)
     * @param seed        seeds the draws: the same seed gives the same text
     * @return the generated characters
     */
    public String generate(String prime, int length, double temperature, int topK, long seed) {
        StringBuilder sb = new StringBuilder();
        generate(prime, length, new TokenSampler(temperature, topK, seed), sb::append);
        return sb.toString();
    }

    /**
     * Generates text after a prime, handing each character to {@code sink} as soon as it is drawn.
     *
     * @param prime   the text to start from, at least one character, all in the vocabulary
     * @param length  the number of characters to generate, {@code >= 0}
     * @param sampler draws each character
     * @param sink    receives each character (one code point) in order
     */
    public void generate(String prime, int length, TokenSampler sampler, Consumer<String> sink) {
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(sink, "sink");
        if (length < 0) {
            throw new IllegalArgumentException("length: expected >= 0 characters, found " + length);
        }
        Feed<A> f = feed(prime);
        LanguageModelOutput<A> out = f.out;
        int nv = vocabulary.size();
        for (int i = 0; i < length; i++) {
            int token = sampler.sample(model.precision(), out.logits(), (out.steps() - 1) * nv, nv);
            sink.accept(vocabulary.token(token));
            if (i + 1 < length) {
                out = model.forward(new int[] {token}, 1, 1, out.finalState(), false);
            }
        }
    }

    /**
     * The mean cross-entropy of the model's predictions on a text, with the validation protocol of
     * {@link Evaluation} (the text cut into {@code batch} streams read in chunks of {@code seq}).
     *
     * @param text  the text, at least {@code batch + 1} characters, all in the vocabulary
     * @param batch the number of streams
     * @param seq   the chunk length
     * @return the loss
     */
    public EvalResult evaluate(String text, int batch, int seq) {
        return Evaluation.evaluate(model, vocabulary.encode(text), batch, seq);
    }

    private record Feed<A>(LanguageModelOutput<A> out) {
    }

    private Feed<A> feed(String context) {
        Objects.requireNonNull(context, "context");
        int[] tokens = vocabulary.encode(context);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prime text: expected at least one character, found an empty text");
        }
        State<A> none = null;
        return new Feed<>(model.forward(tokens, tokens.length, 1, none, false));
    }

    private double[] lastRow(LanguageModelOutput<A> out) {
        int nv = vocabulary.size();
        double[] row = new double[nv];
        int offset = (out.steps() - 1) * nv;
        for (int j = 0; j < nv; j++) {
            row[j] = model.precision().get(out.logits(), offset + j);
        }
        return row;
    }
}
