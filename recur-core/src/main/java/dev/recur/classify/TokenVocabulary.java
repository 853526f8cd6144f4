package dev.recur.classify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The token vocabulary of a sequence classifier: token strings ({@link TokenKind#split}) to the
 * ids an embedding reads.
 *
 * <p>Id {@value #PADDING_ID} is padding ({@link #PADDING}, what {@link dev.recur.data.ExampleBatches}
 * fills short sequences with; {@link #encode} never returns it) and id {@value #UNKNOWN_ID} is the
 * unknown token {@link #UNKNOWN}; then come the training tokens by descending count, ties broken by
 * first appearance (sequences in order, tokens in order). A token seen fewer than {@code minCount}
 * times, or beyond the {@code maxSize} most frequent, has no id of its own and maps to unknown, as
 * does a token that is literally {@link #PADDING}.
 *
 * <p>For saving, {@link #tokens()} is the complete serialised form (token at index = its id);
 * {@link #of(List)} restores and validates it. Immutable and thread-safe.
 */
public final class TokenVocabulary {

    /** The id of padding. */
    public static final int PADDING_ID = 0;
    /** The id of the unknown token. */
    public static final int UNKNOWN_ID = 1;
    /** The token string of id {@value #PADDING_ID}. */
    public static final String PADDING = "<pad>";
    /** The token string of id {@value #UNKNOWN_ID}. */
    public static final String UNKNOWN = "<unk>";

    /** The likely cause of a saved form that {@link #of} refuses. */
    private static final String SAVED_FORM_BROKEN = "; likely cause: a corrupted or hand-edited saved vocabulary";

    /** Token at index = id. */
    private final List<String> tokens;
    /** Every token with an id of its own ({@code >= 1}); padding is absent, so it maps to unknown. */
    private final Map<String, Integer> ids;

    private TokenVocabulary(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = UNKNOWN_ID; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    /**
     * Builds the vocabulary of training sequences.
     *
     * @param trainingTokens the tokens of every training sequence
     * @param minCount       the fewest times a token must occur to get an id, {@code >= 1}
     * @param maxSize        the largest vocabulary, the two reserved ids included, {@code >= 2}
     * @return the vocabulary
     * @throws IllegalArgumentException for no tokens at all, a null token, or a bound out of range
     */
    public static TokenVocabulary build(List<List<String>> trainingTokens, int minCount, int maxSize) {
        Objects.requireNonNull(trainingTokens, "trainingTokens");
        if (minCount < 1) {
            throw new IllegalArgumentException("vocabulary min count: expected >= 1, found " + minCount);
        }
        if (maxSize < 2) {
            throw new IllegalArgumentException("vocabulary max size: expected >= 2 (padding and unknown included), "
                    + "found " + maxSize);
        }
        // count[token], in order of first appearance
        Map<String, long[]> counts = new LinkedHashMap<>();
        long total = 0;
        for (int s = 0; s < trainingTokens.size(); s++) {
            List<String> sequence = Objects.requireNonNull(trainingTokens.get(s), "trainingTokens[" + s + "]");
            for (int t = 0; t < sequence.size(); t++) {
                String token = sequence.get(t);
                if (token == null) {
                    throw new IllegalArgumentException("training tokens: expected strings, found null at sequence " + s
                            + ", position " + t);
                }
                if (!token.equals(PADDING) && !token.equals(UNKNOWN)) {
                    counts.computeIfAbsent(token, k -> new long[1])[0]++;
                }
                total++;
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("training tokens: expected at least one, found none in "
                    + trainingTokens.size() + " sequences; likely cause: empty training texts");
        }
        List<Map.Entry<String, long[]>> ranked = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] >= minCount) {
                ranked.add(e);
            }
        }
        // stable: equal counts keep their order of first appearance
        ranked.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        List<String> tokens = new ArrayList<>(Math.min(maxSize, ranked.size() + 2));
        tokens.add(PADDING);
        tokens.add(UNKNOWN);
        for (int i = 0; i < ranked.size() && tokens.size() < maxSize; i++) {
            tokens.add(ranked.get(i).getKey());
        }
        return new TokenVocabulary(tokens);
    }

    /**
     * Restores a vocabulary from its saved form, {@link #tokens()}.
     *
     * @param tokens token at index = id: {@link #PADDING}, {@link #UNKNOWN}, then distinct tokens
     * @return the vocabulary
     * @throws IllegalArgumentException if the reserved ids are not first, a token is null or a token
     *                                  occurs twice
     */
    public static TokenVocabulary of(List<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.size() < 2 || !PADDING.equals(tokens.get(PADDING_ID)) || !UNKNOWN.equals(tokens.get(UNKNOWN_ID))) {
            throw new IllegalArgumentException("vocabulary: expected " + PADDING + " and " + UNKNOWN + " as ids 0 and "
                    + "1, found " + (tokens.size() < 2 ? tokens.size() + " tokens" : "'" + tokens.get(0) + "' and '"
                    + tokens.get(1) + "'") + SAVED_FORM_BROKEN);
        }
        Map<String, Integer> seen = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token == null) {
                throw new IllegalArgumentException("vocabulary: expected a token at id " + i + ", found null"
                        + SAVED_FORM_BROKEN);
            }
            Integer before = seen.put(token, i);
            if (before != null) {
                throw new IllegalArgumentException("vocabulary: expected distinct tokens, found '" + token
                        + "' at ids " + before + " and " + i + SAVED_FORM_BROKEN);
            }
        }
        return new TokenVocabulary(tokens);
    }

    /**
     * The number of ids, the two reserved ones included: the embedding's {@code V}.
     *
     * @return the size, {@code >= 2}
     */
    public int size() {
        return tokens.size();
    }

    /**
     * The saved form: token at index = id, starting with {@link #PADDING} and {@link #UNKNOWN}.
     *
     * @return an unmodifiable list
     */
    public List<String> tokens() {
        return tokens;
    }

    /**
     * The token of an id.
     *
     * @param id in {@code [0, size())}
     * @return the token ({@link #PADDING} for 0, {@link #UNKNOWN} for 1)
     * @throws IllegalArgumentException if the id is out of range
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id: expected 0.." + (tokens.size() - 1) + ", found " + id
                    + "; likely cause: ids of another vocabulary");
        }
        return tokens.get(id);
    }

    /**
     * The id of a token.
     *
     * @param token the token
     * @return its id, or {@value #UNKNOWN_ID} if it has none (never {@value #PADDING_ID})
     */
    public int id(String token) {
        Objects.requireNonNull(token, "token");
        return ids.getOrDefault(token, UNKNOWN_ID);
    }

    /**
     * Encodes one sequence.
     *
     * @param tokens the tokens, at least one
     * @return one id per token, each {@code >= 1}; {@value #UNKNOWN_ID} for a token without an id
     * @throws IllegalArgumentException for an empty sequence (a model reads at least one step: the
     *                                  caller decides whether to skip the text) or a null token
     */
    public int[] encode(List<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("tokens: expected at least one, found none; likely cause: an empty "
                    + "text, or one without a letter or digit split into words");
        }
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            String token = tokens.get(i);
            if (token == null) {
                throw new IllegalArgumentException("tokens: expected strings, found null at position " + i);
            }
            out[i] = ids.getOrDefault(token, UNKNOWN_ID);
        }
        return out;
    }

    /**
     * The fraction of tokens that map to unknown, over all the sequences: how much of new text the
     * vocabulary does not cover.
     *
     * @param sequences the tokens of each sequence
     * @return {@code unknown tokens / all tokens} in {@code [0, 1]}; 0 when there are no tokens
     */
    public double unknownRate(List<List<String>> sequences) {
        Objects.requireNonNull(sequences, "sequences");
        long unknown = 0;
        long total = 0;
        for (List<String> sequence : sequences) {
            for (String token : sequence) {
                if (id(token) == UNKNOWN_ID) {
                    unknown++;
                }
                total++;
            }
        }
        // rate = unknown / total
        return total == 0 ? 0 : (double) unknown / total;
    }

    /** The vocabulary in words, e.g. {@code TokenVocabulary[V=1002: <pad>, <unk>, the, a, …]}. */
    @Override
    public String toString() {
        int shown = Math.min(tokens.size(), 6);
        return "TokenVocabulary[V=" + tokens.size() + ": " + String.join(", ", tokens.subList(0, shown))
                + (shown < tokens.size() ? ", …" : "") + "]";
    }
}
