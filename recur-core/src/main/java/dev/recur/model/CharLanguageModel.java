package dev.recur.model;

import dev.recur.data.Batch;
import dev.recur.data.ValidationStreams;
import dev.recur.data.Vocabulary;
import dev.recur.nn.Activations;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.sequence.State;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A character language model with its vocabulary: predicts the next character of a text,
 * generates text, and measures its loss on a text. The network is any {@link Model} with one output
 * per step over the vocabulary that carries its recurrent state (as the {@link SequenceModel} of
 * {@link SequenceModelConfig#charLanguageModel}); a checkpoint or a trainer supplies both parts.
 *
 * <p>Texts are handled as Unicode code points: a character outside the Basic Multilingual Plane is
 * one token. A character the vocabulary lacks is an {@link IllegalArgumentException} naming it.
 * Generation and evaluation switch the model to evaluation mode and back. Not thread-safe (the
 * model is not).
 *
 * @param <A> the array type
 */
public final class CharLanguageModel<A> {

    /** The loss a character model trains and is evaluated with: mean cross-entropy over every prediction. */
    public static final Loss LOSS = CrossEntropy.mean();

    private final Model<A> model;
    private final Vocabulary vocabulary;

    /**
     * Pairs a model with its vocabulary.
     *
     * @param model      the network: token ids in, {@code V} logits per step out
     * @param vocabulary the vocabulary of {@code V} characters
     * @throws IllegalArgumentException if the model is a {@link SequenceModel} or a
     *                                  {@link QuantizedSequenceModel} that does not fit the vocabulary
     *                                  (no token input, pooled output or another {@code V})
     */
    public CharLanguageModel(Model<A> model, Vocabulary vocabulary) {
        this.model = Objects.requireNonNull(model, "model");
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        SequenceModelConfig c = model instanceof SequenceModel<A> m ? m.config()
                : model instanceof QuantizedSequenceModel q ? q.config() : null;
        if (c != null) {
            if (!c.hasTokens() || !c.perStep() || c.vocabSize() != vocabulary.size() || c.outputs() != vocabulary.size()) {
                throw new IllegalArgumentException("character model: expected a model reading and predicting the "
                        + vocabulary.size() + " characters of the vocabulary at every step, found " + c.vocabSize()
                        + " token ids in, " + c.outputs() + " outputs " + (c.perStep() ? "per step" : "per sequence"));
            }
        }
    }

    /** The network (shared). */
    public Model<A> model() {
        return model;
    }

    /** The vocabulary. */
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
        return model.inEvaluation(() -> new TokenSampler(1.0, 0, 0).distribution(lastRow(prime(context))));
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

    /** The most characters one call to {@link #generate} draws. */
    public static final int MAX_GENERATED = 100_000_000;

    /**
     * Checks a number of characters to generate.
     *
     * @param name   the setting, for the message (e.g. {@code --length})
     * @param length the number
     * @throws IllegalArgumentException unless {@code 0 <= length <=} {@value #MAX_GENERATED}
     */
    public static void requireLength(String name, int length) {
        if (length < 0 || length > MAX_GENERATED) {
            throw new IllegalArgumentException(name + ": expected 0.." + MAX_GENERATED + " characters, found " + length
                    + "; likely cause: a length meant for another unit, or text that should be generated in parts");
        }
    }

    /**
     * Generates text after a prime, handing each character to {@code sink} as soon as it is drawn:
     * the prime is run through the model, then each drawn character is fed back one step at a time
     * with the state carried.
     *
     * @param prime   the text to start from, at least one character, all in the vocabulary
     * @param length  the number of characters to generate, {@code 0..}{@value #MAX_GENERATED}
     * @param sampler draws each character
     * @param sink    receives each character (one code point) in order; it may throw to stop early
     */
    public void generate(String prime, int length, TokenSampler sampler, Consumer<String> sink) {
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(sink, "sink");
        requireLength("length", length);
        model.inEvaluation(() -> {
            Activations<A> out = prime(prime);
            int nv = vocabulary.size();
            for (int i = 0; i < length; i++) {
                int token = sampler.sample(model.precision(), out.values(), (out.steps() - 1) * nv, nv);
                sink.accept(vocabulary.token(token));
                if (i + 1 < length) {
                    State<A> state = model.finalState();
                    out = model.forward(Batch.ofTokens(new int[] {token}, 1, 1, null, null), state);
                }
            }
        });
    }

    /**
     * The mean cross-entropy of the model's predictions on a text, with the validation protocol
     * (the text cut into {@code batch} streams read in chunks of {@code seq} steps, the state carried
     * from chunk to chunk, every predicted character counted once; {@link ValidationStreams}).
     *
     * @param text  the text, at least {@code batch + 1} characters, all in the vocabulary
     * @param batch the number of streams
     * @param seq   the chunk length
     * @return the loss
     */
    public EvalResult evaluate(String text, int batch, int seq) {
        return evaluate(vocabulary.encode(text), batch, seq);
    }

    /**
     * {@link #evaluate(String, int, int)} on token ids.
     *
     * @param tokens the text as token ids
     * @param batch  the number of streams
     * @param seq    the chunk length
     * @return the loss
     */
    public EvalResult evaluate(int[] tokens, int batch, int seq) {
        return Evaluation.evaluate(model, LOSS, ValidationStreams.of(tokens, batch, seq).batches(), List.of());
    }

    private Activations<A> prime(String context) {
        Objects.requireNonNull(context, "context");
        int[] tokens = vocabulary.encode(context);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prime text: expected at least one character, found an empty text");
        }
        return model.forward(Batch.ofTokens(tokens, tokens.length, 1, null, null), null);
    }

    private double[] lastRow(Activations<A> out) {
        int nv = vocabulary.size();
        double[] row = new double[nv];
        int offset = (out.steps() - 1) * nv;
        for (int j = 0; j < nv; j++) {
            row[j] = model.precision().get(out.values(), offset + j);
        }
        return row;
    }

    @Override
    public String toString() {
        return "CharLanguageModel(" + model + ", " + vocabulary.size() + " characters)";
    }
}
